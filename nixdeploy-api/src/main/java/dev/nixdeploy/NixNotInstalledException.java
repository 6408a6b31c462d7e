package dev.nixdeploy;

import java.util.Objects;

/**
 * Nix's {@code nix-store} could not be run on a host: Nix is not installed there, or not in the
 * {@code PATH} of the non-interactive shell that runs remote commands (on macOS and some Linux setups the
 * profile that adds Nix to the {@code PATH} is read by login shells only).
 */
public class NixNotInstalledException extends NixDeployException {
  private static final long serialVersionUID = 2L;


  /**
   * @param host the host, as {@code user@host} when the user is known
   * @param detail what the host printed, may be empty
   */
  public NixNotInstalledException(String host, String detail) {
    super(host, "Nix is not installed on " + host + " or not in the PATH of " + userOf(host)
        + "'s non-interactive shell. Install Nix there, or make nix-store reachable from a non-interactive"
        + " shell (e.g. set PATH in ~/.bashrc or /etc/environment)"
        + (detail.isBlank() ? "" : ": " + detail.strip()), null);
  }

  private static String userOf(String host) {
    int at = host.indexOf('@');
    return at > 0 ? host.substring(0, at) : "the remote user";
  }

  /** @return the host where Nix was not found */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }
}
