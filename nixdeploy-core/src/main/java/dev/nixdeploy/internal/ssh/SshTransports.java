package dev.nixdeploy.internal.ssh;

import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.ConnectionException;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import java.util.Objects;

/**
 * Makes SSH {@link Transport}s: the one entry point of this package.
 *
 * <pre>{@code
 * try (Transport web = SshTransports.connect(Target.parse("deploy@web-1"), SshSettings.defaults())) {
 *   CommandResult r = web.run(Command.of("nix-store", "--version")).orThrow(web.host());
 * }
 * }</pre>
 *
 * <p>The target is first looked up in the OpenSSH client configuration ({@code Host} aliases,
 * {@code HostName}, {@code Port}, {@code User}, {@code IdentityFile}, {@code UserKnownHostsFile},
 * {@code StrictHostKeyChecking}, {@code ConnectTimeout}, {@code ServerAliveInterval}); explicit settings win
 * over the file, and a user or port in the target wins over both. The returned transport holds one SSH
 * session for its whole life; each command runs on its own channel of it, concurrently if needed.
 */
public final class SshTransports {
  private SshTransports() {}

  /**
   * Connects to a host: resolves the target, checks the host key, logs in with a key, and returns a
   * transport that owns the session until it is closed.
   *
   * @param target where to connect, e.g. {@code Target.parse("deploy@web-1")}
   * @param settings how to connect
   * @return a connected, thread-safe transport; close it to end the session
   * @throws HostKeyException if the host key is unknown (under {@code STRICT}), changed or revoked
   * @throws AuthenticationException if no identity was accepted, or one could not be unlocked
   * @throws ConnectionException if the host cannot be reached
   * @throws dev.nixdeploy.NixDeployException if the ssh configuration or known-hosts file is unusable
   */
  public static Transport connect(Target target, SshSettings settings) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(settings, "settings");
    return SshTransport.connect(SshConfigResolver.forCurrentUser().resolve(target, settings), settings);
  }
}
