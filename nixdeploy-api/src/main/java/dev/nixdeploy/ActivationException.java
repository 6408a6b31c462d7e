package dev.nixdeploy;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Activating a NixOS system failed: the path is no system closure, {@code switch-to-configuration}
 * failed, the host rolled back because nix-deploy could not confirm that it still reaches it, or the host
 * did not come back on the new system after a reboot. When the activation ran, {@link #result()} tells
 * what it did, including any rollback; the message says so too, and what to do.
 */
public class ActivationException extends NixDeployException {
  private static final long serialVersionUID = 2L;

  private final @Nullable ActivationResult result;

  /**
   * @param host the host, as in messages
   * @param message what failed and what to do
   * @param result what the activation did, or null if it changed nothing (e.g. no system closure)
   */
  public ActivationException(String host, String message, @Nullable ActivationResult result) {
    this(host, message, result, null);
  }

  /**
   * @param host the host, as in messages
   * @param message what failed and what to do
   * @param result what the activation did, or null if it changed nothing or is unknown (lost connection)
   * @param cause the underlying failure, e.g. the {@link ConnectionLostException} that cut the activation
   *     off, or null
   */
  public ActivationException(String host, String message, @Nullable ActivationResult result,
      @Nullable Throwable cause) {
    super(host, message, cause);
    this.result = result;
  }

  /** @return the host, as in messages */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }

  /** @return what the activation did; empty if it failed before changing anything */
  public Optional<ActivationResult> result() {
    return Optional.ofNullable(result);
  }
}
