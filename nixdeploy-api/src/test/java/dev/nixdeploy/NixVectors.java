package dev.nixdeploy;

import java.util.List;

/**
 * A key, a path and the signature Nix 2.8 made: {@code nix-store --generate-binary-cache-key test-1},
 * then {@code nix store sign -k} on a path built with builtins.derivation, read back with
 * {@code nix path-info --sigs} and {@code nix-store -q --hash --references}.
 */
final class NixVectors {
  static final String PUBLIC_KEY = "test-1:zNPIBsJCO0M0lydIUpDERJmoPWuzJrmbip3CKThpq4Q=";
  static final String SIGNATURE = SignatureTest.NIX_SIGNATURE;
  static final StorePath PATH = StorePath.parse("/nix/store/imn09hhgxf3y1d3b3ivn4izdyj7x58j3-kt-b-79443937");
  static final StorePath REFERENCE =
      StorePath.parse("/nix/store/y1hj8q9cajd4yy7qi6qhazppay5b2x8f-kt-a-79443937");
  static final PathInfo INFO = PathInfo.builder(PATH)
      .narHash(NarHash.parse("sha256:14xcfy2jp8wn44p2lnsf1wvfwj14b0xsbzf6nbxr7q22qi2mnbjd"))
      .narSize(176)
      .references(List.of(REFERENCE))
      .build();

  private NixVectors() {}
}
