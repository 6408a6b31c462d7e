package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.Closure;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageDiffTest {
  private static int serial;

  /** A closure of one root referencing every other name given; each name "NAME SIZE". */
  private static Closure closure(String root, String... others) {
    List<PathInfo> infos = new ArrayList<>();
    List<StorePath> refs = new ArrayList<>();
    for (String other : others) {
      PathInfo info = info(other, List.of());
      infos.add(info);
      refs.add(info.path());
    }
    PathInfo top = info(root, refs);
    infos.add(top);
    return Closure.of(List.of(top.path()), infos);
  }

  private static PathInfo info(String nameAndSize, List<StorePath> refs) {
    String[] parts = nameAndSize.split(" ");
    String hash = String.format("%032d", ++serial).replace('0', 'a').replace('1', 'b').replace('2', 'c')
        .replace('3', 'd').replace('4', 'f').replace('5', 'g').replace('6', 'h').replace('7', 'i')
        .replace('8', 'j').replace('9', 'k');
    return PathInfo.builder(StorePath.parse("/nix/store/" + hash + "-" + parts[0]))
        .narHash(NarHash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"))
        .narSize(Long.parseLong(parts[1])).references(refs).build();
  }

  @Test
  void splitsNamesWhereNixDoes() {
    assertThat(PackageDiff.nameAndVersion(StorePath.parse("/nix/store/" + "a".repeat(32) + "-hello-2.12.1")))
        .containsExactly("hello", "2.12.1");
    assertThat(PackageDiff.nameAndVersion(StorePath.parse("/nix/store/" + "a".repeat(32) + "-python3.11-requests-2.31.0")))
        .containsExactly("python3.11-requests", "2.31.0");
    assertThat(PackageDiff.nameAndVersion(StorePath.parse("/nix/store/" + "a".repeat(32) + "-etc")))
        .containsExactly("etc", "");
    assertThat(PackageDiff.nameAndVersion(StorePath.parse("/nix/store/" + "a".repeat(32) + "-openssl-3.0.13-bin")))
        .containsExactly("openssl", "3.0.13-bin");
  }

  @Test
  void listsAddedRemovedAndChangedPackagesAndTheSizeChange() {
    Closure before = closure("nixos-system-web-23.11 1000", "hello-2.12 2048", "openssl-3.0.12 4096", "etc 100",
        "gone-1.0 1024");
    Closure after = closure("nixos-system-web-24.05 1000", "hello-2.12 2048", "openssl-3.0.13 5120", "etc 100",
        "fresh-0.1 512");

    PackageDiff diff = PackageDiff.of(Optional.of(before), after);

    assertThat(diff.added()).extracting(PackageDiff.Package::name).containsExactly("fresh");
    assertThat(diff.removed()).extracting(PackageDiff.Package::name).containsExactly("gone");
    assertThat(diff.changed()).extracting(PackageDiff.Change::name).containsExactly("nixos-system-web", "openssl");
    assertThat(diff.rebuilt()).as("hello and etc: same name and version, other store paths").isEqualTo(2);
    assertThat(diff.lines()).containsExactly(
        "  [A] fresh 0.1",
        "  [R] gone 1.0",
        "  [C] nixos-system-web 23.11 -> 24.05",
        "  [C] openssl 3.0.12 -> 3.0.13",
        "  2 paths rebuilt with the same version",
        "  closure size: 8.1 KiB -> 8.6 KiB (+512 B); 5 -> 5 paths");
    Map<String, Object> json = diff.json();
    assertThat(json.get("bytesChange")).isEqualTo(512L);
    assertThat(json.get("before")).isEqualTo(Optional.of(before.roots().first().path()));
  }

  @Test
  void withNothingToCompareEverythingIsAdded() {
    Closure after = closure("app-1.0 100", "lib-2 50");
    PackageDiff diff = PackageDiff.of(Optional.empty(), after);
    assertThat(diff.added()).extracting(PackageDiff.Package::name).containsExactly("app", "lib");
    assertThat(diff.lines()).last().isEqualTo("  closure size: 0 B -> 150 B (+150 B); 0 -> 2 paths");
  }
}
