package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * {@link Transport#run} against a fake command that writes a lot to standard error before it ends its
 * standard output, as {@code nix-store} does with a long build log.
 */
class TransportRunTest {
  /** Generous: the command takes milliseconds; this only keeps a deadlock from hanging the build. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);
  private static final int STDERR_BYTES = 4 << 20;

  @Test
  void drainsStandardErrorWhileEveryCommonPoolWorkerIsBusy() throws InterruptedException {
    // The surefire configuration makes the common pool's parallelism above 1 (else CompletableFuture
    // would not use it at all), as it is on machines with more cores.
    assertThat(ForkJoinPool.getCommonPoolParallelism()).as("common pool parallelism").isGreaterThan(1);
    int workers = ForkJoinPool.getCommonPoolParallelism();
    CountDownLatch busy = new CountDownLatch(workers);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < workers; i++) {
      ForkJoinPool.commonPool().execute(() -> {
        busy.countDown();
        awaitQuietly(release);
      });
    }
    busy.await();
    try {
      CommandResult result = assertTimeoutPreemptively(HANG_GUARD,
          () -> new NoisyTransport().run(Command.of("noisy")));

      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout()).isEqualTo("done\n");
      assertThat(result.stderr()).hasSize(STDERR_BYTES).matches("x+");
    } finally {
      release.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Each command writes {@value #STDERR_BYTES} bytes to stderr, and only then "done" to stdout. */
  private static final class NoisyTransport implements Transport {
    @Override
    public String host() {
      return "noisy";
    }

    @Override
    public RemoteProcess start(Command command) {
      return new NoisyProcess();
    }

    @Override
    public void close() {}
  }

  private static final class NoisyProcess implements RemoteProcess {
    private final PipedInputStream stdout = new PipedInputStream(1024);
    private final PipedInputStream stderr = new PipedInputStream(1024);
    private final Thread command;

    NoisyProcess() {
      try {
        PipedOutputStream out = new PipedOutputStream(stdout);
        PipedOutputStream err = new PipedOutputStream(stderr);
        command = new Thread(() -> {
          try (out; err) {
            byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            for (int written = 0; written < STDERR_BYTES; written += chunk.length) {
              err.write(chunk); // blocks while nobody reads stderr
            }
            err.close();
            out.write("done\n".getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, "noisy command");
        command.setDaemon(true);
        command.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public OutputStream stdin() {
      return new ByteArrayOutputStream();
    }

    @Override
    public InputStream stdout() {
      return stdout;
    }

    @Override
    public InputStream stderr() {
      return stderr;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
      command.join(timeout.toMillis());
      return command.isAlive() ? OptionalInt.empty() : OptionalInt.of(0);
    }

    @Override
    public boolean isAlive() {
      return command.isAlive();
    }

    @Override
    public void close() {
      command.interrupt();
    }
  }
}
