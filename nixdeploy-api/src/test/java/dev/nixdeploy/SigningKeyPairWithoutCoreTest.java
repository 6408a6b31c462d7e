package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The API module alone has no implementation: the factories say which dependency to add. */
class SigningKeyPairWithoutCoreTest {
  private static final String MESSAGE = "No implementation of SigningKeyProvider found on the class path: add"
      + " the dependency dev.nixdeploy:nixdeploy-core (the same version as nixdeploy-api)";

  @Test
  void factoriesNameTheMissingDependency() {
    assertThatThrownBy(() -> SigningKeyPair.generate("k"))
        .isExactlyInstanceOf(NixDeployException.class).hasMessage(MESSAGE);
    assertThatThrownBy(() -> SigningKeyPair.load(Path.of("k.sec")))
        .isExactlyInstanceOf(NixDeployException.class).hasMessage(MESSAGE);
    assertThatThrownBy(() -> SigningKeyPair.parse("k:AAAA"))
        .isExactlyInstanceOf(NixDeployException.class).hasMessage(MESSAGE);
  }
}
