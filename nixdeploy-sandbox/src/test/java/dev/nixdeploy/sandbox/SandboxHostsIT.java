package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@SandboxTest(hosts = 2)
class SandboxHostsIT {
  private final SandboxHosts hosts;

  SandboxHostsIT(SandboxHosts hosts) {
    this.hosts = hosts;
  }

  private ExecResult copy(String user, SandboxHost host, StorePath path) {
    return LocalCommand.of("nix-copy-closure", "--to", host.destination(user), path.path())
        .withEnv("NIX_SSHOPTS", hosts.sshOptions())
        .run();
  }

  @Test
  void rootCopiesAClosureIntoOneHostOnly() {
    SampleClosures.Chain chain = SampleClosures.chain("SandboxHostsIT-root-copy");

    copy(SandboxUsers.ROOT, hosts.host(0), chain.app()).orThrow();

    assertThat(chain.closure()).allMatch(hosts.host(0)::isValid).noneMatch(hosts.host(1)::isValid);
  }

  @Test
  void pathBuiltInsideAHostStaysThere() {
    String expression = "builtins.derivation { name = \"inside-" + System.nanoTime() + "\";"
        + " system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo in > $out\" ]; }";
    ExecResult built = hosts.host(0).exec("nix-build", "--no-out-link", "-E", expression).orThrow();
    StorePath inside = StorePath.parse(built.stdout().strip());

    assertThat(hosts.host(0).isValid(inside)).isTrue();
    assertThat(hosts.host(1).isValid(inside)).isFalse();
    assertThat(LocalCommand.of("nix-store", "--check-validity", inside.path()).run().succeeded()).isFalse();
    assertThat(Files.exists(Path.of(inside.path()))).isFalse();
  }

  @Test
  void untrustedDeployUserCannotCopyUnsignedPaths() {
    SampleClosures.Chain chain = SampleClosures.chain("SandboxHostsIT-deploy-copy");

    ExecResult copy = copy(SandboxUsers.DEPLOY, hosts.host(1), chain.app());

    assertThat(copy.exitCode()).isNotZero();
    // Nix 2.8 says "lacks a valid signature", later versions "lacks a signature by a trusted key".
    assertThat(copy.stderr()).containsPattern("lacks a (valid signature|signature by a trusted key)");
    assertThat(hosts.host(1).isValid(chain.libA())).isFalse();
  }

  @Test
  void sudoDiffersByUser() {
    SandboxHost host = hosts.host(0);
    assertThat(host.ssh(SandboxUsers.ADMIN, "sudo -n true").run().succeeded()).isTrue();
    assertThat(host.ssh(SandboxUsers.OPERATOR, "sudo -n true").run().stderr())
        .contains("a password is required");
    assertThat(host.ssh(SandboxUsers.OPERATOR, "sudo -S -p '' id -u")
        .withStdin(SandboxUsers.OPERATOR_PASSWORD + "\n").run().orThrow().stdout()).isEqualTo("0\n");
    assertThat(host.ssh(SandboxUsers.DEPLOY, "sudo -n true").run().succeeded()).isFalse();
  }

  @Test
  void everyUserLogsInWithTheOneIdentityAndStrictHostKeys() {
    for (String user : new String[] {SandboxUsers.ROOT, SandboxUsers.DEPLOY, SandboxUsers.ADMIN,
        SandboxUsers.OPERATOR}) {
      assertThat(hosts.host(1).ssh(user, "id -un; hostname").run().orThrow().stdout())
          .isEqualTo(user + "\n" + hosts.host(1).alias() + "\n");
    }
  }

  @Test
  void knownHostsAndFingerprintMatchTheHostKey() {
    for (SandboxHost host : hosts.hosts()) {
      ExecResult scanned = LocalCommand.of("ssh-keyscan", "-t", "ed25519", "-p", Integer.toString(host.sshPort()),
          host.address()).run().orThrow();
      String line = scanned.stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
      assertThat(SshKeys.fingerprint(line.substring(line.indexOf(' ') + 1)))
          .isEqualTo(host.hostKeyFingerprint());
      ExecResult known = LocalCommand.of("ssh-keygen", "-F", "[127.0.0.1]:" + host.sshPort(), "-f",
          hosts.knownHostsFile().toString()).run();
      assertThat(known.stdout()).contains(host.hostPublicKey().split(" ")[1]);
    }
    assertThat(hosts.host(0).hostKeyFingerprint()).isNotEqualTo(hosts.host(1).hostKeyFingerprint());
  }

  @Test
  void systemctlRestartGivesANewDaemonThatServesUntrustedUsers() {
    SandboxHost host = hosts.host(1);
    long before = host.nixDaemonPid();

    host.ssh(SandboxUsers.ADMIN, "sudo systemctl restart nix-daemon").run().orThrow();

    assertThat(host.nixDaemonPid()).isNotEqualTo(before);
    ExecResult added = host.execAs(SandboxUsers.DEPLOY, "nix-store", "--add", "/etc/hostname").orThrow();
    assertThat(host.isValid(StorePath.parse(added.stdout().strip()))).isTrue();
    assertThat(host.ssh(SandboxUsers.DEPLOY, "systemctl is-active nix-daemon").run().stdout())
        .isEqualTo("active\n");
    assertThat(host.ssh(SandboxUsers.DEPLOY, "systemctl restart nix-daemon").run().stderr())
        .contains("Access denied");
  }

  @Test
  void restartNixDaemonFromJavaWorksToo() {
    SandboxHost host = hosts.host(0);
    long before = host.nixDaemonPid();
    host.restartNixDaemon();
    assertThat(host.nixDaemonPid()).isNotEqualTo(before);
    assertThat(host.execAs(SandboxUsers.ADMIN, "nix-store", "--add", "/etc/NIXOS").succeeded()).isTrue();
  }

  @Test
  void hostsHaveNixosMarkerAndOwnConfiguration() {
    SandboxHost host = hosts.host(0);
    assertThat(host.exec("test", "-e", "/etc/NIXOS").succeeded()).isTrue();
    assertThat(host.exec("cat", "/etc/nix/nix.conf").orThrow().stdout()).contains("trusted-users = root");
    assertThat(host.execAs(SandboxUsers.DEPLOY, "id", "-un").orThrow().stdout()).isEqualTo("deploy\n");
    assertThat(host.exec("systemctl", "restart", "cron").exitCode()).isEqualTo(1);
  }
}
