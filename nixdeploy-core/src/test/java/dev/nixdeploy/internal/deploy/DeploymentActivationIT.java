package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy, profile and activation in one fluent chain, against a sandbox host and fake NixOS systems. */
@SandboxTest
class DeploymentActivationIT {
  private static SandboxHost host;
  private static Deployer deployer;

  @BeforeAll
  static void setUp(SandboxHosts hosts, @TempDir Path dir) {
    host = hosts.host(0);
    Path key = dir.resolve("signing-key.sec");
    dev.nixdeploy.SigningKeyPair.generate("activation-it-" + UUID.randomUUID())
        .store(key, dir.resolve("signing-key.pub"));
    deployer = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key).build();
  }

  private static String seed(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String profileTarget(String profile) {
    return host.exec("readlink", "-f", profile).orThrow().stdout().strip();
  }

  @Test
  void theWholeMissionInOneChain() {
    StorePath system = SampleClosures.fakeSystem(seed("mission"), FakeSystem.WORKING);

    DeploymentResult result = deployer.deployTo(host.destination(SandboxUsers.ADMIN))
        .ensureKeys()
        .copy(system)
        .activate();

    ActivationResult activation = result.activation().orElseThrow();
    assertThat(result.copy().orElseThrow().sent()).contains(system);
    assertThat(activation.mode()).isEqualTo(ActivationMode.SWITCH);
    assertThat(activation.succeeded()).isTrue();
    assertThat(activation.confirmed()).isTrue();
    assertThat(profileTarget(ActivationOptions.SYSTEM_PROFILE)).isEqualTo(system.path());
    assertThat(host.activations()).filteredOn(a -> a.system().equals(system)).extracting(Activation::action)
        .containsExactly("switch");
  }

  @Test
  void aFailingSwitchRollsBackAndSaysSo() {
    String name = seed("rollback");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    ActivationOptions options = ActivationOptions.builder().systemName(name).build();
    deployer.deployTo(host.destination(SandboxUsers.ADMIN)).copy(good).activate(options);

    assertThatThrownBy(() -> deployer.deployTo(host.destination(SandboxUsers.ADMIN)).copy(bad)
        .activate(options))
        .isInstanceOf(ActivationException.class)
        .satisfies(e -> assertThat(((ActivationException) e).result().orElseThrow().rolledBack()).isTrue());
    assertThat(profileTarget(ActivationOptions.SYSTEM_PROFILES_DIR + "/" + name)).isEqualTo(good.path());
  }

  @Test
  void testModeTouchesNoProfileAndAPathDeploySetsItsProfile() {
    StorePath system = SampleClosures.fakeSystem(seed("test-mode"), FakeSystem.WORKING);
    StorePath app = SampleClosures.chain(seed("profile")).app();
    String before = profileTarget(ActivationOptions.SYSTEM_PROFILE);

    DeploymentResult tested = deployer.deployTo(host.destination(SandboxUsers.ADMIN)).copy(system)
        .activate(ActivationMode.TEST);
    DeploymentResult withProfile = deployer.deployTo(host.destination(SandboxUsers.ADMIN)).copy(app)
        .profile("demo-app").deploy();

    assertThat(tested.activation().orElseThrow().profile()).isEmpty();
    assertThat(profileTarget(ActivationOptions.SYSTEM_PROFILE)).isEqualTo(before);
    assertThat(withProfile.profile().orElseThrow().profile()).isEqualTo("/nix/var/nix/profiles/demo-app");
    assertThat(profileTarget("/nix/var/nix/profiles/demo-app")).isEqualTo(app.path());
  }

  @Test
  void activationNeedsExactlyOnePathAndRefusesHostileProfileNames() {
    var plan = deployer.deployTo(host.destination(SandboxUsers.ADMIN));

    assertThatThrownBy(plan::activate).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs exactly one store path");
    assertThatThrownBy(() -> plan.profile("../../etc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plan.profile("x; reboot")).isInstanceOf(IllegalArgumentException.class);
  }
}
