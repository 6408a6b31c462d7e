package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.SigningKeyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyPairTest {
  @TempDir Path dir;

  @Test
  void neverOpensTheLockThroughALink() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "precious");
    Path key = dir.resolve("keys").resolve("signing-key.sec");
    Files.createDirectories(key.getParent());
    Files.createSymbolicLink(key.resolveSibling("signing-key.sec.lock"), victim);
    assertThatThrownBy(() -> LocalKeyPair.loadOrGenerate(key, () -> "host-1"))
        .isInstanceOf(SigningKeyException.class).hasMessageContaining(".lock");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(key).doesNotExist();
  }

  @Test
  void generatesOnceAndLoadsAfterwards() {
    Path key = dir.resolve("k").resolve("signing-key.sec");
    LocalKeyPair.Loaded first = LocalKeyPair.loadOrGenerate(key, () -> "host-1");
    LocalKeyPair.Loaded again = LocalKeyPair.loadOrGenerate(key, () -> "unused");
    assertThat(first.generated()).isTrue();
    assertThat(again.generated()).isFalse();
    assertThat(again.pair().publicKey()).isEqualTo(first.pair().publicKey());
  }
}
