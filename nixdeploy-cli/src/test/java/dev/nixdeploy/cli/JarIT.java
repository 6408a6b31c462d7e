package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.LocalCommand;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged {@code nix-deploy.jar}, run as users run it: {@code java -jar}. */
@SandboxTest(hosts = 2)
class JarIT {
  private static final Path JAR = Path.of("target", "nix-deploy.jar");
  private static SandboxHosts hosts;
  private static SandboxHost host;

  @BeforeAll
  static void startHosts(SandboxHosts sandbox) {
    assertThat(JAR).as("built by the package phase").exists();
    hosts = sandbox;
    host = hosts.host(0);
  }

  private static ExecResult java(String... args) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(javaBin, "-jar", JAR.toString()));
    argv.addAll(List.of(args));
    return LocalCommand.of(argv).run();
  }

  @Test
  void printsItsVersionAndTheLocalNixAndHelp() {
    assertThat(java("--version").stdout()).startsWith("nix-deploy ").doesNotContain("unknown")
        .containsPattern("\nlocal Nix: nix-store \\(Nix\\) \\d+\\.\\d+");
    assertThat(java("--help").stdout()).contains("path").contains("keys");
  }

  @Test
  void holdsTheCommandLineAndLibraryButNoTestFixturesOrDemo() throws Exception {
    List<String> ours;
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      ours = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("dev/nixdeploy/")).toList();
    }
    assertThat(ours).anyMatch(n -> n.startsWith("dev/nixdeploy/cli/"))
        .anyMatch(n -> n.startsWith("dev/nixdeploy/internal/"))
        .noneMatch(n -> n.startsWith("dev/nixdeploy/sandbox/") || n.startsWith("dev/nixdeploy/testing/")
            || n.startsWith("dev/nixdeploy/examples/"));
  }

  @Test
  void scriptsInstallAndUninstallTheCommand(@TempDir Path prefix) {
    Path repository = Path.of("").toAbsolutePath().getParent();
    ExecResult install = LocalCommand.of("bash", repository.resolve("scripts/install").toString(), "--no-build")
        .withEnv("PREFIX", prefix.toString()).run();
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    Path command = prefix.resolve("bin/nix-deploy");
    assertThat(install.stdout()).contains("installed " + command);

    ExecResult version = LocalCommand.of(command.toString(), "--version").run();
    assertThat(version.exitCode()).as(version.stderr()).isZero();
    assertThat(version.stdout()).startsWith("nix-deploy ").contains("local Nix: ");

    ExecResult uninstall = LocalCommand.of("bash", repository.resolve("scripts/uninstall").toString())
        .withEnv("PREFIX", prefix.toString()).run();
    assertThat(uninstall.exitCode()).as(uninstall.stderr()).isZero();
    assertThat(command).doesNotExist();
    assertThat(prefix.resolve("lib/nix-deploy")).doesNotExist();
  }

  /**
   * On a real terminal (tmux), the copy is a bar redrawn in place while it runs, and gone afterwards;
   * the screen is read back while the command runs and after it ended.
   */
  @Test
  void drawsALiveProgressBarOnATerminal(@TempDir Path dir) throws Exception {
    StorePath big = SampleClosures.ofSize("jar-bar-" + UUID.randomUUID().toString().substring(0, 8), 256);
    Pattern bar = Pattern.compile("root@" + Pattern.quote(host.alias())
        + " \\[[#.]{24}\\] 0/1 paths .+/256\\.0 MiB .+/s .+ left");

    Terminal screen = onTerminal(dir, bar, "path", "--to", SandboxUsers.ROOT + "@" + host.alias(), "--path",
        big.path(), "--noSign");

    assertThat(screen.last()).as(screen.last()).contains("exit=0")
        .contains("[+] root@" + host.alias() + ": sending 1 paths").contains("sent 1 paths");
    assertThat(screen.seen()).as("a bar as wide as the terminal while copying; at the end:%n%s", screen.last())
        .isTrue();
    assertThat(bar.matcher(screen.last()).find()).as("the bar is erased once the copy is done").isFalse();
    assertThat(host.isValid(big)).isTrue();
  }

  /**
   * To many hosts on a real terminal, each host has one line, redrawn in place: a bar while it copies,
   * its outcome at the end, then the summary.
   */
  @Test
  void drawsOneLiveLinePerHostOfAFleetOnATerminal(@TempDir Path dir) throws Exception {
    StorePath big = SampleClosures.ofSize("jar-fleet-" + UUID.randomUUID().toString().substring(0, 8), 256);
    String first = SandboxUsers.ROOT + "@" + host.alias();
    String second = SandboxUsers.ROOT + "@" + hosts.host(1).alias();
    Pattern bar = Pattern.compile("(?m)^" + Pattern.quote(first)
        + " \\[[#.]{24}\\] 0/1 paths .+/256\\.0 MiB .+/s .+ left$");

    Terminal screen = onTerminal(dir, bar, "path", "--to", first, "--to", second, "--path", big.path(),
        "--noSign");

    assertThat(screen.last()).as(screen.last()).contains("exit=0")
        .containsPattern("(?m)^" + Pattern.quote(first) + ": succeeded, 1 paths \\(256\\.0 MiB\\) copied$")
        .containsPattern("(?m)^" + Pattern.quote(second) + ": succeeded, 1 paths \\(256\\.0 MiB\\) copied$")
        .contains("[+] 2 hosts: 2 succeeded").doesNotContain("[+] " + first + ":");
    assertThat(screen.seen()).as("a bar on the host's line while copying; at the end:%n%s", screen.last())
        .isTrue();
    assertThat(host.isValid(big)).isTrue();
    assertThat(hosts.host(1).isValid(big)).isTrue();
  }

  /** What a terminal showed: whether a pattern was seen while the command ran, and the screen at the end. */
  private record Terminal(boolean seen, String last) {}

  /**
   * Runs the packaged command in a tmux session 150 columns wide, reading its screen back every 20 ms
   * until the command ended.
   */
  private static Terminal onTerminal(Path dir, Pattern watched, String... args) throws Exception {
    // The server's socket in the test's own directory: nothing stays behind in /tmp/tmux-UID.
    String socket = dir.resolve("tmux.sock").toString();
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(javaBin, "-jar", JAR.toAbsolutePath().toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", hosts.knownHostsFile().toString()));
    Path script = dir.resolve("run.sh");
    Files.writeString(script, argv.stream().map(JarIT::quote).collect(Collectors.joining(" "))
        + " >/dev/null; echo \"exit=$?\"; sleep 600\n");
    LocalCommand.of("tmux", "-S", socket, "new-session", "-d", "-x", "150", "-y", "40", "sh", script.toString())
        .run().orThrow();
    try {
      boolean seen = false;
      String screen = "";
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!screen.contains("exit=") && System.nanoTime() < deadline) {
        screen = LocalCommand.of("tmux", "-S", socket, "capture-pane", "-p").run().orThrow().stdout();
        seen |= watched.matcher(screen).find();
        Thread.sleep(20);
      }
      return new Terminal(seen, screen);
    } finally {
      LocalCommand.of("tmux", "-S", socket, "kill-server").run();
    }
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  @Test
  void copiesOverEd25519SshWithNothingButTheJar(@TempDir Path dir) {
    StorePath app = SampleClosures.chain("jar-it-" + UUID.randomUUID().toString().substring(0, 8)).app();
    // In the test's own directory: the generated key goes with it.
    Path key = dir.resolve("signing-key.sec");

    ExecResult run = java("path", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", app.path(),
        "--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", hosts.knownHostsFile().toString(), "--signing-key", key.toString());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().strip()).isEqualTo(app.path());
    assertThat(run.stderr()).contains("sent 3 paths").doesNotContain("INFO").doesNotContain("\033");
    assertThat(host.isValid(app)).isTrue();
  }

  /** {@code -v} shows the commands run on the host (never the secret key); {@code -q} only errors. */
  @Test
  void verboseShowsTheRemoteCommandsAndQuietNothingButErrors(@TempDir Path dir) throws Exception {
    StorePath app = SampleClosures.chain("jar-v-" + UUID.randomUUID().toString().substring(0, 8)).app();
    Path key = dir.resolve("signing-key.sec");
    List<String> connection = List.of("--ssh-config", hosts.sshConfig().toString(), "-i",
        hosts.identityFile().toString(), "--known-hosts", hosts.knownHostsFile().toString());

    List<String> verbose = new ArrayList<>(List.of("-v", "path", "--to", SandboxUsers.ADMIN + "@" + host.alias(),
        "--path", app.path(), "--signing-key", key.toString()));
    verbose.addAll(connection);
    ExecResult run = java(verbose.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("Started on " + SandboxUsers.ADMIN + "@" + host.alias() + ": ")
        .contains("nix-store --serve").contains("[+] " + SandboxUsers.ADMIN + "@" + host.alias() + ": 1/3 ");
    String secret = Files.readString(key).strip();
    assertThat(run.stderr()).doesNotContain(secret.substring(secret.indexOf(':') + 1));

    StorePath other = SampleClosures.chain("jar-q-" + UUID.randomUUID().toString().substring(0, 8)).app();
    List<String> quiet = new ArrayList<>(List.of("path", "-q", "--to", SandboxUsers.ROOT + "@" + host.alias(),
        "--path", other.path(), "--noSign"));
    quiet.addAll(connection);
    ExecResult quietRun = java(quiet.toArray(String[]::new));
    assertThat(quietRun.exitCode()).as(quietRun.stderr()).isZero();
    assertThat(quietRun.stderr()).isEmpty();
    assertThat(quietRun.stdout().strip()).isEqualTo(other.path());

    List<String> failing = new ArrayList<>(List.of("path", "-q", "--to", "root@127.0.0.1:1", "--path",
        other.path(), "--noSign"));
    failing.addAll(connection);
    ExecResult failed = java(failing.toArray(String[]::new));
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.stderr().lines()).hasSize(1).allMatch(l -> l.startsWith("error: Cannot connect to "));
  }
}
