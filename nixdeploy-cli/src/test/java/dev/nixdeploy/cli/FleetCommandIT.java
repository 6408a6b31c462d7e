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
    String json = cli.out().strip();
    assertThat(json).startsWith("{\"version\":1,\"command\":\"path\"").contains("\"hosts\":[{\"host\":\""
        + admin(0) + "\",\"ok\":true,\"state\":\"succeeded\",\"copy\":{\"paths\":[");
    assertThat(json).contains("{\"host\":\"admin@127.0.0.1:1\",\"ok\":false,\"state\":\"failed\"")
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

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("--hosts " + file + ", line 2");
  }
}
