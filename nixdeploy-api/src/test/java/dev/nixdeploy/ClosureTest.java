package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClosureTest {
  private static final NarHash HASH = NarHash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");

  private static StorePath path(char hash, String name) {
    return StorePath.parse("/nix/store/" + String.valueOf(hash).repeat(32) + "-" + name);
  }

  private static PathInfo info(StorePath p, StorePath... refs) {
    List<StorePath> all = new ArrayList<>(List.of(refs));
    all.add(p); // a self reference must not count as a dependency
    return PathInfo.builder(p).narHash(HASH).narSize(100).references(all).build();
  }

  @Test
  void ordersReferencesBeforeReferrersDeterministically() {
    StorePath libA = path('z', "lib-a");
    StorePath libB = path('a', "lib-b");
    StorePath mid = path('m', "mid");
    StorePath app = path('0', "app");
    List<PathInfo> infos = new ArrayList<>(List.of(info(app, mid, libA), info(mid, libB, libA),
        info(libA), info(libB)));
    List<StorePath> first = Closure.of(List.of(app), infos).paths();
    for (int i = 0; i < 5; i++) {
      Collections.shuffle(infos, new Random(i));
      assertThat(Closure.of(List.of(app), infos).paths()).isEqualTo(first);
    }
    assertThat(first).containsExactly(libB, libA, mid, app);
    assertThat(Closure.of(List.of(app), infos).totalNarSize()).isEqualTo(400);
  }

  @Test
  void refusesIncompleteClosuresAndCycles() {
    StorePath a = path('a', "a");
    StorePath b = path('b', "b");
    assertThatThrownBy(() -> Closure.of(List.of(a), List.of(info(a, b))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("references " + b);
    assertThatThrownBy(() -> Closure.of(List.of(a), List.of(info(a, b), info(b, a))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cycle");
    assertThatThrownBy(() -> Closure.of(List.of(b), List.of(info(a))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
  }
}
