package dev.nixdeploy;

import java.util.Objects;

/** The Nix on a host speaks a serve protocol nix-deploy cannot speak (it needs Nix 2.3 to 2.35, or Lix). */
public class UnsupportedNixException extends NixDeployException {
  private static final long serialVersionUID = 2L;


  /**
   * @param host the host
   * @param message what the host answered and what to do
   */
  public UnsupportedNixException(String host, String message) {
    super(host, message, null);
  }

  /** @return the host running the unsupported Nix */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }
}
