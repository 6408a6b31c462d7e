package dev.nixdeploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout logic against mocked Deployer and Deployment: how users unit-test their own code. */
class FleetRolloutTest {
  private static final StorePath SYSTEM =
      StorePath.parse("/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-nixos-system-web-24.05");

  private final Deployer deployer = mock(Deployer.class);

  private Deployment plan(String host, boolean succeeds) {
    Deployment plan = mock(Deployment.class);
    when(deployer.deployTo(host)).thenReturn(plan);
    when(plan.ensureKeys()).thenReturn(plan);
    when(plan.copy(List.of(SYSTEM))).thenReturn(plan);
    if (succeeds) {
      when(plan.activate(ActivationMode.SWITCH)).thenReturn(new DeploymentResult(Target.parse(host),
          Direction.TO, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Duration.ofSeconds(1)));
    } else {
      when(plan.activate(ActivationMode.SWITCH)).thenThrow(new ActivationException(host, "exit code 2", null));
    }
    return plan;
  }

  @Test
  void theCanaryGoesFirstThenEveryOtherHost() {
    plan("web-1", true);
    plan("web-2", true);
    plan("web-3", true);

    List<FleetRollout.Outcome> outcomes = new FleetRollout(deployer, 2)
        .rollOut(List.of("web-1", "web-2", "web-3"), SYSTEM, ActivationMode.SWITCH);

    assertThat(outcomes).extracting(FleetRollout.Outcome::host).containsExactly("web-1", "web-2", "web-3");
    assertThat(outcomes).allMatch(o -> o.status() == FleetRollout.Status.SUCCEEDED);
  }

  @Test
  void aFailingCanaryStopsTheRolloutBeforeAnyOtherHost() {
    Deployment canary = plan("web-1", false);

    List<FleetRollout.Outcome> outcomes = new FleetRollout(deployer, 2)
        .rollOut(List.of("web-1", "web-2"), SYSTEM, ActivationMode.SWITCH);

    assertThat(outcomes).extracting(FleetRollout.Outcome::status)
        .containsExactly(FleetRollout.Status.FAILED, FleetRollout.Status.SKIPPED);
    assertThat(outcomes.get(0).error()).get().asString().contains("exit code 2");
    verify(canary).ensureKeys();
    verify(deployer, never()).deployTo("web-2");
    verify(deployer).deployTo(anyString());
  }

  @Test
  void afterAFailureHostsNotYetStartedAreSkipped() {
    plan("web-1", true);
    plan("web-2", false);
    plan("web-3", true);

    List<FleetRollout.Outcome> outcomes = new FleetRollout(deployer, 1)
        .rollOut(List.of("web-1", "web-2", "web-3"), SYSTEM, ActivationMode.SWITCH);

    assertThat(outcomes).extracting(FleetRollout.Outcome::status).containsExactly(
        FleetRollout.Status.SUCCEEDED, FleetRollout.Status.FAILED, FleetRollout.Status.SKIPPED);
  }
}
