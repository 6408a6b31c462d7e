package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrerequisitesTest {
  @Test
  void temporaryDirectoryBelowAMountedDirectoryIsRefused() {
    assertThat(Prerequisites.missing(Path.of("/root/tmp")))
        .anyMatch(m -> m.contains("temporary directory outside /root"));
    assertThat(Prerequisites.missing(Path.of("/run/user/0")))
        .anyMatch(m -> m.contains("temporary directory outside /run"));
  }

  @Test
  void ordinaryTemporaryDirectoryIsFine() {
    assertThat(Prerequisites.missing(Path.of("/var/tmp"))).noneMatch(m -> m.contains("temporary directory"));
  }
}
