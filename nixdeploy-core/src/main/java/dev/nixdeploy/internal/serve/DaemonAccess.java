package dev.nixdeploy.internal.serve;

import java.util.Optional;

/**
 * Recognizes a nix-daemon that refuses the login user at its socket, and says what to do. Debian's and
 * Ubuntu's Nix packages make {@code /nix/var/nix/daemon-socket} mode 0770, group {@code nix-users}: any
 * other user's Nix fails with "Permission denied" on the socket, which alone does not tell why.
 */
public final class DaemonAccess {
  /** The directory of the daemon's socket, which the refusal names. */
  public static final String SOCKET_DIR = "/nix/var/nix/daemon-socket";

  private DaemonAccess() {}

  /**
   * @param stderr what the host's Nix printed
   * @param destination the host as {@code user@host} (or only the host)
   * @return the explanation, if {@code stderr} says the daemon's socket refused the user
   */
  public static Optional<String> refusal(String stderr, String destination) {
    if (!stderr.contains(SOCKET_DIR) || !stderr.contains("Permission denied")) {
      return Optional.empty();
    }
    int at = destination.lastIndexOf('@');
    String user = at > 0 ? destination.substring(0, at) : "the login user";
    String host = at > 0 ? destination.substring(at + 1) : destination;
    String name = at > 0 ? user : "USER";
    return Optional.of("The nix-daemon on " + host + " refuses " + user + ": its socket " + SOCKET_DIR
        + "/socket is open only to some users (with Debian's or Ubuntu's Nix, the members of the group"
        + " nix-users). Add " + user + " to that group on " + host + " (sudo usermod -a -G nix-users " + name
        + "; it takes effect at the next login), or deploy as a user who may use the daemon. Nix said: "
        + stderr.strip());
  }
}
