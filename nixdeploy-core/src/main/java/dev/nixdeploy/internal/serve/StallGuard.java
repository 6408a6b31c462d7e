package dev.nixdeploy.internal.serve;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives up on a peer that makes no progress: wraps a process's standard output and input, notes when a
 * read or a write starts blocking, and once one has blocked longer than the timeout runs the stall action
 * (which ends the process, so that the blocked call fails at once). Time in which nothing waits on the
 * peer does not count. One JVM-wide daemon timer serves every guard; {@link #close} cancels this one's
 * check.
 */
final class StallGuard implements AutoCloseable {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "nix-deploy stall guard");
    t.setDaemon(true);
    return t;
  });

  private final long timeoutNanos;
  private final Runnable onStall;
  private final ScheduledFuture<?> check;
  /** When the current read or write started blocking; 0 when none is under way. */
  private volatile long readingSince;
  private volatile long writingSince;
  private volatile boolean stalled;

  StallGuard(Duration timeout, Runnable onStall) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.timeoutNanos = timeout.toNanos();
    this.onStall = onStall;
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 4);
    this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  private void check() {
    long now = System.nanoTime();
    long r = readingSince;
    long w = writingSince;
    if (!stalled && ((r != 0 && now - r > timeoutNanos) || (w != 0 && now - w > timeoutNanos))) {
      stalled = true;
      check.cancel(false);
      onStall.run();
    }
  }

  /** @return whether the peer stalled and was cut off */
  boolean stalled() {
    return stalled;
  }

  /** @return how long the peer may make no progress */
  Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  private static long now() {
    long t = System.nanoTime();
    return t == 0 ? 1 : t;
  }

  InputStream guard(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        readingSince = now();
        try {
          return super.read();
        } finally {
          readingSince = 0;
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        readingSince = now();
        try {
          return super.read(b, off, len);
        } finally {
          readingSince = 0;
        }
      }
    };
  }

  OutputStream guard(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        writingSince = now();
        try {
          out.write(b);
        } finally {
          writingSince = 0;
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writingSince = now();
        try {
          out.write(b, off, len);
        } finally {
          writingSince = 0;
        }
      }

      @Override
      public void flush() throws IOException {
        writingSince = now();
        try {
          out.flush();
        } finally {
          writingSince = 0;
        }
      }
    };
  }

  @Override
  public void close() {
    check.cancel(false);
  }
}
