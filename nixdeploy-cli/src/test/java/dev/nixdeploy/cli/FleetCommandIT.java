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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nix-deploy path|system} to several hosts: repeated --to, --hosts, the summary and --json. */
@SandboxTest(hosts = 3)
class FleetCommandIT {
  private static SandboxHosts hosts;
  private static Path signingKey;

  @BeforeAll
  static void setUp(SandboxHosts sandbox, @TempDir Path dir) {
    hosts = sandbox;
    signingKey = dir.resolve("signing-key.sec");
    dev.nixdeploy.SigningKeyPair.generate("fleet-cli-" + UUID.randomUUID())
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

  private static String admin(int i) {
    return hosts.host(i).destination(SandboxUsers.ADMIN);
  }

  @Test
  void repeatedToWithAnUnreachableHostExitsWithOneAndTheJsonSaysWhichFailed() {
    StorePath app = SampleClosures.chain(seed("fleet-cli")).app();

    Cli cli = run("path", "--to", admin(0), "--to", "admin@127.0.0.1:1", "--to", admin(1), "--path",
        app.path(), "--json");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    assertThat(cli.out()).startsWith("{\n  \"version\": 1,\n  \"command\": \"path\",").endsWith("}\n");
    String json = cli.out().replaceAll("\\s+", "");
    assertThat(json).contains("\"direction\":\"to\",\"storePath\":\"" + app.path()
        + "\",\"dryRun\":false,\"ok\":false,\"exitCode\":1,\"hosts\":[{\"host\":\"" + admin(0)
        + "\",\"ok\":true,\"state\":\"succeeded\",\"keys\":{");
    assertThat(json).contains("\"copy\":{\"paths\":[\"").contains("\"pathsCopied\":3,\"bytes\":")
        .contains("{\"host\":\"admin@127.0.0.1:1\",\"ok\":false,\"state\":\"failed\",\"keys\":null,"
            + "\"copy\":null,\"profile\":null,\"activation\":null,\"rolledBackTo\":null,\"error\":\"")
        .contains("\"totals\":{\"hosts\":3,\"succeeded\":2,\"failed\":1,");
    assertThat(cli.err()).contains("[x] 3 hosts: 2 succeeded, 1 failed")
        .contains("x admin@127.0.0.1:1: failed: ");
    assertThat(hosts.host(0).isValid(app)).isTrue();
    assertThat(hosts.host(1).isValid(app)).isTrue();
  }

  @Test
  void aHostsFileWithACanaryBatchSwitchesEveryHost(@TempDir Path dir) throws Exception {
    StorePath system = SampleClosures.fakeSystem(seed("fleet-cli-system"), FakeSystem.WORKING);
    Path file = dir.resolve("hosts");
    Files.writeString(file, "# the web tier\n" + admin(0) + "  # canary\n\n" + admin(1) + "\n" + admin(2) + "\n");

    Cli cli = run("system", "--hosts", file.toString(), "--path", system.path(), "--switch",
        "--batch-size", "1", "--parallel", "2", "--health-check", "test -e \"$(readlink -f /nix/var/nix/profiles/system)/bin/switch-to-configuration\"",
        "--health-timeout", "5");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out().strip()).isEqualTo(system.path());
    assertThat(cli.err()).contains("[+] batch 0 (canary): 1 host(s)").contains("[+] 3 hosts: 3 succeeded");
    for (SandboxHost h : hosts.hosts()) {
      assertThat(h.activations().stream().filter(a -> a.system().equals(system)).map(Activation::action))
          .containsExactly("switch");
    }
  }

  @Test
  void aHostsFileWithABadLineNamesTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("hosts");
    Files.writeString(file, admin(0) + "\nnot a host!\n");

    Cli cli = run("path", "--hosts", file.toString(), "--path", "/nix/store/00000000000000000000000000000000-x");

    assertThat(cli.exitCode()).as("invalid input").isEqualTo(2);
    assertThat(cli.err()).startsWith("error: --hosts " + file + ", line 2: Invalid target \"not a host!\"");
  }

  @Test
  void aPathThatIsNoSystemIsRefusedBeforeAnyHostIsTouched() {
    StorePath app = SampleClosures.chain(seed("fleet-cli-nosystem")).app();

    Cli cli = run("system", "--to", admin(0), "--to", admin(1), "--path", app.path(), "--switch");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(2);
    assertThat(cli.err()).startsWith("error: --path " + app + " is not a NixOS system").doesNotContain("[+]");
    assertThat(hosts.host(0).isValid(app)).isFalse();
    assertThat(hosts.host(1).isValid(app)).isFalse();
  }

  @Test
  void quietPrintsNothingWhenEveryHostSucceeded() {
    StorePath app = SampleClosures.chain(seed("fleet-cli-quiet")).app();

    Cli cli = run("path", "-q", "--to", admin(0), "--to", admin(1), "--path", app.path());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.out().strip()).isEqualTo(app.path());
  }

  @Test
  void aDryRunShowsEachHostsPlanAndDiffAndChangesNothing() {
    StorePath app = SampleClosures.chain(seed("fleet-cli-dry")).app();
    String profile = "dry-" + UUID.randomUUID().toString().substring(0, 8);

    Cli text = run("path", "--to", admin(0), "--to", admin(1), "--path", app.path(), "--profileName", profile,
        "--dry-run", "--diff");

    assertThat(text.exitCode()).as(text.err()).isZero();
    for (int i = 0; i < 2; i++) {
      assertThat(text.out()).contains("[" + admin(i) + "]\ndry run: nothing was changed\n")
          .contains("copy: 3 of 3 paths to " + admin(i) + ", ")
          .contains("diff against nothing:");
    }
    assertThat(text.out()).contains("profile: would point /nix/var/nix/profiles/" + profile);

    Cli json = run("path", "--to", admin(0), "--to", "admin@127.0.0.1:1", "--path", app.path(), "--dry-run",
        "--json");

    assertThat(json.exitCode()).as(json.err()).isEqualTo(1);
    String doc = json.out().replaceAll("\\s+", "");
    assertThat(doc).contains("\"dryRun\":true,\"ok\":false,\"exitCode\":1,\"hosts\":[{\"host\":\"" + admin(0)
        + "\",\"ok\":true,\"state\":\"succeeded\",\"keys\":null,\"copy\":null,")
        .contains("\"plan\":{\"keys\":[").contains("\"closurePaths\":3,")
        .contains("{\"host\":\"admin@127.0.0.1:1\",\"ok\":false,\"state\":\"failed\",");
    assertThat(hosts.host(0).isValid(app)).isFalse();
    assertThat(hosts.host(1).isValid(app)).isFalse();
  }
}
