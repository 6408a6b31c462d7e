package dev.nixdeploy.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, turns Ctrl-C (SIGINT, SIGTERM) into an interrupt of the thread that opened it: a fleet
 * deployment run there then starts no further host, lets running activations finish or roll back, and
 * returns each host's state. The JVM exits once this is closed (after the report is printed), or after
 * {@value #GRACE_MINUTES} minutes.
 *
 * <pre>{@code
 * try (Interrupts ctrlC = Interrupts.install()) {
 *   FleetResult r = fleet.deploy();
 *   print(r);
 * }
 * }</pre>
 */
final class Interrupts implements AutoCloseable {
  /** How long the JVM waits at most for the deployment to wind down after Ctrl-C. */
  static final long GRACE_MINUTES = 10;

  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private Interrupts(Thread worker) {
    this.hook = new Thread(() -> {
      worker.interrupt();
      try {
        done.await(GRACE_MINUTES, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "nix-deploy shutdown");
  }

  static Interrupts install() {
    Interrupts interrupts = new Interrupts(Thread.currentThread());
    Runtime.getRuntime().addShutdownHook(interrupts.hook);
    return interrupts;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C came: the hook has waited for this, now the JVM exits.
    }
    done.countDown();
  }
}
