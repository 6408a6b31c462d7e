package dev.nixdeploy;

import java.util.Objects;

/**
 * Keys could not be exchanged with a host: its Nix configuration cannot be changed by nix-deploy (NixOS,
 * where {@code /etc/nix/nix.conf} is generated from the system configuration), is malformed, already
 * trusts another key under the same name, or its nix-daemon did not come back after a restart. The
 * message says which, and what to do (on NixOS: the exact line to add to the configuration). Never
 * carries secret key material.
 */
public class KeyExchangeException extends NixDeployException {
  private static final long serialVersionUID = 2L;


  /**
   * @param host the host, as in messages
   * @param message what failed and what to do
   */
  public KeyExchangeException(String host, String message) {
    super(host, message, null);
  }

  /**
   * @param host the host, as in messages
   * @param message what failed and what to do
   * @param cause the underlying failure
   */
  public KeyExchangeException(String host, String message, Throwable cause) {
    super(host, message, cause);
  }

  /** @return the host the exchange failed on */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }
}
