package dev.nixdeploy;

/**
 * Supplies the sudo password of the deploy user on a host, for hosts where {@code sudo} asks for one.
 * nix-deploy asks at most once per host and deployment, writes the password only to {@code sudo -S}'s
 * standard input (never into an argument, a log line or an exception), and overwrites the returned array
 * once it has been sent.
 *
 * <pre>{@code
 * SudoPasswordSource prompt = (host, user) ->
 *     System.console().readPassword("[sudo] password for %s on %s: ", user, host);
 * }</pre>
 */
@FunctionalInterface
public interface SudoPasswordSource {
  /**
   * @param host the host that asks, as in messages (e.g. {@code deploy@web-1})
   * @param user the user whose password sudo wants
   * @return the password; the caller overwrites the array after use
   * @throws NixDeployException (or any unchecked exception) to give up
   */
  char[] passwordFor(String host, String user);
}
