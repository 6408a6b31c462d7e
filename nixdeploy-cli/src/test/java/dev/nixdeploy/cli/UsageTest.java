package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors, help and exit codes, run in-process: nothing here connects anywhere. */
class UsageTest {
  /** A Java class or method name, as in {@code ensureKeys()} or {@code HostKeyPolicy.ACCEPT_NEW}. */
  private static final Pattern JAVA_NAME = Pattern.compile(
      "[a-z][A-Za-z]+\\(\\)|[A-Z][a-z]+[A-Z][A-Za-z]*\\.[A-Za-z_]+|\\bdev\\.nixdeploy\\b|PT-?\\d");

  @TempDir java.nio.file.Path dir;

  private static void assertUsageError(Cli run, String error, String command) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).as(run.err()).containsExactly("error: " + error,
        "hint: run 'nix-deploy" + (command.isEmpty() ? "" : " " + command) + " --help' for its flags");
  }

  @Test
  void aUsageErrorIsOneLineNamingTheFlagAndAHint() {
    assertUsageError(Cli.run("path", "--to", "a", "--from", "b"),
        "--to=[USER@]HOST[:PORT], --from=[USER@]HOST[:PORT] are mutually exclusive (specify only one)", "path");
    assertUsageError(Cli.run("system", "--to", "a", "--confirm-timeout", "-5", "--path", "/nix/store/x"),
        "--confirm-timeout must be from 1 to 3600 seconds, not -5", "system");
    assertUsageError(Cli.run("system", "--to", "a", "--confirm-timeout", "soon"),
        "Invalid value for option '--confirm-timeout': 'soon' is not a long", "system");
    assertUsageError(Cli.run("system", "--to", "a", "--systemName", "../etc", "--path", "/nix/store/x"),
        "--systemName \"../etc\" is not allowed: use 1 to 100 letters, digits, '.', '_', '+' or '-',"
            + " starting with a letter, digit or '_' (no '/', no '..')", "system");
    assertUsageError(Cli.run("path", "--to", "a", "--profileName", "x", "--profilePath", "relative"),
        "--profilePath \"relative\" is not allowed: give an absolute directory without '..', such as"
            + " /nix/var/nix/profiles", "path");
    assertUsageError(Cli.run("path", "--to", "a", "--ssh-config", dir.resolve("none").toString()),
        "--ssh-config " + dir.resolve("none") + " does not exist (leave the flag out to use ~/.ssh/config)",
        "path");
    assertUsageError(Cli.run("path", "--to", "a", "--path", dir.resolve("none").toString()),
        "--path " + dir.resolve("none") + " does not exist locally", "path");
    assertUsageError(Cli.run("path", "--to", "a", "--path", "/etc/hostname"),
        "--path /etc/hostname resolves to /etc/hostname, which is not in /nix/store", "path");
    assertUsageError(Cli.run("path", "--from", "a", "--path", "./result"),
        "With --from, --path must be a store path on the remote host (/nix/store/HASH-NAME), not \"./result\"",
        "path");
    assertUsageError(Cli.run("-q", "path", "-v", "--to", "a", "--path", "/nix/store/x"),
        "--quiet and --verbose cannot be given together", "path");
    Cli unknown = Cli.run("path", "--to", "a", "--frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err().lines()).containsExactly("error: Unknown option: '--frobnicate'",
        "hint: did you mean --from?", "hint: run 'nix-deploy path --help' for its flags");
  }

  @Test
  void aMistypedCommandGetsASuggestion() {
    Cli run = Cli.run("pth");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly("error: Unmatched argument at index 0: 'pth'",
        "hint: did you mean path?", "hint: run 'nix-deploy --help' for its flags");
    assertUsageError(Cli.run(), "Missing command: path, system, keys or help", "");
  }

  @Test
  void anInvalidTargetIsInvalidInput() throws Exception {
    java.nio.file.Path storePath;
    try (var paths = java.nio.file.Files.list(java.nio.file.Path.of("/nix/store"))) {
      storePath = paths.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    Cli run = Cli.run("path", "--to", "root@-oProxyCommand=id", "--path", storePath.toString(), "--noSign");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: ").contains("-oProxyCommand=id")
        .endsWith("hint: run 'nix-deploy path --help' for its flags" + System.lineSeparator());
  }

  @Test
  void helpWorksAsACommandAndForEachCommand() {
    Cli help = Cli.run("help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: nix-deploy", "path", "system", "keys", "Exit codes: 0 done");
    for (List<String> command : List.of(List.of("path"), List.of("system"), List.of("keys"))) {
      List<String> args = new java.util.ArrayList<>(List.of("help"));
      args.addAll(command);
      Cli run = Cli.run(args.toArray(String[]::new));
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("Usage: nix-deploy " + String.join(" ", command));
      assertThat(Cli.run(command.get(0), "--help").out()).isNotEmpty();
    }
  }

  @Test
  void noHelpTextNamesJavaCode() {
    for (String[] args : new String[][] {{"--help"}, {"path", "--help"}, {"system", "--help"},
        {"keys", "--help"}, {"keys", "generate", "--help"}, {"keys", "public", "--help"}}) {
      String out = Cli.run(args).out();
      assertThat(JAVA_NAME.matcher(out).find()).as(out).isFalse();
    }
  }

  @Test
  void theSigningKeyHelpSaysAMissingFileIsCreated() {
    assertThat(Cli.run("path", "--help").out().replaceAll("\\s+", " "))
        .contains("a missing file is created").contains("FILE.lock");
  }
}
