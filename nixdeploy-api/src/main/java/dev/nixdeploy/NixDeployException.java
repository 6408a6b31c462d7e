package dev.nixdeploy;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception nix-deploy throws. Unchecked, as a failed deployment is rarely something a
 * caller can recover from locally; subclasses say what failed and carry the context (host, command, exit
 * code). Messages say what was wrong and what to do about it, and never contain secret material.
 *
 * <pre>{@code
 * try {
 *   deployer.deployTo("web-1").copy(app).deploy();
 * } catch (NixDeployException e) {
 *   if (e.isConnectionLost()) {
 *     retryLater(e.host());           // whichever step lost it: the copy, the activation, a command
 *   } else {
 *     throw new BuildFailure(e.getMessage(), e);
 *   }
 * }
 * }</pre>
 *
 * <p>Every nix-deploy exception is {@link java.io.Serializable} with its context, so build tools can move
 * one between processes (a Gradle worker, a Maven forked JVM): the receiving side needs the same version
 * of {@code nixdeploy-api}.
 */
public class NixDeployException extends RuntimeException {
  private static final long serialVersionUID = 2L;

  private final @Nullable String host;

  /**
   * @param message what went wrong and, where known, what to do about it
   */
  public NixDeployException(String message) {
    this(null, message, null);
  }

  /**
   * @param message what went wrong and, where known, what to do about it
   * @param cause the underlying failure
   */
  public NixDeployException(String message, Throwable cause) {
    this(null, message, cause);
  }

  /**
   * @param host the host the failure concerns, as in messages (e.g. {@code deploy@web-1}), or null where
   *     none applies (e.g. a local key file)
   * @param message what went wrong and, where known, what to do about it
   * @param cause the underlying failure, or null
   */
  public NixDeployException(@Nullable String host, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.host = host;
  }

  /**
   * @return the host the failure concerns, as in messages (e.g. {@code deploy@web-1}; {@code local} for
   *     this machine), or null where none applies. Subclasses that always concern a host (all but
   *     {@link SigningKeyException} and {@link InvalidSignatureException}) never return null.
   */
  public @Nullable String host() {
    return host;
  }

  /**
   * Tells a dropped connection apart from every other failure, whichever step it hit: this exception or
   * one of its causes is a {@link ConnectionLostException} (a copy throws a {@link CopyFailedException}
   * and an activation an {@link ActivationException} then, caused by one).
   *
   * @return true if an established connection to a host dropped; running the deployment again may work
   */
  public boolean isConnectionLost() {
    for (Throwable t = this; t != null; t = t.getCause()) {
      if (t instanceof ConnectionLostException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
