package dev.nixdeploy;

/**
 * The root of every exception nix-deploy throws. Unchecked, as a failed deployment is rarely something a
 * caller can recover from locally; subclasses say what failed and carry the context (host, command, exit
 * code). Messages say what was wrong and what to do about it, and never contain secret material.
 */
public class NixDeployException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and, where known, what to do about it
   */
  public NixDeployException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and, where known, what to do about it
   * @param cause the underlying failure
   */
  public NixDeployException(String message, Throwable cause) {
    super(message, cause);
  }
}
