package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the processes that must die with this JVM. They ask the kernel for SIGKILL when their parent
 * dies ({@code setpriv --pdeathsig}), and the kernel means the parent <em>thread</em>: a process started
 * from a pooled thread would be killed when that thread retires. So they are all started from one thread
 * that lives as long as the JVM.
 */
final class Launcher {
  private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "sandbox-launcher");
    thread.setDaemon(true);
    return thread;
  });

  private Launcher() {}

  /** @return the started process, a child of the launcher thread */
  static Process start(ProcessBuilder builder) {
    try {
      return THREAD.submit(builder::start).get();
    } catch (ExecutionException e) {
      throw new NixDeployException("cannot start " + builder.command() + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("interrupted while starting " + builder.command(), e);
    }
  }
}
