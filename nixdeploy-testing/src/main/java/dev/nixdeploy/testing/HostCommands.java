package dev.nixdeploy.testing;

import dev.nixdeploy.Command;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.testing.FakeProcess.Result;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a {@link FakeNixHost} does for each command nix-deploy sends: the programs it runs directly
 * ({@code id}, {@code uname}, {@code nix-store --serve}, {@code nix store sign}, ...), {@code sudo} in
 * front of any of them, and its fixed shell scripts, told apart by the positional parameters each script
 * starts with (its interface, the part least likely to change).
 */
final class HostCommands {
  private static final List<String> SUDO_N = List.of("-n", "--");
  private static final List<String> SUDO_S = List.of("-S", "-k", "-p", "", "--");
  private static final String RUN_BASE = "/run/nix-deploy/";

  private final FakeNixHost host;
  private final Map<String, ActivationRun> runs = new HashMap<>();

  HostCommands(FakeNixHost host) {
    this.host = host;
  }

  RemoteProcess start(FakeConnection connection, Command command) {
    List<String> argv = command.argv();
    boolean root = host.loginUser().equals("root");
    if (isSudo(argv, SUDO_N) || isSudo(argv, SUDO_S)) {
      boolean password = isSudo(argv, SUDO_S);
      List<String> inner = withoutRootPath(argv.subList(1 + (password ? SUDO_S : SUDO_N).size(), argv.size()));
      if (password) {
        return sudoWithPassword(connection, inner);
      }
      Optional<Result> refused = sudoRefusal();
      if (refused.isPresent()) {
        return answer(refused.get());
      }
      return asRoot(connection, inner);
    }
    if (root) {
      return asRoot(connection, withoutRootPath(argv));
    }
    if (argv.equals(ServeCommand.ARGV)) {
      return new ServeSession(host, connection, host.trustedUser(false));
    }
    if (isSudo(argv, List.of("-n", "true")) && argv.size() == 3) {
      return answer(sudoRefusal().orElse(Result.ok("")));
    }
    if (isSudo(argv, List.of("-n", "-v")) && argv.size() == 3) {
      return answer(host.sudo().refuses()
          ? Result.fail(1, "Sorry, user " + host.loginUser() + " may not run sudo on " + host.hostname() + ".\n")
          : sudoRefusal().orElse(Result.ok("")));
    }
    return new FakeProcess(host.name(), handler(command, false));
  }

  /** A command run as root: {@code nix-store --serve} or any other command. */
  private RemoteProcess asRoot(FakeConnection connection, List<String> argv) {
    if (argv.equals(ServeCommand.ARGV)) {
      return new ServeSession(host, connection, true);
    }
    return new FakeProcess(host.name(), handler(Command.of(argv), true));
  }

  /**
   * {@code sudo -S -k -p "" -- sh -c UNWRAP sh MARKER COMMAND...}: sudo reads the password line, the root
   * shell reads up to the marker line, and the command gets what follows.
   */
  private RemoteProcess sudoWithPassword(FakeConnection connection, List<String> wrapped) {
    if (wrapped.size() < 5 || !wrapped.subList(0, 2).equals(List.of("sh", "-c")) || !wrapped.get(3).equals("sh")) {
      throw unknown(Command.of(wrapped));
    }
    String marker = wrapped.get(4);
    List<String> inner = withoutRootPath(wrapped.subList(5, wrapped.size()));
    Function<byte[], Result> command = inner.equals(ServeCommand.ARGV) ? null : handler(Command.of(inner), true);
    if (command == null) {
      throw new AssertionError("The fake Nix host " + host.name()
          + " runs nix-store --serve through sudo -S only when it is the only sudo mode; use Sudo.withoutPassword()");
    }
    return new FakeProcess(host.name(), stdin -> {
      int nl = indexOf(stdin, 0, (byte) '\n');
      String given = nl < 0 ? "" : new String(stdin, 0, nl, StandardCharsets.UTF_8);
      if (host.sudo().refuses()) {
        return notInSudoers();
      }
      if (!host.sudo().accepts(given)) {
        return Result.fail(1, "Sorry, try again.\nsudo: 1 incorrect password attempt\n");
      }
      int end = indexOf(stdin, nl + 1, (byte) '\n');
      String line = end < 0 ? "" : new String(stdin, nl + 1, end - nl - 1, StandardCharsets.UTF_8);
      if (!line.equals(marker)) {
        return Result.fail(125, "");
      }
      return command.apply(Arrays.copyOfRange(stdin, end + 1, stdin.length));
    });
  }

  /** Drops the {@code /usr/bin/env PATH=...} that privileged steps put in front of a command. */
  private static List<String> withoutRootPath(List<String> argv) {
    if (argv.size() > 2 && argv.get(0).equals("/usr/bin/env") && argv.get(1).startsWith("PATH=")) {
      return argv.subList(2, argv.size());
    }
    return argv;
  }

  /** @return whether argv is sudo (by name or absolute path) followed by {@code options} */
  private static boolean isSudo(List<String> argv, List<String> options) {
    String program = argv.isEmpty() ? "" : argv.get(0);
    return (program.equals("sudo") || program.endsWith("/sudo")) && argv.size() > options.size()
        && argv.subList(1, 1 + options.size()).equals(options);
  }

  /**
   * Why {@code sudo -n} refuses, if it does. As Debian's sudo does, a user whom sudoers lets run nothing
   * is asked for a password first, like one who only lacks it: only {@code sudo -n -v} tells them apart.
   */
  private Optional<Result> sudoRefusal() {
    if (host.loginUser().equals("root") || host.sudo().withoutPasswordAllowed()) {
      return Optional.empty();
    }
    return Optional.of(Result.fail(1, "sudo: a password is required\n"));
  }

  private Result notInSudoers() {
    return Result.fail(1, host.loginUser() + " is not in the sudoers file.  This incident will be reported.\n");
  }

  private RemoteProcess answer(Result result) {
    return new FakeProcess(host.name(), stdin -> result);
  }

  /**
   * What one command does, as root or as the login user, given its standard input. Decided when the
   * command starts, so that an unknown command fails the test on the thread that started it.
   */
  private Function<byte[], Result> handler(Command command, boolean root) {
    List<String> a = command.argv();
    String program = a.get(0);
    if (a.equals(List.of("id", "-un"))) {
      return in -> Result.ok((root ? "root" : host.loginUser()) + "\n");
    }
    if (a.equals(List.of("uname", "-n"))) {
      return in -> Result.ok(host.hostname() + "\n");
    }
    if (a.equals(List.of("uname", "-s"))) {
      return in -> Result.ok("Linux\n");
    }
    if (a.equals(List.of("true"))) {
      return in -> Result.ok("");
    }
    if (a.size() == 3 && a.get(0).equals("test") && a.get(1).equals("-e")) {
      return in -> host.file(a.get(2)) != null ? Result.ok("") : Result.fail(1, "");
    }
    if (a.size() == 3 && a.get(0).equals("cat") && a.get(1).equals("--")) {
      return in -> {
        byte[] f = host.file(a.get(2));
        return f == null ? Result.fail(1, "cat: " + a.get(2) + ": No such file or directory\n")
            : new Result(0, f, new byte[0]);
      };
    }
    if (a.size() == 3 && a.get(0).equals("readlink") && a.get(1).equals("-f")) {
      return in -> a.get(2).equals("/run/booted-system")
          ? Result.ok(host.bootedSystem().map(StorePath::path).orElse("/run/booted-system") + "\n")
          : Result.ok(a.get(2) + "\n");
    }
    if (a.equals(List.of("reboot"))) {
      return in -> {
        if (!root) {
          return Result.fail(1, "Failed to set wall message, ignoring: Interactive authentication required.\n");
        }
        host.reboot();
        return Result.ok("");
      };
    }
    if ((program.equals("nix") || program.endsWith("/nix")) && a.size() > 6
        && a.subList(1, 7).equals(List.of("--extra-experimental-features", "nix-command", "store", "sign", "-k",
            FakeNixHost.SECRET_KEY))) {
      return in -> {
        if (!root) {
          return Result.fail(1, "error: opening file '" + FakeNixHost.SECRET_KEY + "': Permission denied\n");
        }
        String failed = host.sign(a.subList(7, a.size()).stream().map(StorePath::parse).toList());
        return failed == null ? Result.ok("") : Result.fail(1, failed + "\n");
      };
    }
    if (a.size() >= 3 && a.get(0).equals("sh") && a.get(1).equals("-c")) {
      return script(a.get(2), a.subList(Math.min(4, a.size()), a.size()), root);
    }
    throw unknown(command);
  }

  /** The scripts, by what they start with; {@code args} are $1... */
  private Function<byte[], Result> script(String script, List<String> args, boolean root) {
    if (script.contains("conf=$1 line=$2 seen=$3")) {
      return in -> TrustScripts.appendLine(host, args, in, root);
    }
    if (script.contains("nixstore=$1 sec=$2 pub=$3 name=$4")) {
      return in -> TrustScripts.generateKey(host, args, root);
    }
    if (script.contains("nix=$1 tries=$2")) {
      return in -> Result.ok(""); // the daemon answers at once
    }
    if (script.contains("od -An -v -tx1")) {
      return in -> od(args.get(0));
    }
    if (script.equals("PATH=$1; command -v sudo")) {
      return in -> Result.ok("/usr/bin/sudo\n");
    }
    if (script.equals("command -v \"$1\"") || script.equals("PATH=$2; command -v \"$1\"")) {
      String p = args.get(0);
      return in -> List.of("nix", "nix-store", "nix-env").contains(p)
          ? Result.ok("/nix/var/nix/profiles/default/bin/" + p + "\n") : Result.fail(1, "");
    }
    if (script.contains("[ -w /nix/var/nix ]")) {
      return in -> Result.fail(1, ""); // the daemon's store: it checks signatures for all but trusted users
    }
    if (script.startsWith("[ -x \"$1/bin/switch-to-configuration\" ]")) {
      StorePath p = StorePath.parse(args.get(0));
      return in -> host.isSystem(p) ? Result.ok("") : Result.fail(1, "");
    }
    if (script.contains("id=$1 user=$2 script=$3")) {
      return in -> {
        if (!root) {
          return Result.fail(1, "mkdir: cannot create directory '/run/nix-deploy': Permission denied\n");
        }
        ActivationRun run = ActivationRun.start(host, args);
        synchronized (runs) {
          runs.put(run.dir(), run);
        }
        return Result.ok("setsid\n");
      };
    }
    if (script.contains("dir=$1 offset=$2 until=$3")) {
      return in -> run(args.get(0)).follow(Long.parseLong(args.get(1)), args.get(2));
    }
    if (script.equals("[ ! -e \"$1\" ] || cat -- \"$1\"")) {
      String file = args.get(0);
      return in -> {
        if (file.startsWith(RUN_BASE)) {
          int slash = file.lastIndexOf('/');
          return Result.ok(run(file.substring(0, slash)).file(file.substring(slash + 1)).orElse(""));
        }
        byte[] f = host.file(file);
        return f == null ? Result.ok("") : new Result(0, f, new byte[0]);
      };
    }
    if (script.contains("mv -- \"$dir/confirm/token\" \"$dir/confirm/confirmed\"")) {
      return in -> run(args.get(0)).confirm();
    }
    if (script.contains("/proc/uptime") && args.isEmpty()) {
      return in -> {
        synchronized (runs) {
          return Result.ok(ActivationRun.clock(runs.values()) + "\n");
        }
      };
    }
    if (script.contains("[ -w \"$d\" ]")) {
      return in -> writable(args.get(0), root) ? Result.ok("") : Result.fail(1, "");
    }
    if (script.contains("profile=$1 path=$2")) {
      return in -> setProfile(args.get(0), StorePath.parse(args.get(1)), root);
    }
    throw unknown(Command.of("sh", "-c", script));
  }

  private ActivationRun run(String dir) {
    synchronized (runs) {
      ActivationRun run = runs.get(dir);
      if (run == null) {
        throw new AssertionError("No activation ran in " + dir + " on fake host " + host.name());
      }
      return run;
    }
  }

  private Result od(String file) {
    byte[] bytes = host.file(file);
    if (bytes == null) {
      return Result.fail(3, "");
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      b.append(' ').append(HexFormat.of().toHexDigits(bytes[i]));
      if (i % 16 == 15) {
        b.append('\n');
      }
    }
    return Result.ok(b.append('\n').toString());
  }

  private boolean writable(String directory, boolean root) {
    return root || directory.equals("/nix/var/nix/profiles/per-user/" + host.loginUser())
        || directory.startsWith("/nix/var/nix/profiles/per-user/" + host.loginUser() + "/");
  }

  private Result setProfile(String profile, StorePath path, boolean root) {
    int slash = profile.lastIndexOf('/');
    if (!writable(profile.substring(0, Math.max(1, slash)), root)) {
      return Result.fail(1, "error: creating directory '" + profile.substring(0, slash) + "': Permission denied\n");
    }
    if (!host.isValid(path)) {
      return Result.fail(1, "error: path '" + path + "' is not valid\n");
    }
    String before = host.generation(profile).stream().mapToObj(Integer::toString).findFirst().orElse("");
    int after = host.setProfile(profile, path);
    return Result.ok("before=" + before + "\nafter=" + after + "\n");
  }

  private AssertionError unknown(Command command) {
    String shown = command.argv().stream()
        .map(arg -> arg.contains("\n") ? arg.substring(0, arg.indexOf('\n')) + " …" : arg)
        .reduce((x, y) -> x + " " + y).orElse("");
    return new AssertionError("The fake Nix host " + host.name() + " does not know this command: " + shown
        + "\n(use nixdeploy-testing of the same version as nixdeploy-core)");
  }

  private static int indexOf(byte[] bytes, int from, byte b) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** {@code nix-store --serve --write}. */
  static final class ServeCommand {
    static final List<String> ARGV = List.of("nix-store", "--serve", "--write");

    private ServeCommand() {}
  }
}
