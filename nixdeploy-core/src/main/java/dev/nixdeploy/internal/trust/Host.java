package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.privilege.RootAccess;
import org.jspecify.annotations.Nullable;

/**
 * One host of a key exchange: commands run as the login user, and as root only once something needs it
 * ({@link #root()} finds the way then, so a host where nothing changes is never asked for sudo).
 */
final class Host implements AutoCloseable {
  private final Transport transport;
  private final @Nullable SudoPasswordSource passwords;
  private @Nullable RootAccess root;

  Host(Transport transport, @Nullable SudoPasswordSource passwords) {
    this.transport = transport;
    this.passwords = passwords;
  }

  String name() {
    return transport.host();
  }

  Transport transport() {
    return transport;
  }

  /** Runs as the login user. */
  CommandResult run(Command command) {
    return transport.run(command);
  }

  /** Runs as root, detecting how the first time. */
  CommandResult runAsRoot(Command command, byte[] stdin) {
    return root().run(command, stdin);
  }

  /** @throws dev.nixdeploy.PrivilegeException if the login user cannot become root; nothing changed then */
  synchronized RootAccess root() {
    if (root == null) {
      root = RootAccess.detect(transport, passwords);
    }
    return root;
  }

  /**
   * @param program e.g. {@code nix-store}
   * @return its absolute path on the login user's {@code PATH} (sudo's secure path may lack Nix's
   *     profile), else the bare name
   */
  String program(String program) {
    CommandResult r = run(Command.of("sh", "-c", "command -v \"$1\"", "sh", program));
    String path = r.stdout().strip();
    return r.succeeded() && path.startsWith("/") && !path.contains("\n") ? path : program;
  }

  /** @return the host's name as {@code uname -n} prints it */
  String hostname() {
    return run(Command.of("uname", "-n")).orThrow(name()).stdout().strip();
  }

  /** Wipes a sudo password held. */
  @Override
  public synchronized void close() {
    if (root != null) {
      root.forget();
    }
  }
}
