package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Everything {@link SandboxHostsIT} checks, on hosts that run the Nix of Debian roots (sandbox-0 trixie,
 * sandbox-1 sid), and what only such hosts have: their own Nix, and a root that stays as it was built.
 */
@SandboxTest(hosts = 2, nix = {SandboxNix.DEBIAN_TRIXIE, SandboxNix.DEBIAN_SID})
class SandboxHostsOnDebianRootsIT extends SandboxHostsIT {
  private final SandboxHosts hosts;

  SandboxHostsOnDebianRootsIT(SandboxHosts hosts) {
    super(hosts);
    this.hosts = hosts;
  }

  @Test
  void eachHostRunsTheNixOfItsRoot() {
    assertThat(hosts.host(0).nix()).isEqualTo(SandboxNix.DEBIAN_TRIXIE);
    assertThat(hosts.host(0).nixVersion()).startsWith("2.26.");
    assertThat(hosts.host(1).nixVersion()).startsWith("2.34.");
    assertThat(hosts.host(1).ssh(SandboxUsers.DEPLOY, "nix-store --version").run().orThrow().stdout())
        .contains(hosts.host(1).nixVersion());
    assertThat(LocalCommand.of("nix-store", "--version").run().orThrow().stdout())
        .doesNotContain(hosts.host(1).nixVersion());
  }

  @Test
  void sudoFindsTheServiceShimAndKnowsTheHostName() {
    // sid's sudo has no /usr/local on its secure path: its systemctl is the shim too.
    for (SandboxHost host : hosts.hosts()) {
      long before = host.nixDaemonPid();
      ExecResult restart = host.ssh(SandboxUsers.ADMIN, "sudo -n systemctl restart nix-daemon").run().orThrow();
      assertThat(restart.stderr()).doesNotContain("unable to resolve host");
      assertThat(host.nixDaemonPid()).isNotEqualTo(before);
    }
  }

  @Test
  void theRootIsNeverWritten() throws Exception {
    for (SandboxHost host : hosts.hosts()) {
      Path root = DebianRoots.of(host.nix().suite().orElseThrow());
      host.exec("touch", "/etc/written-by-a-host", "/usr/local/written-by-a-host").orThrow();
      assertThat(host.exec("test", "-e", "/etc/written-by-a-host").succeeded()).isTrue();
      assertThat(root.resolve("etc/written-by-a-host")).doesNotExist();
      assertThat(root.resolve("etc/NIXOS")).doesNotExist();
      assertThat(Files.readString(root.resolve("etc/passwd"))).doesNotContain(SandboxUsers.DEPLOY + ":");
    }
  }
}
