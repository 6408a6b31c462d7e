package dev.nixdeploy.internal.privilege;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
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
 * to sudo's standard input alone, never on a command line. {@code sudo -k} makes sudo ask on every call,
 * except where a sudoers {@code NOPASSWD} rule lets the command run without one: then sudo leaves the
 * password line unread. So the password is followed by a random marker line, and sudo runs a small root
 * shell ({@link #UNWRAP}) that reads up to the marker (dropping the password line if sudo left it) before it
 * runs the command: the command's standard input starts after the marker either way.
 *
 * <p>{@code sudo} itself is looked up in fixed system locations ({@link #SUDO_PATH}), never through the
 * login user's {@code PATH}, so a program the login user placed on it is never handed the password.
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

  /** Where sudo is looked for: NixOS's setuid wrappers, then the system's own directories. */
  static final String SUDO_PATH = "/run/wrappers/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  /**
   * Run by sudo as root with {@code MARKER COMMAND...}: reads lines up to the marker (the password line
   * first, if sudo did not read it), then runs the command on what follows. Exit 125 if no marker came.
   */
  static final String UNWRAP = "m=$1; shift; IFS= read -r l || exit 125; "
      + "if [ \"$l\" != \"$m\" ]; then l=; IFS= read -r l || exit 125; [ \"$l\" = \"$m\" ] || exit 125; fi; "
      + "l=; exec \"$@\"";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Transport transport;
  private final Mode mode;
  private final String user;
  private final String sudo;
  private final byte @Nullable [] passwordLine;
  private final String marker;

  private RootAccess(Transport transport, Mode mode, String user, String sudo, byte @Nullable [] passwordLine) {
    this.transport = transport;
    this.mode = mode;
    this.user = user;
    this.sudo = sudo;
    this.passwordLine = passwordLine;
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    this.marker = "nix-deploy-stdin-" + HexFormat.of().formatHex(nonce);
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
      return new RootAccess(transport, Mode.ROOT, user, "", null);
    }
    CommandResult where = transport.run(Command.of("sh", "-c", "PATH=$1; command -v sudo", "sh", SUDO_PATH));
    String program = where.stdout().strip();
    if (!where.succeeded() || !program.startsWith("/") || program.contains("\n")) {
      throw refused(transport.host(), user, "sudo is not installed (looked for in " + SUDO_PATH + ")");
    }
    CommandResult sudo = transport.run(Command.of(program, "-n", "true"));
    if (sudo.succeeded()) {
      return new RootAccess(transport, Mode.SUDO, user, program, null);
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
    RootAccess access = new RootAccess(transport, Mode.SUDO_PASSWORD, user, program, line);
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
      case SUDO -> transport.run(command.prefixedWith(List.of(sudo, "-n", "--")), stdin);
      case SUDO_PASSWORD -> runWithPassword(command, stdin);
    };
    return new CommandResult(command, result.exitCode(), result.stdout(), result.stderr());
  }

  private CommandResult runWithPassword(Command command, byte[] stdin) {
    byte[] line = Objects.requireNonNull(passwordLine, "password");
    byte[] markerLine = (marker + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] input = new byte[line.length + markerLine.length + stdin.length];
    System.arraycopy(line, 0, input, 0, line.length);
    System.arraycopy(markerLine, 0, input, line.length, markerLine.length);
    System.arraycopy(stdin, 0, input, line.length + markerLine.length, stdin.length);
    try {
      return transport.run(command.prefixedWith(List.of(sudo, "-S", "-k", "-p", "", "--", "sh", "-c", UNWRAP,
          "sh", marker)), input);
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
