package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureTest {
  // Made by nix store sign (Nix 2.8) with the key test-1 (see PublicKeyTest).
  static final String NIX_SIGNATURE = "test-1:CphfIwpauQlUVw9sru9JGg30CkHKrkU363ixaPbPYAACSdS8+S3K5kePv6IDbkiVb"
      + "Wt+dPUsQKS1A0UABruKDA==";

  @Test
  void parsesAndFormatsNixsText() {
    Signature sig = Signature.parse(NIX_SIGNATURE + "\n");
    assertThat(sig.keyName()).isEqualTo("test-1");
    assertThat(sig.bytes()).hasSize(64);
    assertThat(sig.toString()).isEqualTo(NIX_SIGNATURE);
    assertThat(Signature.of("test-1", sig.bytes())).isEqualTo(sig).hasSameHashCodeAs(sig);
  }

  @Test
  void splitsAtTheFirstColonOnly() {
    // Base64 has no ':', so a second colon lands in the base64 part and is rejected there.
    assertThatThrownBy(() -> Signature.parse("a:b:" + Base64.getEncoder().encodeToString(new byte[64])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a Nix signature: the part after ':' is not base64");
  }

  @Test
  void valueSemanticsAndDefensiveCopies() {
    byte[] bytes = new byte[64];
    Signature sig = Signature.of("k", bytes);
    bytes[0] = 1;
    assertThat(sig.bytes()[0]).isZero();
    sig.bytes()[1] = 1;
    assertThat(sig.bytes()[1]).isZero();
    assertThat(sig).isNotEqualTo(Signature.of("other", new byte[64]));
    assertThat(sig).isNotEqualTo(Signature.of("k", bytes));
  }

  @Test
  void rejectsMissingColon() {
    assertThatThrownBy(() -> Signature.parse("CphfIwpauQlU"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix signature: expected KEYNAME:BASE64, found no ':' in \"CphfIwpauQlU\"");
  }

  @Test
  void rejectsBadBase64AndWrongLength() {
    assertThatThrownBy(() -> Signature.parse("k:not base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix signature: the part after ':' is not base64 in \"k:not base64!\"");
    assertThatThrownBy(() -> Signature.parse("k:" + Base64.getEncoder().encodeToString(new byte[32])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("An Ed25519 signature has 64 bytes, not 32");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "tab\tname", "new\nline", "a:b"})
  void rejectsInvalidKeyNames(String name) {
    assertThatThrownBy(() -> Signature.of(name, new byte[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("A key name must not");
  }

  @Test
  void keyNameMessagesSayWhatIsWrong() {
    assertThatThrownBy(() -> Signature.of("", new byte[64]))
        .hasMessage("A key name must not be empty (expected e.g. host-1)");
    assertThatThrownBy(() -> Signature.of("a:b", new byte[64]))
        .hasMessage("A key name must not contain ':': \"a:b\"");
    assertThatThrownBy(() -> Signature.of("a b", new byte[64]))
        .hasMessage("A key name must not contain white space or control characters: \"a b\"");
    assertThatThrownBy(() -> Signature.of("a\u0007b", new byte[64]))
        .hasMessage("A key name must not contain white space or control characters: \"a?b\"");
  }

  @Test
  void acceptsUsualKeyNames() {
    for (String name : new String[] {"cache.nixos.org-1", "deploy@web-1", "x", "host_1.example.org-2"}) {
      assertThat(Signature.of(name, new byte[64]).keyName()).isEqualTo(name);
    }
  }
}
