package dev.nixdeploy.internal.activation;

import dev.nixdeploy.DeployListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The activation's log as it arrives: split into lines for the listener, the last ones kept for the
 * result, and the byte offset reached, so that a new connection goes on where the last one stopped.
 */
final class OutputLines {
  static final int KEPT = 40;

  private final String host;
  private final DeployListener listener;
  private final Deque<String> last = new ArrayDeque<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private long offset;

  OutputLines(String host, DeployListener listener) {
    this.host = host;
    this.listener = listener;
  }

  long offset() {
    return offset;
  }

  void accept(byte[] bytes, int length) {
    offset += length;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        emit(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
      } else {
        partial.write(bytes[i]);
      }
    }
  }

  private void emit(String line) {
    if (last.size() == KEPT) {
      last.removeFirst();
    }
    last.addLast(line);
    try {
      listener.activationOutput(host, line);
    } catch (RuntimeException e) {
      // A listener must not throw; its failure must not stop the activation's bookkeeping.
    }
  }

  /** @return the last lines, an unfinished last line included */
  List<String> tail() {
    List<String> lines = new java.util.ArrayList<>(last);
    if (partial.size() > 0) {
      lines.add(partial.toString(StandardCharsets.UTF_8));
    }
    return lines.size() > KEPT ? lines.subList(lines.size() - KEPT, lines.size()) : lines;
  }
}
