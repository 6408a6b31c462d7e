package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@SandboxTest
class FakeSystemIT {
  private static StorePath working;
  private static StorePath locking;

  @BeforeAll
  static void deploySystems(SandboxHosts hosts) {
    working = SampleClosures.fakeSystem("FakeSystemIT", FakeSystem.WORKING);
    locking = SampleClosures.fakeSystem("FakeSystemIT", FakeSystem.LOCKING_OUT_DEPLOY);
    for (FakeSystem kind : FakeSystem.values()) {
      copy(hosts, SampleClosures.fakeSystem("FakeSystemIT", kind));
    }
  }

  private static void copy(SandboxHosts hosts, StorePath path) {
    LocalCommand.of("nix-copy-closure", "--to", hosts.host(0).destination(SandboxUsers.ROOT), path.path())
        .withEnv("NIX_SSHOPTS", hosts.sshOptions())
        .run().orThrow();
  }

  private static String activate(StorePath system, String action) {
    return system + "/bin/switch-to-configuration " + action;
  }

  @Test
  void recordsActionArgumentsUserAndEnvironment(SandboxHosts hosts) {
    SandboxHost host = hosts.host(0);
    int before = host.activations().size();

    host.ssh(SandboxUsers.ADMIN, "sudo env NIXOS_INSTALL_BOOTLOADER=1 " + activate(working, "boot"))
        .run().orThrow();
    host.ssh(SandboxUsers.ROOT, activate(working, "dry-activate") + " --extra").run().orThrow();

    List<Activation> added = host.activations().subList(before, before + 2);
    assertThat(added.get(0)).satisfies(a -> {
      assertThat(a.system()).isEqualTo(working);
      assertThat(a.action()).isEqualTo("boot");
      assertThat(a.user()).isEqualTo("root");
      assertThat(a.installBootloader()).isTrue();
      assertThat(a.environment()).containsEntry("SUDO_USER", "admin");
    });
    assertThat(added.get(1)).satisfies(a -> {
      assertThat(a.action()).isEqualTo("dry-activate");
      assertThat(a.arguments()).containsExactly("--extra");
      assertThat(a.environment()).isEmpty();
    });
  }

  @Test
  void refusesWithoutNixosMarkerOrWithUnknownAction(SandboxHosts hosts) {
    SandboxHost host = hosts.host(0);
    int before = host.activations().size();
    try {
      host.exec("rm", "/etc/NIXOS").orThrow();
      ExecResult refused = host.exec(working + "/bin/switch-to-configuration", "switch");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.stderr()).contains("/etc/NIXOS is missing");
    } finally {
      host.exec("touch", "/etc/NIXOS").orThrow();
    }
    assertThat(host.exec(working + "/bin/switch-to-configuration", "upgrade").exitCode()).isEqualTo(1);
    assertThat(host.activations()).hasSize(before);
  }

  @ParameterizedTest
  @EnumSource(FakeSystem.class)
  void exitsWithTheCodeOfItsKind(FakeSystem kind, SandboxHosts hosts) {
    SandboxHost host = hosts.host(0);
    StorePath system = SampleClosures.fakeSystem("FakeSystemIT", kind);

    ExecResult run = host.exec(system + "/bin/switch-to-configuration", "test");
    host.exec(working + "/bin/switch-to-configuration", "test").orThrow();

    assertThat(run.exitCode()).isEqualTo(kind.exitCode());
    assertThat(host.activations()).extracting(Activation::system).contains(system);
  }

  @Test
  void lockingSystemCutsOffDeployUntilAnotherSystemActivates(SandboxHosts hosts) {
    SandboxHost host = hosts.host(0);
    assertThat(host.ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();

    host.ssh(SandboxUsers.ADMIN, "sudo " + activate(locking, "switch")).run().orThrow();
    ExecResult refused = host.ssh(SandboxUsers.DEPLOY, "true").run();
    boolean adminStillIn = host.ssh(SandboxUsers.ADMIN, "true").run().succeeded();
    host.ssh(SandboxUsers.ADMIN, "sudo " + activate(working, "switch")).run().orThrow();

    assertThat(refused.exitCode()).isEqualTo(255);
    assertThat(refused.stderr()).contains("Permission denied");
    assertThat(adminStillIn).isTrue();
    assertThat(host.ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();
  }

  @Test
  void distinctSeedsGiveDistinctSystems() {
    assertThat(SampleClosures.fakeSystem("FakeSystemIT-other", FakeSystem.WORKING)).isNotEqualTo(working);
    assertThat(SampleClosures.fakeSystem("FakeSystemIT", FakeSystem.WORKING)).isEqualTo(working);
  }
}
