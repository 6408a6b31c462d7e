package dev.nixdeploy.internal.keys;

import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_INFO;
import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_PUBLIC;
import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.SigningKeyPair;
import java.nio.CharBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TinkSigningKeyPairTest {

  @Test
  void theApiFindsTheTinkProvider() {
    assertThat(SigningKeyPair.generate("found")).isInstanceOf(TinkSigningKeyPair.class);
  }

  @Test
  void generatedKeysAreDistinctAndSignDeterministically() {
    SigningKeyPair a = SigningKeyPair.generate("host-1");
    SigningKeyPair b = SigningKeyPair.generate("host-1");
    assertThat(a.name()).isEqualTo("host-1");
    assertThat(a.publicKey().name()).isEqualTo("host-1");
    assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
    assertThat(a.sign(NIX_INFO)).isEqualTo(a.sign(NIX_INFO)).isNotEqualTo(b.sign(NIX_INFO));
    assertThat(a.sign(NIX_INFO).keyName()).isEqualTo("host-1");
  }

  @Test
  void generateChecksTheName() {
    assertThatThrownBy(() -> SigningKeyPair.generate("my key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A key name must not contain white space or control characters: \"my key\"");
  }

  @Test
  void toStringShowsOnlyNameAndPublicKey() {
    SigningKeyPair key = SigningKeyPair.parse(NIX_SECRET);
    assertThat(key.toString()).isEqualTo("SigningKeyPair{" + NIX_PUBLIC + "}");
  }

  @Test
  void destroyWipesAndLaterUseFailsClearly(@org.junit.jupiter.api.io.TempDir Path dir) {
    SigningKeyPair key = SigningKeyPair.parse(NIX_SECRET);
    assertThat(key.isDestroyed()).isFalse();
    key.destroy();
    key.destroy(); // idempotent
    assertThat(key.isDestroyed()).isTrue();
    assertThatThrownBy(() -> key.sign(NIX_INFO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Signing key 'test-1' was destroyed and can no longer sign; load it again");
    assertThatThrownBy(() -> key.store(dir.resolve("s"), dir.resolve("p")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Signing key 'test-1' was destroyed and can no longer be stored; load it again");
    assertThat(dir.resolve("s")).doesNotExist();
    assertThat(key.publicKey().toString()).isEqualTo(NIX_PUBLIC);
    assertThat(key.toString()).contains(NIX_PUBLIC);
  }

  @Test
  void parsesFromAWipeableCharBuffer() {
    CharBuffer text = CharBuffer.wrap(("\n  " + NIX_SECRET + "\r\n").toCharArray());
    SigningKeyPair key = SigningKeyPair.parse(text);
    assertThat(key.publicKey().toString()).isEqualTo(NIX_PUBLIC);
  }
}
