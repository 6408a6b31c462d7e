package dev.nixdeploy;

import java.util.Objects;

/**
 * A step that must run as root could not become root on a host: the user is not root, {@code sudo} is
 * missing, refuses, or wants a password that was not given or was wrong. Nothing was changed on the host.
 * The message lists what an administrator of the host can do.
 */
public class PrivilegeException extends NixDeployException {
  private static final long serialVersionUID = 2L;


  /**
   * @param host the host, as in messages
   * @param message what failed and what to do; never a password
   */
  public PrivilegeException(String host, String message) {
    super(host, message, null);
  }

  /** @return the host where root access failed */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }
}
