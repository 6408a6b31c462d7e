package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.privilege.RootAccess;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One host of a key exchange: commands run as the login user, and as root only once something needs it
 * ({@link #root()} finds the way then, so a host where nothing changes is never asked for sudo).
 */
final class Host implements AutoCloseable {
  /** Where root's programs are looked up: NixOS, a multi-user Nix install, then the system's own. */
  static final String ROOT_PATH = "/run/current-system/sw/bin:/nix/var/nix/profiles/default/bin:"
      + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

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

  /**
   * Runs as root, detecting how the first time, with {@link #ROOT_PATH} as {@code PATH}: sudo without a
   * {@code secure_path} would otherwise hand root the login user's.
   */
  CommandResult runAsRoot(Command command, byte[] stdin) {
    CommandResult r = root().run(command.prefixedWith(List.of("/usr/bin/env", "PATH=" + ROOT_PATH)), stdin);
    return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr());
  }

  /** @throws dev.nixdeploy.PrivilegeException if the login user cannot become root; nothing changed then */
  synchronized RootAccess root() {
    if (root == null) {
      root = RootAccess.detect(transport, passwords);
    }
    return root;
  }

  /**
   * @param program e.g. {@code nix}
   * @return its absolute path on the login user's {@code PATH}, else the bare name: for commands that run
   *     as the login user only
   */
  String program(String program) {
    return resolve(program, "command -v \"$1\"").orElse(program);
  }

  /**
   * Where root finds a program: in the fixed system locations of {@link #ROOT_PATH} (root-owned on every
   * Nix install), never on the login user's {@code PATH}, which the login user controls (a program placed
   * there would run as root).
   *
   * @param program e.g. {@code nix-store}
   * @return its absolute path
   * @throws KeyExchangeException if no system location has it
   */
  String rootProgram(String program) {
    return resolve(program, "PATH=$2; command -v \"$1\"").orElseThrow(() -> new KeyExchangeException(name(),
        program + " is not installed in any system location on " + name() + " (" + ROOT_PATH + "). nix-deploy"
            + " runs as root only programs found there, never one on the login user's PATH; install Nix for"
            + " all users (multi-user install, or the distribution's package)."));
  }

  private Optional<String> resolve(String program, String script) {
    CommandResult r = run(Command.of("sh", "-c", script, "sh", program, ROOT_PATH));
    String path = r.stdout().strip();
    return r.succeeded() && path.startsWith("/") && !path.contains("\n") ? Optional.of(path)
        : Optional.empty();
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
