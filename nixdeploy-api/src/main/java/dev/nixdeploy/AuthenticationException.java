package dev.nixdeploy;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The host refused every credential nix-deploy offered (or a key could not be unlocked). The message names
 * the host, the user and what was tried; it never contains a passphrase.
 */
public class AuthenticationException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  private final String user;
  private final List<String> attempted;

  /**
   * @param host the host as the user named it
   * @param user the user nix-deploy tried to log in as
   * @param attempted what was offered, e.g. {@code identity file /home/me/.ssh/id_ed25519}, {@code ssh-agent}
   * @param message what went wrong and what to do about it
   * @param cause the underlying failure, if any
   */
  public AuthenticationException(String host, String user, List<String> attempted, String message,
      @Nullable Throwable cause) {
    super(host, message, cause);
    this.user = user;
    this.attempted = List.copyOf(attempted);
  }

  /** @return the user nix-deploy tried to log in as */
  public String user() {
    return user;
  }

  /** @return a description of each credential that was offered, in order */
  public List<String> attempted() {
    return attempted;
  }
}
