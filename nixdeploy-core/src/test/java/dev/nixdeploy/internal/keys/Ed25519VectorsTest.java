package dev.nixdeploy.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.Signature;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers: RFC 8032 through Tink, and a key, path and signature made by Nix 2.8. */
class Ed25519VectorsTest {
  // nix-store --generate-binary-cache-key test-1 SEC PUB; nix store sign -k SEC PATH (Nix 2.8.0).
  static final String NIX_SECRET = "test-1:crEAFLh2IkiPLlWF63qfFFZ5bhRlPyHxws86szG7InvM08gGwkI7QzSXJ0hSkMREma"
      + "g9a7MmuZuKncIpOGmrhA==";
  static final String NIX_PUBLIC = "test-1:zNPIBsJCO0M0lydIUpDERJmoPWuzJrmbip3CKThpq4Q=";
  static final String NIX_SIGNATURE = "test-1:CphfIwpauQlUVw9sru9JGg30CkHKrkU363ixaPbPYAACSdS8+S3K5kePv6IDbkiVb"
      + "Wt+dPUsQKS1A0UABruKDA==";
  static final PathInfo NIX_INFO = PathInfo.builder(
          StorePath.parse("/nix/store/imn09hhgxf3y1d3b3ivn4izdyj7x58j3-kt-b-79443937"))
      .narHash(NarHash.parse("sha256:14xcfy2jp8wn44p2lnsf1wvfwj14b0xsbzf6nbxr7q22qi2mnbjd"))
      .narSize(176)
      .references(List.of(StorePath.parse("/nix/store/y1hj8q9cajd4yy7qi6qhazppay5b2x8f-kt-a-79443937")))
      .build();

  // RFC 8032 section 7.1, tests 1 to 3: seed, public key, message, signature.
  @ParameterizedTest
  @CsvSource({
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
          + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
          + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
          + "d25bf5f0595bbe24655141438e7a100b",
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
          + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
          + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
          + "387b2eaeb4302aeeb00d291612bb0c00",
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
          + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
          + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659"
          + "4a7c15e9716ed28dc027beceea1ec40a",
  })
  void rfc8032(String seed, String publicKey, String message, String signature) {
    HexFormat hex = HexFormat.of();
    byte[] secret = hex.parseHex(seed + publicKey); // Nix/libsodium layout: seed then public key
    TinkSigningKeyPair key = TinkSigningKeyPair.fromSecretKey("rfc8032", secret);
    assertThat(key.publicKey().bytes()).isEqualTo(hex.parseHex(publicKey));
    assertThat(hex.formatHex(key.signMessage(hex.parseHex(message)))).isEqualTo(signature);
  }

  @Test
  void signsExactlyAsNixDid() {
    SigningKeyPair key = SigningKeyPair.parse(NIX_SECRET);
    assertThat(key.name()).isEqualTo("test-1");
    assertThat(key.publicKey()).isEqualTo(PublicKey.parse(NIX_PUBLIC));
    assertThat(key.sign(NIX_INFO)).isEqualTo(Signature.parse(NIX_SIGNATURE));
    assertThat(key.sign(NIX_INFO.withSignature(Signature.parse(NIX_SIGNATURE))))
        .as("existing signatures are not signed").isEqualTo(Signature.parse(NIX_SIGNATURE));
  }

  @Test
  void tinkSignaturesVerifyWithTheJdkAndNothingElse() {
    for (int i = 0; i < 20; i++) {
      SigningKeyPair key = SigningKeyPair.generate("gen-" + i);
      Signature sig = key.sign(NIX_INFO);
      assertThat(Base64.getEncoder().encodeToString(sig.bytes())).hasSize(88);
      assertThat(key.publicKey().verifies(NIX_INFO, sig)).isTrue();
      assertThat(PublicKey.parse(NIX_PUBLIC).verifies(NIX_INFO, Signature.of("test-1", sig.bytes()))).isFalse();
      assertThat(key.publicKey().verifies(NIX_INFO.newBuilder().narSize(175).build(), sig)).isFalse();
    }
  }
}
