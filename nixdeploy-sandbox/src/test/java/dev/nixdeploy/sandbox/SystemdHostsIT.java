package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness's hosts that boot systemd: real units, real socket activation, its own store, a reboot. */
@SystemdTest
class SystemdHostsIT {
  private final SystemdHosts hosts;
  private final SystemdHost host;

  SystemdHostsIT(SystemdHosts hosts) {
    this.hosts = hosts;
    this.host = hosts.host(0);
  }

  @Test
  void bootsSystemdWithDebiansNixDaemonAndSshd() {
    assertThat(host.exec("cat", "/proc/1/comm").orThrow().stdout().strip()).isEqualTo("systemd");
    assertThat(host.exec("systemctl", "is-active", "nix-daemon.socket", "ssh.service", "systemd-journald")
        .orThrow().stdout().lines()).containsOnly("active");
    assertThat(host.exec("test", "-d", "/run/systemd/system").succeeded()).isTrue();
    assertThat(host.exec("nix-store", "--version").orThrow().stdout()).contains("2.26");
    assertThat(host.exec("id", "-nG", SandboxUsers.DEPLOY).orThrow().stdout()).contains("nix-users");
    assertThat(host.journal()).contains("Started");
  }

  @Test
  void usersReachItOverSshAndSudoIsTheSandboxOne() {
    assertThat(host.ssh(SandboxUsers.DEPLOY, "id -un").run().orThrow().stdout().strip())
        .isEqualTo(SandboxUsers.DEPLOY);
    assertThat(host.ssh(SandboxUsers.ADMIN, "sudo -n systemctl is-system-running").run().stdout())
        .containsAnyOf("running", "degraded");
    assertThat(host.ssh(SandboxUsers.DEPLOY, "sudo -n true").run().succeeded()).isFalse();
  }

  @Test
  void theRealSystemctlRestartsTheDaemonAndDeployUsesIt() {
    String before = host.exec("systemctl", "show", "-p", "MainPID", "--value", "nix-daemon.service")
        .orThrow().stdout().strip();
    host.exec("systemctl", "restart", "nix-daemon").orThrow();
    assertThat(host.execAs(SandboxUsers.DEPLOY, "nix", "--extra-experimental-features", "nix-command",
        "store", "ping", "--store", "daemon").succeeded()).isTrue();
    String after = host.exec("systemctl", "show", "-p", "MainPID", "--value", "nix-daemon.service")
        .orThrow().stdout().strip();
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void rootCopiesIntoTheHostsOwnStore() {
    SampleClosures.Chain chain = SampleClosures.chain("SystemdHostsIT-copy");

    LocalCommand.of("nix-copy-closure", "--to", host.destination(SandboxUsers.ROOT), chain.app().path())
        .withEnv("NIX_SSHOPTS", hosts.sshOptions()).run().orThrow();

    assertThat(chain.closure()).allMatch(host::isValid);
  }

  @Test
  void aRebootBootsTheHostAgainIntoItsSystemProfile() throws Exception {
    StorePath system = SampleClosures.fakeSystem("SystemdHostsIT-reboot", FakeSystem.WORKING);
    LocalCommand.of("nix-copy-closure", "--to", host.destination(SandboxUsers.ROOT), system.path())
        .withEnv("NIX_SSHOPTS", hosts.sshOptions()).run().orThrow();
    host.exec("nix-env", "-p", "/nix/var/nix/profiles/system", "--set", system.path()).orThrow();
    int boots = host.boots().size();

    host.exec("systemctl", "reboot").orThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (host.boots().size() == boots || !host.ssh(SandboxUsers.DEPLOY, "true").run().succeeded()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(100);
    }

    assertThat(host.boots()).last().isEqualTo(system.path());
    assertThat(host.exec("readlink", "/run/booted-system").orThrow().stdout().strip()).isEqualTo(system.path());
    assertThat(host.isValid(system)).isTrue();
  }
}
