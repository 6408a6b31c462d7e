package dev.nixdeploy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one host of a {@link FleetDeployment} ended.
 *
 * @param host the target, as given
 * @param state its final state
 * @param keys what the key exchange changed, if it ran
 * @param copy what was copied to the host (sent over SSH, or substituted from the binary cache), if the
 *     copy ran
 * @param profile the profile set, if one was
 * @param activation what the activation did, if it ran (also when it failed or was rolled back)
 * @param rolledBackTo what the host went back to (the system or profile target that was there before),
 *     if a failed health check of its batch rolled it back
 * @param error why the host failed, was rolled back or was not started, if it did not succeed
 * @param duration how long the host was worked on
 */
public record FleetHostResult(
    Target host,
    State state,
    Optional<KeyExchangeResult> keys,
    Optional<CopyResult> copy,
    Optional<ProfileUpdate> profile,
    Optional<ActivationResult> activation,
    Optional<StorePath> rolledBackTo,
    Optional<String> error,
    Duration duration) {

  /** A host's final state. */
  public enum State {
    /** Every step succeeded and the host's batch passed its health check. */
    SUCCEEDED,
    /** A step failed on this host (see {@link #error()}); its store and profile stay consistent. */
    FAILED,
    /**
     * The host was deployed, but its batch failed its health check, so it went back to what was running
     * before ({@link #rolledBackTo()}).
     */
    ROLLED_BACK,
    /** Not started: an earlier batch failed its health check, or too many hosts failed. Untouched. */
    SKIPPED,
    /** Not started, or stopped before it changed anything, because the deployment was cancelled. */
    CANCELLED;

    /** @return the state in lower case, as the command line prints it */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** Checks that no component is null. */
  public FleetHostResult {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(copy, "copy");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(rolledBackTo, "rolledBackTo");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(duration, "duration");
  }

  /** @return true if the host reached the new state and keeps it */
  public boolean succeeded() {
    return state == State.SUCCEEDED;
  }
}
