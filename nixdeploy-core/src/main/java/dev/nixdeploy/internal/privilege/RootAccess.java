package dev.nixdeploy.internal.privilege;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Runs commands as root on one host, the way that host allows: directly when the login user is root,
 * else through {@code sudo -n}, else through {@code sudo -S} fed a password from a
 * {@link SudoPasswordSource}. {@link #detect} finds the way once and checks it works, so a user who cannot
 * become root is told so before anything on the host changes.
 *
 * <pre>{@code
 * RootAccess root = RootAccess.detect(transport, passwordSource);
 * root.run(Command.of("systemctl", "restart", "nix-daemon")).orThrow(transport.host());
 * }</pre>
 *
 * <p>The password is kept only as UTF-8 bytes inside this object (wiped by {@link #forget()}) and goes
 * to sudo's standard input alone. {@code sudo -k} makes sudo ask on every call, so the password line is
 * always consumed by sudo and never reaches the command.
 */
public final class RootAccess {
  /** How commands become root. */
  public enum Mode {
    /** The login user is root. */
    ROOT,
    /** {@code sudo -n}: passwordless sudo. */
    SUDO,
    /** {@code sudo -S} with a password on standard input. */
    SUDO_PASSWORD
  }

  private static final List<String> SUDO_N = List.of("sudo", "-n", "--");
  private static final List<String> SUDO_S = List.of("sudo", "-S", "-k", "-p", "", "--");

  private final Transport transport;
  private final Mode mode;
  private final String user;
  private final byte @Nullable [] passwordLine;

  private RootAccess(Transport transport, Mode mode, String user, byte @Nullable [] passwordLine) {
    this.transport = transport;
    this.mode = mode;
    this.user = user;
    this.passwordLine = passwordLine;
  }

  /**
   * Finds out how this host's login user becomes root, and checks that it works.
   *
   * @param transport the host
   * @param passwords where to get a sudo password if sudo wants one; null if none may be asked for
   * @return a working way to run commands as root
   * @throws PrivilegeException saying what an administrator must do, if the user cannot become root
   */
  public static RootAccess detect(Transport transport, @Nullable SudoPasswordSource passwords) {
    Objects.requireNonNull(transport, "transport");
    CommandResult id = transport.run(Command.of("id", "-un")).orThrow(transport.host());
    String user = id.stdout().strip();
    if (user.equals("root")) {
      return new RootAccess(transport, Mode.ROOT, user, null);
    }
    CommandResult sudo = transport.run(Command.of("sudo", "-n", "true"));
    if (sudo.succeeded()) {
      return new RootAccess(transport, Mode.SUDO, user, null);
    }
    if (sudo.exitCode() == 127 || sudo.stderr().contains("not found")) {
      throw refused(transport.host(), user, "sudo is not installed");
    }
    boolean wantsPassword = sudo.stderr().contains("password is required")
        || sudo.stderr().contains("a terminal is required");
    if (!wantsPassword) {
      throw refused(transport.host(), user, "sudo refused: " + sudo.stderr().strip());
    }
    if (mayNotUseSudo(transport)) {
      throw refused(transport.host(), user, user + " may not use sudo there at all");
    }
    if (passwords == null) {
      throw refused(transport.host(), user,
          "sudo asks for a password and none was given (on the command line: --ask-sudo-password)");
    }
    byte[] line = passwordLine(passwords.passwordFor(transport.host(), user));
    RootAccess access = new RootAccess(transport, Mode.SUDO_PASSWORD, user, line);
    CommandResult check = access.run(Command.of("true"));
    if (!check.succeeded()) {
      access.forget();
      throw refused(transport.host(), user, "sudo did not accept the password given"
          + (check.stderr().isBlank() ? "" : " (" + check.stderr().strip() + ")"));
    }
    return access;
  }

  /**
   * {@code sudo -n -v} tells a user whom the sudoers policy lets run nothing ("Sorry, user … may not run
   * sudo") from one who only lacks a password; {@code sudo -n true} says "a password is required" to both.
   */
  private static boolean mayNotUseSudo(Transport transport) {
    CommandResult validate = transport.run(Command.of("sudo", "-n", "-v"));
    return !validate.succeeded() && validate.stderr().contains("may not run sudo");
  }

  private static byte[] passwordLine(char[] password) {
    try {
      if (CharBuffer.wrap(password).chars().anyMatch(c -> c == '\n' || c == '\r')) {
        throw new IllegalArgumentException("A sudo password cannot contain a line break");
      }
      ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] line = new byte[encoded.remaining() + 1];
      encoded.get(line, 0, line.length - 1);
      line[line.length - 1] = '\n';
      Arrays.fill(encoded.array(), (byte) 0);
      return line;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static PrivilegeException refused(String host, String user, String why) {
    return new PrivilegeException(host, "Cannot run commands as root on " + host + " as user " + user
        + ": " + why + ". Nothing was changed. An administrator of the host can either let " + user
        + " run sudo (e.g. a line '" + user + " ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/), or deploy"
        + " as root, or run this step once as an administrator.");
  }

  /** @return how commands become root on this host */
  public Mode mode() {
    return mode;
  }

  /** @return the login user on the host */
  public String user() {
    return user;
  }

  /** @return the transport commands run on */
  public Transport transport() {
    return transport;
  }

  /**
   * @param command what to run as root
   * @return how it ended (not thrown for a non-zero exit code)
   */
  public CommandResult run(Command command) {
    return run(command, new byte[0]);
  }

  /**
   * @param command what to run as root
   * @param stdin what to feed to its standard input
   * @return how it ended (not thrown for a non-zero exit code); the result's command is {@code command}
   *     itself, never the sudo wrapper
   */
  public CommandResult run(Command command, byte[] stdin) {
    CommandResult result = switch (mode) {
      case ROOT -> transport.run(command, stdin);
      case SUDO -> transport.run(command.prefixedWith(SUDO_N), stdin);
      case SUDO_PASSWORD -> runWithPassword(command, stdin);
    };
    return new CommandResult(command, result.exitCode(), result.stdout(), result.stderr());
  }

  private CommandResult runWithPassword(Command command, byte[] stdin) {
    byte[] line = Objects.requireNonNull(passwordLine, "password");
    byte[] input = Arrays.copyOf(line, line.length + stdin.length);
    System.arraycopy(stdin, 0, input, line.length, stdin.length);
    try {
      return transport.run(command.prefixedWith(SUDO_S), input);
    } finally {
      Arrays.fill(input, (byte) 0);
    }
  }

  /** Overwrites the password held, if any. Commands through {@code sudo -S} fail after this. */
  public void forget() {
    if (passwordLine != null) {
      Arrays.fill(passwordLine, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "RootAccess{" + transport.host() + ", " + mode + "}";
  }
}
