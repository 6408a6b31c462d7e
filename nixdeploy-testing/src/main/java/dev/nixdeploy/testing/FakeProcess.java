package dev.nixdeploy.testing;

import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.RemoteProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A command of a {@link FakeNixHost} that reads all its input, then answers: it runs when its standard
 * input is closed (as {@code Transport.run} does after feeding it), and its output can be read then.
 */
final class FakeProcess implements RemoteProcess, FakeConnection.Stream {
  /** How a command ended. */
  record Result(int exitCode, byte[] stdout, byte[] stderr) {
    static Result of(int exitCode, String stdout, String stderr) {
      return new Result(exitCode, Nar.utf8(stdout), Nar.utf8(stderr));
    }

    static Result ok(String stdout) {
      return of(0, stdout, "");
    }

    static Result fail(int exitCode, String stderr) {
      return of(exitCode, "", stderr);
    }
  }

  private final String host;
  private final Function<byte[], Result> body;
  private final ByteArrayOutputStream input = new ByteArrayOutputStream();
  private final Pipe stdout;
  private final Pipe stderr;
  private @Nullable Result result;
  private boolean cut;

  FakeProcess(String host, Function<byte[], Result> body) {
    this.host = host;
    this.body = body;
    this.stdout = new Pipe(host, "running a command");
    this.stderr = new Pipe(host, "running a command");
  }

  @Override
  public OutputStream stdin() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (FakeProcess.this) {
          if (cut) {
            throw new IOException("the connection to " + host + " was lost");
          }
          if (result == null) {
            input.write(b, off, len);
          }
        }
      }

      @Override
      public void close() {
        finish();
      }
    };
  }

  private void finish() {
    byte[] in;
    synchronized (this) {
      if (result != null || cut) {
        return;
      }
      in = input.toByteArray();
    }
    Result r = body.apply(in);
    synchronized (this) {
      if (result != null || cut) {
        return;
      }
      result = r;
      try {
        stdout.output().write(r.stdout());
        stderr.output().write(r.stderr());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      stdout.close();
      stderr.close();
      notifyAll();
    }
  }

  @Override
  public InputStream stdout() {
    return stdout.input();
  }

  @Override
  public InputStream stderr() {
    return stderr.input();
  }

  @Override
  public synchronized OptionalInt waitFor(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (result == null && !cut) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return OptionalInt.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (result == null) {
      throw FakeConnection.lost(host, "running a command");
    }
    return OptionalInt.of(result.exitCode());
  }

  @Override
  public synchronized boolean isAlive() {
    return result == null && !cut;
  }

  @Override
  public synchronized void cut() {
    if (result == null) {
      cut = true;
      stdout.cut();
      stderr.cut();
      notifyAll();
    }
  }

  @Override
  public void close() {
    cut();
  }
}
