package dev.nixdeploy;

import java.util.List;

/**
 * Follows a {@link FleetDeployment} host by host, e.g. to draw one line per host. Every method has an
 * empty default; {@link #NONE} ignores everything. The steps within a host (copy progress, activation
 * output) still go to the deployer's {@link DeployListener}, whose events name the host.
 *
 * <p>Events arrive on the threads that work on the hosts, several at once: a listener must be
 * thread-safe, must not throw, and should return quickly.
 */
public interface FleetListener {
  /** A listener that ignores every event. */
  FleetListener NONE = new FleetListener() {};

  /** What a host is busy with. */
  enum Step {
    /** Opening the SSH session. */
    CONNECTING,
    /** Exchanging keys (and trusting the binary cache). */
    KEYS,
    /** Copying the closure over SSH, or substituting it from the binary cache. */
    COPYING,
    /** Setting the profile. */
    PROFILE,
    /** Activating the system. */
    ACTIVATING,
    /** Running the batch's health check. */
    HEALTH_CHECK,
    /** Re-activating what ran before, because the batch failed its health check. */
    ROLLING_BACK
  }

  /**
   * A batch starts (a deployment without batches is one batch of every host).
   *
   * @param index the batch's number, 0 for the canary
   * @param hosts its hosts
   */
  default void batchStarted(int index, List<Target> hosts) {}

  /**
   * The binary cache holds the closure now.
   *
   * @param cache the cache
   */
  default void cacheFilled(BinaryCache cache) {}

  /**
   * A host starts a step.
   *
   * @param host the host
   * @param step the step
   */
  default void hostStep(Target host, Step step) {}

  /**
   * A host has its final state; it is not worked on any more.
   *
   * @param result how it ended
   */
  default void hostFinished(FleetHostResult result) {}
}
