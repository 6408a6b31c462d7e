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
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged {@code nix-deploy.jar}, run as users run it: {@code java -jar}. */
@SandboxTest
class JarIT {
  private static final Path JAR = Path.of("target", "nix-deploy.jar");
  private static SandboxHosts hosts;
  private static SandboxHost host;

  @BeforeAll
  static void startHost() {
    assertThat(JAR).as("built by the package phase").exists();
    hosts = SandboxHosts.start(1);
    host = hosts.host(0);
  }

  private static ExecResult java(String... args) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(javaBin, "-jar", JAR.toString()));
    argv.addAll(List.of(args));
    return LocalCommand.of(argv).run();
  }

  @Test
  void printsItsVersionAndHelp() {
    assertThat(java("--version").stdout()).startsWith("nix-deploy ").doesNotContain("unknown");
    assertThat(java("--help").stdout()).contains("path").contains("keys");
  }

  @Test
  void copiesOverEd25519SshWithNothingButTheJar() throws Exception {
    StorePath app = SampleClosures.chain("jar-it-" + UUID.randomUUID().toString().substring(0, 8)).app();
    Path key = Files.createTempDirectory("jar-it").resolve("signing-key.sec");

    ExecResult run = java("path", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", app.path(),
        "--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", hosts.knownHostsFile().toString(), "--signing-key", key.toString());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().strip()).isEqualTo(app.path());
    assertThat(run.stderr()).contains("sent 3 paths").doesNotContain("INFO");
    assertThat(host.isValid(app)).isTrue();
  }
}
