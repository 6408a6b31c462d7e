package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProvidersTest {
  /** An SPI nobody implements: the api module's tests run without nixdeploy-core. */
  interface Unimplemented {}

  @Test
  void missingImplementationSaysWhichArtifactToAdd() {
    assertThatThrownBy(() -> Providers.load(Unimplemented.class))
        .isInstanceOf(NixDeployException.class)
        .hasMessageContaining("No implementation of Unimplemented found on the class path")
        .hasMessageContaining("dev.nixdeploy:nixdeploy-core");
  }
}
