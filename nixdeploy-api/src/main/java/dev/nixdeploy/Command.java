package dev.nixdeploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A command to run on a host, as an argument vector. nix-deploy never glues a shell command together from
 * strings: where a shell is unavoidable (an SSH exec request carries one string), {@link #toShellString()}
 * quotes every argument for a POSIX shell, so a hostile store path, user or file name stays one literal
 * argument.
 *
 * <pre>{@code
 * Command c = Command.of("nix-store", "--serve", "--write");
 * c.prefixedWith(List.of("sudo", "-n", "--")); // sudo -n -- nix-store --serve --write
 * Command.of("echo", "it's $HOME").toShellString(); // echo 'it'\''s $HOME'
 * }</pre>
 */
public final class Command implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private final List<String> argv;

  private Command(List<String> argv) {
    this.argv = argv;
  }

  /** Checks a deserialized command as {@link #of(List)} does. */
  private Object readResolve() {
    return of(argv);
  }

  /**
   * @param program the program, looked up in the host's {@code PATH}
   * @param args its arguments, each passed literally
   * @return the command
   * @throws IllegalArgumentException if the program is empty or any argument contains a NUL character
   */
  public static Command of(String program, String... args) {
    List<String> all = new ArrayList<>(args.length + 1);
    all.add(program);
    all.addAll(List.of(args));
    return of(all);
  }

  /**
   * @param argv the program followed by its arguments
   * @return the command
   * @throws IllegalArgumentException if {@code argv} is empty, the program is empty, or any argument
   *     contains a NUL character (which no argument vector can carry)
   */
  public static Command of(List<String> argv) {
    Objects.requireNonNull(argv, "argv");
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("A command needs a program to run");
    }
    for (String arg : argv) {
      Objects.requireNonNull(arg, "argument");
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("A command argument must not contain a NUL character");
      }
    }
    return new Command(List.copyOf(argv));
  }

  /** @return the program followed by its arguments */
  public List<String> argv() {
    return argv;
  }

  /** @return the program, the first element of {@link #argv()} */
  public String program() {
    return argv.get(0);
  }

  /**
   * @param prefix arguments to put before this command, e.g. {@code sudo -n --}
   * @return a new command that runs {@code prefix} followed by this command's arguments
   */
  public Command prefixedWith(List<String> prefix) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(argv);
    return of(all);
  }

  /**
   * @param more arguments to append
   * @return a new command with {@code more} appended
   */
  public Command with(String... more) {
    List<String> all = new ArrayList<>(argv);
    all.addAll(List.of(more));
    return of(all);
  }

  /**
   * @return the command as one string for a POSIX shell ({@code sh -c}), every argument that is not
   *     plainly safe wrapped in single quotes
   */
  public String toShellString() {
    return argv.stream().map(Command::quote).collect(Collectors.joining(" "));
  }

  /**
   * Quotes one argument for a POSIX shell: arguments made only of {@code [A-Za-z0-9_@%+=:,./-]} stay as
   * they are; everything else is wrapped in single quotes, and each single quote inside becomes
   * {@code '\''}. The empty string becomes {@code ''}.
   *
   * @param argument any argument without NUL
   * @return the argument as one word of a POSIX shell command line
   */
  public static String quote(String argument) {
    if (!argument.isEmpty() && SAFE.matcher(argument).matches()) {
      return argument;
    }
    return "'" + argument.replace("'", "'\\''") + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Command other && argv.equals(other.argv);
  }

  @Override
  public int hashCode() {
    return argv.hashCode();
  }

  /** @return {@link #toShellString()} */
  @Override
  public String toString() {
    return toShellString();
  }
}
