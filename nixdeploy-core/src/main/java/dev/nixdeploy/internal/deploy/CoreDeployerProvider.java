package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.spi.DeployerProvider;

/** Registered with {@link java.util.ServiceLoader}; public only because ServiceLoader requires it. */
public final class CoreDeployerProvider implements DeployerProvider {
  @Override
  public Deployer create(DeployerSettings settings) {
    return new CoreDeployer(settings);
  }
}
