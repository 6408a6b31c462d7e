package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of invalid input, to one host and to many: exit code 2, nothing on standard output, one
 * {@code error:} line naming the flag and the hint, before anything connects. The hosts do not exist
 * ({@code .invalid} never resolves): a check that let one through would fail to connect, with exit code 1.
 */
class InvalidInputTest {
  private static final String HOST = "nohost.invalid";
  private static final String OTHER = "other.invalid";
  private static final Pattern JAVA_NAME = Pattern.compile(
      "[a-z][A-Za-z]+\\(\\)|[A-Z][a-z]+[A-Z][A-Za-z]*\\.[A-Za-z_]+|\\bdev\\.nixdeploy\\b|PT-?\\d"
          + "|Exception\\b");

  @TempDir static Path dir;
  private static String storePath;
  private static String notASystem;

  @BeforeAll
  static void paths() throws IOException {
    // A real store path that is not a NixOS system, so that only the flag under test is wrong.
    try (Stream<Path> paths = Files.list(Path.of("/nix/store"))) {
      storePath = paths.filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> !Files.exists(p.resolve("bin/switch-to-configuration")))
          .findFirst().orElseThrow().toString();
    }
    notASystem = storePath;
    Files.writeString(dir.resolve("bad-hosts"), HOST + "\n\nnot a host!\n");
    Files.writeString(dir.resolve("empty-hosts"), "# nobody\n\n");
    Files.createDirectories(dir.resolve("a-directory"));
  }

  /** The invalid input, what its error line must contain, and the command whose hint follows. */
  static Stream<Arguments> invalidInputs() {
    String missing = dir.resolve("missing").toString();
    String directory = dir.resolve("a-directory").toString();
    List<Arguments> cases = new ArrayList<>();
    // The same mistakes to one host (--to HOST) and to many (--to HOST --to OTHER).
    for (List<String> to : List.of(List.of("--to", HOST), List.of("--to", HOST, "--to", OTHER))) {
      for (String command : List.of("path", "system")) {
        String path = command.equals("path") ? storePath : notASystem;
        add(cases, "--to", command, to, "--to", "root@-oProxyCommand=id", "--path", path);
        add(cases, "--to", command, to, "--to", "a b", "--path", path);
        add(cases, "--to", command, to, "--to", "", "--path", path);
        add(cases, "--path", command, to, "--path", missing);
        add(cases, "--path", command, to, "--path", "/etc/hostname");
        add(cases, "--path", command, to, "--path", "");
        add(cases, "--ssh-config", command, to, "--ssh-config", missing, "--path", path);
        add(cases, "--identity", command, to, "-i", missing, "--path", path);
        add(cases, "--signing-key", command, to, "--signing-key", directory, "--path", path);
        add(cases, "--timeout", command, to, "--timeout", "0", "--path", path);
        add(cases, "--timeout", command, to, "--timeout", "soon", "--path", path);
        add(cases, "--parallel", command, to, "--parallel", "0", "--path", path);
        add(cases, "--parallel", command, to, "--parallel", "many", "--path", path);
        add(cases, "--batch-size", command, to, "--batch-size", "0", "--path", path);
        add(cases, "--max-failures", command, to, "--max-failures", "-1", "--path", path);
        add(cases, "--health-timeout", command, to, "--health-timeout", "0", "--path", path);
        add(cases, "--health-check", command, to, "--health-check", "true", "--health-url", "http://x/",
            "--path", path);
        add(cases, "--health-check", command, to, "--health-check", " ", "--path", path);
        add(cases, "--health-url", command, to, "--health-url", "ftp://x/", "--path", path);
        add(cases, "--via-cache", command, to, "--via-cache", "no-scheme", "--path", path);
        add(cases, "--cache-upload", command, to, "--cache-upload", "file:///srv/cache", "--path", path);
        add(cases, "--quiet", command, to, "-q", "-v", "--path", path);
        add(cases, "--frobnicate", command, to, "--frobnicate", "--path", path);
      }
      add(cases, "--profileName", "path", to, "--profileName", "../etc", "--path", storePath);
      add(cases, "--profileName", "path", to, "--profileName", "", "--path", storePath);
      add(cases, "--profilePath", "path", to, "--profileName", "app", "--profilePath", "relative",
          "--path", storePath);
      add(cases, "--profilePath", "path", to, "--profileName", "app", "--profilePath", "/nix/../etc",
          "--path", storePath);
      add(cases, "is not a NixOS system", "system", to, "--path", notASystem);
      add(cases, "--systemName", "system", to, "--systemName", "a/b", "--path", notASystem);
      add(cases, "--confirm-timeout", "system", to, "--confirm-timeout", "0", "--path", notASystem);
      add(cases, "--confirm-timeout", "system", to, "--confirm-timeout", "3601", "--path", notASystem);
      add(cases, "--switch", "system", to, "--switch", "--boot", "--path", notASystem);
    }
    // Only for one host, or only for many.
    add(cases, "--from", "path", List.of("--from", HOST), "--path", "./result");
    add(cases, "--from", "path", List.of("--from", HOST), "--path", storePath, "--batch-size", "2");
    add(cases, "--reboot", "system", List.of("--from", HOST), "--reboot", "--path", notASystem);
    add(cases, "--to", "path", List.of("--to", HOST, "--from", OTHER), "--path", storePath);
    add(cases, "--hosts", "path", List.of("--hosts", missing), "--path", storePath);
    add(cases, "--hosts", "path", List.of("--hosts", dir.resolve("bad-hosts").toString()), "--path", storePath);
    add(cases, "--hosts", "path", List.of("--hosts", dir.resolve("empty-hosts").toString()), "--path",
        storePath);
    add(cases, "--diff", "path", List.of("--to", HOST, "--to", OTHER), "--diff", "--path", storePath);
    add(cases, "--diff", "system", List.of("--to", HOST, "--to", OTHER), "--diff", "--path", notASystem);
    // The key commands.
    add(cases, "--name", "keys generate", List.of(), "--name", "my key", "--secret-key", dir + "/s",
        "--public-key", dir + "/p");
    add(cases, "--secret-key", "keys public", List.of(), "--secret-key", missing);
    return cases.stream();
  }

  private static void add(List<Arguments> cases, String named, String command, List<String> hosts,
      String... more) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(hosts);
    args.addAll(List.of(more));
    cases.add(Arguments.of(String.join(" ", args), named, command, args));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidInputs")
  void isAUsageErrorNamingTheFlag(String shown, String named, String command, List<String> args) {
    Cli run = Cli.run(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.err()).hasSizeBetween(2, 3);
    assertThat(lines.get(0)).startsWith("error: ").contains(named);
    assertThat(lines.get(lines.size() - 1)).isEqualTo("hint: run 'nix-deploy " + command + " --help' for its flags");
    assertThat(JAVA_NAME.matcher(run.err()).find()).as(run.err()).isFalse();
  }
}
