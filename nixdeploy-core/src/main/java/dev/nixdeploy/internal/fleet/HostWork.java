package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetHostResult.State;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.internal.activation.Activator;
import dev.nixdeploy.internal.deploy.CoreSession;
import dev.nixdeploy.internal.serve.ServeClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One host of a fleet run: its session while it is worked on, what each step returned, and its state.
 * Touched by one thread at a time (the run hands it from phase to phase).
 */
final class HostWork {
  final Target host;
  @Nullable CoreSession session;
  @Nullable ServeClient store;
  @Nullable KeyExchangeResult keys;
  @Nullable CopyResult copy;
  @Nullable ProfileUpdate profile;
  @Nullable ActivationResult activation;
  /** What activated the new system (and can roll it back), once the activation started. */
  @Nullable Activator activator;
  /** What the profile pointed to before a profile change (no activation), if known. */
  @Nullable StorePath previous;
  @Nullable StorePath rolledBackTo;
  /** Null while the host is still going (deployed, so far); its final state once decided. */
  @Nullable State state;
  @Nullable String error;
  /** Whether the listener was told the final state. */
  final AtomicBoolean reported = new AtomicBoolean();
  private long started;
  private long ended;

  HostWork(Target host) {
    this.host = host;
  }

  void start() {
    started = System.nanoTime();
  }

  /** @return true if the host is still going: started, nothing failed */
  boolean going() {
    return started != 0 && state == null;
  }

  boolean started() {
    return started != 0;
  }

  /** Gives the host its final state (unless it has one) and ends its session. */
  void end(State outcome, @Nullable String why) {
    if (state == null || state == State.SUCCEEDED) {
      state = outcome;
      if (why != null) {
        error = why;
      }
    }
    close();
  }

  /** Fails the host with an exception's message. */
  void fail(RuntimeException e) {
    end(State.FAILED, message(e));
  }

  static String message(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  void close() {
    if (ended == 0 && started != 0) {
      ended = System.nanoTime();
    }
    if (store != null) {
      store.close();
      store = null;
    }
    if (session != null) {
      session.close();
      session = null;
    }
  }

  FleetHostResult result() {
    State s = state == null ? State.SUCCEEDED : state;
    Duration took = started == 0 ? Duration.ZERO : Duration.ofNanos((ended == 0 ? System.nanoTime() : ended) - started);
    return new FleetHostResult(host, s, Optional.ofNullable(keys), Optional.ofNullable(copy),
        Optional.ofNullable(profile), Optional.ofNullable(activation), Optional.ofNullable(rolledBackTo),
        Optional.ofNullable(error), took);
  }
}
