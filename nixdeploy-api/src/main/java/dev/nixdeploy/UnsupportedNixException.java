package dev.nixdeploy;

/** The Nix on a host speaks a protocol nix-deploy does not support (it needs Nix 2.4 or later). */
public class UnsupportedNixException extends NixDeployException {
  private static final long serialVersionUID = 1L;

  private final String host;

  /**
   * @param host the host
   * @param message what the host answered and what to do
   */
  public UnsupportedNixException(String host, String message) {
    super(message);
    this.host = host;
  }

  /** @return the host running the unsupported Nix */
  public String host() {
    return host;
  }
}
