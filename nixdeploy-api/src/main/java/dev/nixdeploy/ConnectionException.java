package dev.nixdeploy;

import org.jspecify.annotations.Nullable;

/**
 * nix-deploy could not reach a host, or could not keep talking to it. The subclasses say why: the host
 * key was refused ({@link HostKeyException}), no credential was accepted ({@link AuthenticationException})
 * or an established connection dropped ({@link ConnectionLostException}).
 */
public class ConnectionException extends NixDeployException {
  private static final long serialVersionUID = 1L;

  private final String host;

  /**
   * @param host the host as the user named it, e.g. {@code deploy@web-1}
   * @param message what went wrong and what to do about it
   * @param cause the underlying failure, if any
   */
  public ConnectionException(String host, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.host = host;
  }

  /** @return the host as the user named it, e.g. {@code deploy@web-1} */
  public String host() {
    return host;
  }
}
