package dev.nixdeploy.spi;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeployerSettings;

/**
 * Makes {@link Deployer}s: implemented by {@code nixdeploy-core} and found with
 * {@link java.util.ServiceLoader}. Application code uses {@link Deployer#builder()} instead.
 */
public interface DeployerProvider {
  /**
   * @param settings the configuration collected by {@link Deployer.Builder}
   * @return a deployer with that configuration
   */
  Deployer create(DeployerSettings settings);
}
