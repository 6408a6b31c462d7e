package dev.nixdeploy;

import org.jspecify.annotations.Nullable;

/**
 * An established connection to a host dropped (network failure, sshd restarted, host rebooted) while
 * nix-deploy was using it. Commands that were running may or may not have finished on the host.
 */
public class ConnectionLostException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the host as the user named it
   * @param message what was going on when the connection dropped
   * @param cause the underlying failure, if any
   */
  public ConnectionLostException(String host, String message,
      @Nullable Throwable cause) {
    super(host, message, cause);
  }
}
