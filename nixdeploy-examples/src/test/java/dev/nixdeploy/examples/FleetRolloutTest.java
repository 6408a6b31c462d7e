package dev.nixdeploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetDeployment;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;

/** The rollout against a mocked fleet deployment: how users unit-test code that uses the fleet API. */
class FleetRolloutTest {
  private static final StorePath SYSTEM =
      StorePath.parse("/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-nixos-system-web-24.05");
  private static final List<String> HOSTS = List.of("web-1", "web-2", "web-3");

  private final Deployer deployer = mock(Deployer.class);
  private final FleetDeployment fleet = mock(FleetDeployment.class, RETURNS_SELF);

  private static FleetResult allSucceeded() {
    return new FleetResult(HOSTS.stream().map(h -> new FleetHostResult(Target.parse(h),
        FleetHostResult.State.SUCCEEDED, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Duration.ofSeconds(1))).toList(), Optional.empty(), false,
        Duration.ofSeconds(3));
  }

  @Test
  void rollsOutInBatchesWithKeysAndTheHealthCheck() {
    when(deployer.fleetOf(HOSTS)).thenReturn(fleet);
    when(fleet.activate(ActivationMode.SWITCH)).thenReturn(allSucceeded());
    HealthCheck check = HealthCheck.http("http://127.0.0.1/health");

    FleetResult result = new FleetRollout(deployer, 2).rollOut(HOSTS, SYSTEM, ActivationMode.SWITCH,
        Optional.of(check));

    assertThat(result.succeeded()).isTrue();
    verify(fleet).ensureKeys();
    verify(fleet).copy(SYSTEM);
    verify(fleet).batchSize(2);
    verify(fleet).healthCheck(check.withDeadline(Duration.ofSeconds(30)));
  }

  @Test
  void withoutACheckNoneIsSet() {
    when(deployer.fleetOf(HOSTS)).thenReturn(fleet);
    when(fleet.activate(ActivationMode.TEST)).thenReturn(allSucceeded());

    new FleetRollout(deployer, 1).rollOut(HOSTS, SYSTEM, ActivationMode.TEST, Optional.empty());

    verify(fleet, never()).healthCheck(ArgumentMatchers.any());
  }
}
