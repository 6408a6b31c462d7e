package dev.nixdeploy.internal.serve;

import dev.nixdeploy.ConnectionLostException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drains a process's standard error on its own thread (so the process never blocks on a full pipe) and
 * keeps the last {@value #KEEP} bytes, which is where Nix prints the error that ended it.
 */
final class StderrTail {
  static final int KEEP = 16 * 1024;

  private final byte[] ring = new byte[KEEP];
  private long written;
  private final Thread thread;

  StderrTail(InputStream stderr, String name) {
    thread = new Thread(() -> drain(stderr), name);
    thread.setDaemon(true);
    thread.start();
  }

  private void drain(InputStream stderr) {
    byte[] buffer = new byte[4096];
    try (stderr) {
      int n;
      while ((n = stderr.read(buffer)) >= 0) {
        append(buffer, n);
      }
    } catch (IOException | ConnectionLostException e) {
      // The stream closed or the session died under us: keep what we have.
    }
  }

  private synchronized void append(byte[] buffer, int n) {
    for (int i = 0; i < n; i++) {
      ring[(int) (written++ % KEEP)] = buffer[i];
    }
  }

  /** Waits up to {@code timeout} for the stream to end, so that the whole error message is in. */
  void awaitEnd(Duration timeout) {
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** @return the last bytes read, decoded as UTF-8 and stripped */
  synchronized String text() {
    int length = (int) Math.min(written, KEEP);
    byte[] out = new byte[length];
    long start = written - length;
    for (int i = 0; i < length; i++) {
      out[i] = ring[(int) ((start + i) % KEEP)];
    }
    return new String(out, StandardCharsets.UTF_8).strip();
  }
}
