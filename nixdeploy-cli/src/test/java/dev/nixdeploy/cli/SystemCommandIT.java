package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nix-deploy system} and {@code path --profileName} against a sandbox host with fake systems. */
@SandboxTest
class SystemCommandIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static Path signingKey;

  @BeforeAll
  static void setUp(SandboxHosts sandbox, @TempDir Path dir) {
    hosts = sandbox;
    host = hosts.host(0);
    signingKey = dir.resolve("signing-key.sec");
    dev.nixdeploy.SigningKeyPair.generate("system-cli-" + UUID.randomUUID())
        .store(signingKey, dir.resolve("signing-key.pub"));
  }

  private static Cli run(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(List.of("--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", hosts.knownHostsFile().toString(), "--signing-key", signingKey.toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  private static String seed(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> actions(StorePath system) {
    return host.activations().stream().filter(a -> a.system().equals(system)).map(Activation::action).toList();
  }

  private static String readlink(String profile) {
    return host.exec("readlink", "-f", profile).stdout().strip();
  }

  @Test
  void theDefaultActionIsTestAndTouchesNoProfile() {
    StorePath system = SampleClosures.fakeSystem(seed("cli-test"), FakeSystem.WORKING);
    String before = readlink("/nix/var/nix/profiles/system");

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", system.path());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(actions(system)).containsExactly("test");
    assertThat(readlink("/nix/var/nix/profiles/system")).isEqualTo(before);
    assertThat(cli.err()).contains("[+] " + SandboxUsers.ADMIN + "@" + host.alias() + ": test " + system);
  }

  @Test
  void switchWithASystemNameSetsThatProfileAndConfirms() {
    String name = seed("cli-switch");
    StorePath system = SampleClosures.fakeSystem(name, FakeSystem.WORKING);

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", system.path(),
        "--switch", "--systemName", name, "--confirm-timeout", "20");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(actions(system)).containsExactly("switch");
    assertThat(readlink("/nix/var/nix/profiles/system-profiles/" + name)).isEqualTo(system.path());
    assertThat(cli.out().strip()).isEqualTo(system.path());
    assertThat(cli.err()).contains("confirmed over a new ssh connection");
  }

  @Test
  void aFailingSwitchExitsWithOneAndReportsTheRollback() {
    String name = seed("cli-fail");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    assertThat(run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", good.path(),
        "--switch", "--systemName", name).exitCode()).isZero();

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", bad.path(),
        "--switch", "--systemName", name);

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("rolled back").contains("error: ");
    assertThat(readlink("/nix/var/nix/profiles/system-profiles/" + name)).isEqualTo(good.path());
    // The activation's lines were streamed: the error is one line, the log is not repeated.
    List<String> errors = cli.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("failed with exit code 2").doesNotContain("Last output");
    assertThat(cli.err()).doesNotContain("last lines of the activation");

    Cli quiet = run("system", "-q", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", bad.path(),
        "--switch", "--systemName", name);
    assertThat(quiet.exitCode()).isEqualTo(1);
    assertThat(quiet.err().lines().findFirst().orElse("")).startsWith("error: ");
    assertThat(quiet.err()).contains("\nlast lines of the activation on " + SandboxUsers.ADMIN + "@" + host.alias()
        + ":\n    ").doesNotContain("[+]");
  }

  @Test
  void aPartialSuccessWithFailOnPartialSuccessExitsWith4() {
    String name = seed("cli-partial");
    StorePath partial = SampleClosures.fakeSystem(name, FakeSystem.PARTIALLY_FAILING);

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", partial.path(),
        "--switch", "--systemName", name, "--failOnPartialSuccess", "--json");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(4);
    assertThat(cli.out()).contains("\"ok\": false", "\"exitCode\": 4", "\"action\": \"switch\"",
        "\"outcome\": \"failed\"", "\"rolledBack\": true");
    assertThat(cli.out().replaceAll("\\s+", "")).contains("\"ok\":false,\"exitCode\":4,\"hosts\":[{\"host\":\""
        + SandboxUsers.ADMIN + "@" + host.alias() + "\",\"ok\":false,\"state\":\"failed\",")
        .contains("\"copy\":{\"paths\":[").contains("\"totals\":{\"hosts\":1,\"succeeded\":0,\"failed\":1,");
  }

  @Test
  void aPathThatIsNoSystemIsRefusedBeforeAnythingIsCopied() {
    StorePath app = SampleClosures.chain(seed("cli-nosystem")).app();

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", app.path());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).startsWith("error: --path " + app + " is not a NixOS system: it has no"
        + " bin/switch-to-configuration.");
    assertThat(host.isValid(app)).isFalse();
  }

  @Test
  void aDryRunOfASwitchActivatesNothing() {
    String name = seed("cli-dry");
    StorePath system = SampleClosures.fakeSystem(name, FakeSystem.WORKING);

    Cli cli = run("system", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", system.path(),
        "--switch", "--systemName", name, "--dry-run", "--diff");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("activation: would run switch-to-configuration switch on "
        + SandboxUsers.ADMIN + "@" + host.alias(), "after pointing /nix/var/nix/profiles/system-profiles/" + name
        + " at " + system, "rolls back unless confirmed within 30 s", "closure size: ");
    assertThat(actions(system)).isEmpty();
    assertThat(host.isValid(system)).isFalse();
  }

  @Test
  void conflictingActionsAreAUsageError() {
    Cli cli = run("system", "--to", "admin@" + host.alias(), "--switch", "--boot", "--path", "/nix/store/x");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("mutually exclusive");
  }

  @Test
  void pathWithAProfileNamePointsTheProfileAtThePath() {
    StorePath app = SampleClosures.chain(seed("cli-profile")).app();

    Cli cli = run("path", "--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", app.path(),
        "--profileName", "cli-app", "--sudo");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(readlink("/nix/var/nix/profiles/cli-app")).isEqualTo(app.path());
  }
}
