package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NarHashTest {
  private static final String BASE32 = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
  private static final String HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String SRI = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

  @ParameterizedTest
  @ValueSource(strings = {"sha256:" + BASE32, "sha256:" + HEX, SRI, "  sha256:" + BASE32 + "\n"})
  void parsesEveryFormNixWrites(String text) {
    NarHash hash = NarHash.parse(text);
    assertThat(hash.toString()).isEqualTo("sha256:" + BASE32);
    assertThat(hash.toNixBase32()).isEqualTo(BASE32);
    assertThat(hash.toBase16()).isEqualTo(HEX);
    assertThat(hash.toSri()).isEqualTo(SRI);
    assertThat(hash.digest()).isEqualTo(HexFormat.of().parseHex(HEX));
  }

  @Test
  void valueSemantics() {
    NarHash a = NarHash.parse("sha256:" + BASE32);
    NarHash b = NarHash.of(HexFormat.of().parseHex(HEX));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(NarHash.of(new byte[32]));
    byte[] digest = a.digest();
    digest[0] = 0;
    assertThat(a.toBase16()).isEqualTo(HEX); // the getter returned a copy
  }

  @Test
  void ofCopiesAndChecksLength() {
    byte[] bytes = HexFormat.of().parseHex(HEX);
    NarHash hash = NarHash.of(bytes);
    bytes[0] = 0;
    assertThat(hash.toBase16()).isEqualTo(HEX);
    assertThatThrownBy(() -> NarHash.of(new byte[20]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A NAR hash is a SHA-256 digest of 32 bytes, not 20 bytes");
  }

  @Test
  void rejectsOtherAlgorithmsAndNamesTheExpectedForms() {
    assertThatThrownBy(() -> NarHash.parse("md5:3jgzhjhz9zjvbb0kyj7jc500ch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a valid sha256 NAR hash: \"md5:3jgzhjhz9zjvbb0kyj7jc500ch\": expected"
            + " sha256:<nix-base32>, sha256:<hex> or sha256-<base64>");
    assertThatThrownBy(() -> NarHash.parse(BASE32))
        .hasMessageContaining("expected sha256:<nix-base32>");
  }

  @Test
  void rejectsMalformedBodiesWithTheReason() {
    assertThatThrownBy(() -> NarHash.parse("sha256:" + BASE32.replace('y', 'e')))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": 'e' is not a nix-base32 character");
    assertThatThrownBy(() -> NarHash.parse("sha256:abc"))
        .hasMessageEndingWith(": nix-base32 text for 32 bytes must have 52 characters, not 3");
    assertThatThrownBy(() -> NarHash.parse("sha256:" + HEX.replace('a', 'g')))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a valid sha256 NAR hash:");
    assertThatThrownBy(() -> NarHash.parse("sha256-AAAA"))
        .hasMessageEndingWith(": A NAR hash is a SHA-256 digest of 32 bytes, not 3 bytes");
    assertThatThrownBy(() -> NarHash.parse("sha256-***"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a valid sha256 NAR hash: \"sha256-***\"");
  }
}
