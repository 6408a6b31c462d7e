package dev.nixdeploy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Deployment} did.
 *
 * @param host the remote host
 * @param direction whether paths went to the host or came from it
 * @param keys what the key exchange did, if the plan {@linkplain Deployment#ensureKeys() ensured keys}
 * @param copy what the closure copy did, if the plan copied anything
 * @param profile the profile set, if the plan {@linkplain Deployment#profile(String) set one}
 * @param activation what the activation did, if the plan was run by {@link Deployment#activate()}
 * @param duration how long the whole deployment took, connecting included
 */
public record DeploymentResult(
    Target host,
    Direction direction,
    Optional<KeyExchangeResult> keys,
    Optional<CopyResult> copy,
    Optional<ProfileUpdate> profile,
    Optional<ActivationResult> activation,
    Duration duration) {
  /** Checks that no component is null. */
  public DeploymentResult {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(copy, "copy");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(duration, "duration");
  }
}
