package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathInfoTest {
  private static final NarHash HASH =
      NarHash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  private static final StorePath APP = StorePath.parse("/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-app-c");
  private static final StorePath LIB_A = StorePath.parse("/nix/store/ds2y0000000000000000000000000000-lib-a");
  private static final StorePath LIB_B = StorePath.parse("/nix/store/a42r0000000000000000000000000000-lib-b");
  private static final StorePath LIB_0 = StorePath.parse("/nix/store/0000000000000000000000000000000z-lib-0");

  @Test
  void fingerprintOfThePathNixSigned() {
    assertThat(NixVectors.INFO.fingerprint()).isEqualTo("1;/nix/store/imn09hhgxf3y1d3b3ivn4izdyj7x58j3-kt-b-79443937;"
        + "sha256:14xcfy2jp8wn44p2lnsf1wvfwj14b0xsbzf6nbxr7q22qi2mnbjd;176;"
        + "/nix/store/y1hj8q9cajd4yy7qi6qhazppay5b2x8f-kt-a-79443937");
  }

  @Test
  void pathWithoutReferencesEndsInSemicolon() {
    PathInfo info = PathInfo.builder(APP).narHash(HASH).narSize(128).build();
    assertThat(info.fingerprint()).isEqualTo(
        "1;/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-app-c;sha256:" + HASH.toNixBase32() + ";128;");
  }

  @Test
  void referencesAreSortedByteWiseWhateverTheInputOrderAndIncludeSelf() {
    PathInfo info = PathInfo.builder(APP).narHash(HASH).narSize(224)
        .references(List.of(LIB_A, APP, LIB_B, LIB_0))
        .build();
    assertThat(info.fingerprint()).isEqualTo("1;" + APP + ";" + HASH + ";224;"
        + LIB_0 + "," + APP + "," + LIB_B + "," + LIB_A);
    assertThat(info.referencesExceptSelf()).containsExactly(LIB_0, LIB_B, LIB_A);
  }

  @Test
  void fingerprintIgnoresSignaturesDeriverAndContentAddress() {
    PathInfo plain = PathInfo.builder(APP).narHash(HASH).narSize(1).build();
    PathInfo rich = plain.newBuilder().deriver(LIB_A).contentAddress("fixed:r:sha256:x")
        .addSignature(Signature.of("k", new byte[64])).build();
    assertThat(rich.fingerprint()).isEqualTo(plain.fingerprint());
    assertThat(rich.fingerprintBytes()).isEqualTo(plain.fingerprint().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void withSignatureAddsOnce() {
    Signature sig = Signature.parse(NixVectors.SIGNATURE);
    PathInfo signed = NixVectors.INFO.withSignature(sig);
    assertThat(signed.signatures()).containsExactly(sig);
    assertThat(signed.withSignature(sig)).isSameAs(signed);
    assertThat(NixVectors.INFO.signatures()).isEmpty();
  }

  @Test
  void narSizeMustBePositiveAndNarHashPresent() {
    assertThatThrownBy(() -> PathInfo.builder(APP).narHash(HASH).narSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("narSize of " + APP + " must be positive, not 0");
    assertThatThrownBy(() -> PathInfo.builder(APP).narSize(1).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("narHash of " + APP);
  }
}
