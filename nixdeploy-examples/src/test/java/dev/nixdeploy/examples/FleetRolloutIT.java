package dev.nixdeploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet example against three real hosts: a canary batch, then the others. */
@SandboxTest(hosts = 3)
class FleetRolloutIT {
  private static SandboxHosts hosts;
  private static Deployer deployer;

  @BeforeAll
  static void setUp(SandboxHosts sandbox, @TempDir Path dir) {
    hosts = sandbox;
    Path key = dir.resolve("signing-key.sec");
    SigningKeyPair.generate("fleet-it-" + UUID.randomUUID()).store(key, dir.resolve("signing-key.pub"));
    deployer = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key).build();
  }

  private static List<String> admins() {
    return hosts.hosts().stream().map(h -> h.destination(SandboxUsers.ADMIN)).toList();
  }

  private static List<String> actionsOn(SandboxHost host, StorePath system) {
    return host.activations().stream().filter(a -> a.system().equals(system)).map(Activation::action).toList();
  }

  @Test
  void switchesEveryHost() {
    StorePath system = SampleClosures.fakeSystem("fleet-" + UUID.randomUUID().toString().substring(0, 8),
        FakeSystem.WORKING);

    FleetResult result = new FleetRollout(deployer, 2).rollOut(admins(), system, ActivationMode.SWITCH,
        Optional.of(HealthCheck.command("test", "-x", system.path() + "/bin/switch-to-configuration")));

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsOnly(FleetHostResult.State.SUCCEEDED);
    assertThat(hosts.hosts()).allSatisfy(h -> assertThat(actionsOn(h, system)).containsExactly("switch"));
  }

  @Test
  void aFailingCanaryLeavesTheOtherHostsUntouched() {
    StorePath system = SampleClosures.fakeSystem("fleet-bad-" + UUID.randomUUID().toString().substring(0, 8),
        FakeSystem.FAILING);

    FleetResult result = new FleetRollout(deployer, 1).rollOut(admins(), system, ActivationMode.TEST,
        Optional.empty());

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsExactly(
        FleetHostResult.State.FAILED, FleetHostResult.State.SKIPPED, FleetHostResult.State.SKIPPED);
    assertThat(actionsOn(hosts.host(0), system)).containsExactly("test");
    assertThat(hosts.host(1).isValid(system)).isFalse();
    assertThat(hosts.host(2).isValid(system)).isFalse();
  }
}
