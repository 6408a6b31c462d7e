package dev.nixdeploy;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * nix-deploy could not reach a host, or could not keep talking to it. The subclasses say why: the host
 * key was refused ({@link HostKeyException}), no credential was accepted ({@link AuthenticationException})
 * or an established connection dropped ({@link ConnectionLostException}).
 */
public class ConnectionException extends NixDeployException {
  private static final long serialVersionUID = 2L;

  /**
   * @param host the host as the user named it, e.g. {@code deploy@web-1}
   * @param message what went wrong and what to do about it
   * @param cause the underlying failure, if any
   */
  public ConnectionException(String host, String message, @Nullable Throwable cause) {
    super(host, message, cause);
  }

  /** @return the host as the user named it, e.g. {@code deploy@web-1} */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }
}
