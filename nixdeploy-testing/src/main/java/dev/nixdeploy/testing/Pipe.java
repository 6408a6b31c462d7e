package dev.nixdeploy.testing;

import dev.nixdeploy.ConnectionLostException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a fake command's stream: what one side writes, the other reads, in chunks without a
 * bound (test data is small), so neither side ever waits for the other to read. Cut, it fails the way a
 * dropped SSH channel does: reads throw {@link ConnectionLostException}, writes an {@link IOException}.
 */
final class Pipe {
  private final String host;
  private final String doing;
  private final Deque<byte[]> chunks = new ArrayDeque<>();
  private byte @Nullable [] current;
  private int position;
  private boolean closed;
  private boolean cut;

  /** @param doing what the command does, for the message when the connection drops */
  Pipe(String host, String doing) {
    this.host = host;
    this.doing = doing;
  }

  private synchronized void write(byte[] b, int off, int len) throws IOException {
    if (cut) {
      throw new IOException("the connection to " + host + " was lost");
    }
    if (closed) {
      throw new IOException("the pipe to " + host + " is closed");
    }
    if (len > 0) {
      chunks.add(Arrays.copyOfRange(b, off, off + len));
      notifyAll();
    }
  }

  private synchronized int read(byte[] b, int off, int len) {
    while (true) {
      if (cut) {
        throw FakeConnection.lost(host, doing);
      }
      if (current != null && position < current.length) {
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
      }
      current = chunks.poll();
      position = 0;
      if (current == null) {
        if (closed) {
          return -1;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ConnectionLostException(host, "Interrupted while reading from " + host, e);
        }
      }
    }
  }

  private synchronized int available() {
    int n = current == null ? 0 : current.length - position;
    for (byte[] c : chunks) {
      n += c.length;
    }
    return n;
  }

  /** End of stream for the reader, once it has read what was written. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** The connection dropped: what was not read is lost. */
  synchronized void cut() {
    cut = true;
    chunks.clear();
    current = null;
    notifyAll();
  }

  synchronized boolean isClosed() {
    return closed || cut;
  }

  OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        Pipe.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Pipe.this.write(b, off, len);
      }

      @Override
      public void close() {
        Pipe.this.close();
      }
    };
  }

  InputStream input() {
    return new InputStream() {
      @Override
      public int read() {
        byte[] one = new byte[1];
        return Pipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return len == 0 ? 0 : Pipe.this.read(b, off, len);
      }

      @Override
      public int available() {
        return Pipe.this.available();
      }
    };
  }
}
