package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The API module alone: the entry point says which dependency is missing. */
class DeployerWithoutCoreTest {
  @Test
  void theEntryPointNamesTheMissingDependency() {
    assertThatThrownBy(() -> Deployer.to("deploy@web-1"))
        .isExactlyInstanceOf(NixDeployException.class)
        .hasMessage("No implementation of DeployerProvider found on the class path: add the dependency"
            + " dev.nixdeploy:nixdeploy-core (the same version as nixdeploy-api)");
  }

  @Test
  void anEmptyDaemonRestartCommandIsRefused() {
    assertThatThrownBy(() -> Deployer.builder().daemonRestartCommand(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("daemonRestartCommand");
  }
}
