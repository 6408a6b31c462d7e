package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorePathTest {
  private static final String HASH = "3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj";

  @Test
  void parsesHashAndName() {
    StorePath p = StorePath.parse("/nix/store/" + HASH + "-hello-2.12");

    assertThat(p.hashPart()).isEqualTo(HASH);
    assertThat(p.name()).isEqualTo("hello-2.12");
    assertThat(p.baseName()).isEqualTo(HASH + "-hello-2.12");
    assertThat(p).hasToString("/nix/store/" + HASH + "-hello-2.12");
    assertThat(p.path()).isEqualTo(p.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "x+y-z._?=", "A1", "-starts-with-dash", "nixos-system-web-1-23.11"})
  void acceptsEveryNameCharacterNixAllows(String name) {
    assertThat(StorePath.parse("/nix/store/" + HASH + "-" + name).name()).isEqualTo(name);
  }

  @Test
  void acceptsNamesUpTo211Characters() {
    assertThat(StorePath.isValid("/nix/store/" + HASH + "-" + "a".repeat(211))).isTrue();
    assertThatThrownBy(() -> StorePath.parse("/nix/store/" + HASH + "-" + "a".repeat(212)))
        .hasMessageContaining("longer than 211");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/tmp/" + HASH + "-x|does not start with /nix/store/",
      "nix/store/" + HASH + "-x|does not start with /nix/store/",
      "/nix/store/" + HASH + "|expected /nix/store/<32-character hash>-<name>",
      "/nix/store/" + HASH + "-|expected /nix/store/<32-character hash>-<name>",
      "/nix/store/short-x|expected /nix/store/<32-character hash>-<name>",
      "/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xe-x|'e', which is not a nix-base32 character",
      "/nix/store/" + HASH + "-.hidden|starts with '.'",
      "/nix/store/" + HASH + "-a b|contains ' '",
      "/nix/store/" + HASH + "-a;rm -rf|contains ';'",
      "/nix/store/" + HASH + "-$(reboot)|contains '$'",
      "/nix/store/" + HASH + "-a`id`|contains '`'",
      "/nix/store/" + HASH + "-x/bin/sh|contains '/'",
      "/nix/store/" + HASH + "-x'|contains '''",
  })
  void rejectsMalformedOrHostilePathsSayingWhy(String path, String why) {
    assertThatThrownBy(() -> StorePath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a Nix store path:")
        .hasMessageContaining(why);
  }

  @Test
  void namesControlCharactersWithoutPrintingThem() {
    assertThatThrownBy(() -> StorePath.parse("/nix/store/" + HASH + "-a\nb"))
        .hasMessageContaining("U+000A")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void sortsByteWiseAndComparesByValue() {
    StorePath a = StorePath.parse("/nix/store/" + HASH + "-B");
    StorePath b = StorePath.parse("/nix/store/" + HASH + "-a");

    assertThat(a).isLessThan(b);
    assertThat(a).isEqualTo(StorePath.parse(a.path())).hasSameHashCodeAs(StorePath.parse(a.path()));
    assertThat(a).isNotEqualTo(b);
  }
}
