package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublicKeyTest {

  @Test
  void parsesAndFormatsNixsText() {
    PublicKey key = PublicKey.parse(NixVectors.PUBLIC_KEY + "\n");
    assertThat(key.name()).isEqualTo("test-1");
    assertThat(key.bytes()).hasSize(32);
    assertThat(key.toString()).isEqualTo(NixVectors.PUBLIC_KEY);
    assertThat(PublicKey.of("test-1", key.bytes())).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(PublicKey.of("test-2", key.bytes())).isNotEqualTo(key);
  }

  @Test
  void verifiesTheSignatureNixMade() {
    PublicKey key = PublicKey.parse(NixVectors.PUBLIC_KEY);
    Signature sig = Signature.parse(NixVectors.SIGNATURE);
    assertThat(key.verifies(NixVectors.INFO, sig)).isTrue();
    key.verify(NixVectors.INFO, sig);
  }

  @Test
  void rejectsAChangedPathInfo() {
    PublicKey key = PublicKey.parse(NixVectors.PUBLIC_KEY);
    Signature sig = Signature.parse(NixVectors.SIGNATURE);
    PathInfo bigger = NixVectors.INFO.newBuilder().narSize(177).build();
    PathInfo noRefs = NixVectors.INFO.newBuilder().references(java.util.List.of()).build();
    assertThat(key.verifies(bigger, sig)).isFalse();
    assertThat(key.verifies(noRefs, sig)).isFalse();
    assertThatThrownBy(() -> key.verify(bigger, sig))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessage("the signature of " + NixVectors.PATH + " by key 'test-1' does not match its path info"
            + " (NAR hash, size or references differ from what was signed, or the key has the right name"
            + " but other bytes)")
        .satisfies(e -> {
          assertThat(((InvalidSignatureException) e).path()).isEqualTo(NixVectors.PATH);
          assertThat(((InvalidSignatureException) e).keyName()).isEqualTo("test-1");
        });
  }

  @Test
  void rejectsAFlippedBitAndASignatureOfAnotherName() {
    PublicKey key = PublicKey.parse(NixVectors.PUBLIC_KEY);
    byte[] bytes = Signature.parse(NixVectors.SIGNATURE).bytes();
    bytes[10] ^= 1;
    assertThat(key.verifies(NixVectors.INFO, Signature.of("test-1", bytes))).isFalse();
    Signature renamed = Signature.of("test-2", Signature.parse(NixVectors.SIGNATURE).bytes());
    assertThat(key.verifies(NixVectors.INFO, renamed)).isFalse();
    assertThatThrownBy(() -> key.verify(NixVectors.INFO, renamed))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessage("the signature of " + NixVectors.PATH + " was made by key 'test-2', not by 'test-1'");
  }

  @Test
  void keyBytesThatAreNoCurvePointVerifyNothing() {
    byte[] notAPoint = new byte[32];
    java.util.Arrays.fill(notAPoint, (byte) 0xff); // y >= p: not a canonical encoding
    PublicKey key = PublicKey.of("test-1", notAPoint);
    assertThat(key.verifies(NixVectors.INFO, Signature.parse(NixVectors.SIGNATURE))).isFalse();
  }

  // RFC 8032 section 7.1, tests 1 to 3: public key, message, signature, through the JDK's Ed25519.
  @ParameterizedTest
  @CsvSource({
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
          + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
          + "d25bf5f0595bbe24655141438e7a100b",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
          + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
          + "387b2eaeb4302aeeb00d291612bb0c00",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
          + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659"
          + "4a7c15e9716ed28dc027beceea1ec40a",
  })
  void verifiesRfc8032Vectors(String publicKey, String message, String signature) {
    HexFormat hex = HexFormat.of();
    PublicKey key = PublicKey.of("rfc8032", hex.parseHex(publicKey));
    byte[] msg = hex.parseHex(message);
    byte[] sig = hex.parseHex(signature);
    assertThat(key.verifiesMessage(msg, sig)).isTrue();
    sig[63] ^= 0x10;
    assertThat(key.verifiesMessage(msg, sig)).isFalse();
  }

  @Test
  void parseErrorsSayWhatIsWrong() {
    assertThatThrownBy(() -> PublicKey.parse("zNPIBsJCO0M0lydIUpDERJmoPWuzJrmbip3CKThpq4Q="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix public key: expected NAME:BASE64, found no ':' in"
            + " \"zNPIBsJCO0M0lydIUpDERJmoPWuzJrmbip3CKThpq4Q=\"");
    assertThatThrownBy(() -> PublicKey.parse("k:%%%"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix public key: the part after ':' is not base64 in \"k:%%%\"");
    assertThatThrownBy(() -> PublicKey.parse("k:AAAA"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix public key: the key has 3 bytes, expected 32 in \"k:AAAA\"");
    assertThatThrownBy(() -> PublicKey.parse(":" + Base64.getEncoder().encodeToString(new byte[32])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A key name must not be empty (expected e.g. host-1)");
    assertThatThrownBy(() -> PublicKey.of("k", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("An Ed25519 public key has 32 bytes, not 31");
  }

  @Test
  void aSecretKeyPassedAsPublicIsRefusedWithoutEchoingIt() {
    String secret = "test-1:crEAFLh2IkiPLlWF63qfFFZ5bhRlPyHxws86szG7InvM08gGwkI7QzSXJ0hSkMREmag9a7MmuZuKncIpOGmrhA==";
    assertThatThrownBy(() -> PublicKey.parse(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a Nix public key: the key has 64 bytes, which is the length of a Nix secret key;"
            + " pass the public key (32 bytes) instead")
        .message().doesNotContain("crEAFLh2");
  }

  @Test
  void bytesIsACopy() {
    PublicKey key = PublicKey.parse(NixVectors.PUBLIC_KEY);
    key.bytes()[0] ^= 1;
    assertThat(key.toString()).isEqualTo(NixVectors.PUBLIC_KEY);
  }

  @Test
  void refusesNamesThatNixConfCannotCarry() {
    String key = ":" + java.util.Base64.getEncoder().encodeToString(new byte[PublicKey.SIZE]);
    for (String name : List.of("evil#x", "a b", "tab\tname", "new\nline", "nul\0", "", "bell\u0007",
        "#")) {
      assertThatThrownBy(() -> PublicKey.parse(name + key)).as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key name");
    }
    assertThatThrownBy(() -> PublicKey.parse("evil#x" + key)).hasMessageContaining("'#'")
        .hasMessageContaining("comment");
    assertThat(PublicKey.parse("web-1.example_2+x" + key).name()).isEqualTo("web-1.example_2+x");
    // Signatures keep Nix's rules: a '#' in a signature's key name is Nix's own business.
    assertThat(Signature.of("a#b", new byte[64]).keyName()).isEqualTo("a#b");
  }
}
