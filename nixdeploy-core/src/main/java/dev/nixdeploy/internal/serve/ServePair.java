package dev.nixdeploy.internal.serve;

import dev.nixdeploy.NixDeployException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Two {@code nix-store --serve} clients opened at the same time, one per side of a copy: starting one is
 * a process or an SSH channel and a handshake, mostly waiting for the far side's {@code nix-store} to
 * start, so the two waits overlap instead of adding up. Closing closes both.
 *
 * @param first the client opened by the calling thread
 * @param second the client opened by a helper thread meanwhile
 */
public record ServePair(ServeClient first, ServeClient second) implements AutoCloseable {

  /**
   * Opens both at once. If either fails, the other is closed once open and the failure is thrown; no
   * thread or process is left behind.
   *
   * @param first opens the first client, on this thread
   * @param second opens the second client, on a helper thread
   * @return both clients, open
   */
  public static ServePair open(Supplier<ServeClient> first, Supplier<ServeClient> second) {
    FutureTask<ServeClient> other = new FutureTask<>(second::get);
    Thread opener = new Thread(other, "nix-deploy-serve-open");
    opener.setDaemon(true);
    opener.start();
    ServeClient a;
    try {
      a = first.get();
    } catch (RuntimeException | Error e) {
      closeQuietly(await(other), e);
      throw e;
    }
    ServeClient b;
    try {
      b = await(other).get();
    } catch (RuntimeException | Error e) {
      a.close();
      throw e;
    }
    return new ServePair(a, b);
  }

  /** Waits for the helper, uninterruptibly: it must not outlive the call, whatever happens. */
  private static Supplier<ServeClient> await(FutureTask<ServeClient> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          ServeClient client = task.get();
          return () -> client;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          return () -> {
            if (cause instanceof RuntimeException r) {
              throw r;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw new NixDeployException("Cannot start nix-store --serve: " + cause, cause);
          };
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Supplier<ServeClient> client, Throwable failure) {
    try {
      client.get().close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    try (ServeClient b = second) {
      first.close();
    }
  }
}
