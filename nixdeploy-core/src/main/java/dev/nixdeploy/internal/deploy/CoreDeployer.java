package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetDeployment;
import dev.nixdeploy.Target;
import dev.nixdeploy.internal.fleet.FleetPlan;
import java.util.Collection;
import java.util.Objects;

/** An immutable deployer: hands out empty plans that share its settings. */
final class CoreDeployer implements Deployer {
  private final DeployerSettings settings;

  CoreDeployer(DeployerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Deployment deployTo(Target target) {
    return Plan.empty(settings, Objects.requireNonNull(target, "target"), Direction.TO);
  }

  @Override
  public Deployment deployFrom(Target source) {
    return Plan.empty(settings, Objects.requireNonNull(source, "source"), Direction.FROM);
  }

  @Override
  public FleetDeployment fleet(Collection<Target> targets) {
    return FleetPlan.of(settings, targets);
  }

  @Override
  public DeployerSettings settings() {
    return settings;
  }

  @Override
  public String toString() {
    return "Deployer{sign=" + settings.sign() + ", useSubstitutes=" + settings.useSubstitutes() + "}";
  }
}
