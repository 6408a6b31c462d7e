package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.StorePath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Builds in this machine's store; needs Nix, not sandbox hosts. */
class SampleClosuresIT {
  private static String query(String... argv) {
    return LocalCommand.of(argv).run().orThrow().stdout();
  }

  @Test
  void chainReferencesEachNextPath() {
    SampleClosures.Chain chain = SampleClosures.chain("SampleClosuresIT");
    assertThat(query("nix-store", "-q", "--references", chain.app().path()).strip())
        .isEqualTo(chain.libB().path());
    assertThat(query("nix-store", "-q", "--references", chain.libB().path()).strip())
        .isEqualTo(chain.libA().path());
    assertThat(query("nix-store", "-q", "--references", chain.libA().path())).isEmpty();
    assertThat(query("nix-store", "-qR", chain.app().path()).lines()).hasSize(3);
    assertThat(chain.app().name()).isEqualTo("sample-app-SampleClosuresIT");
  }

  @Test
  void wideClosureHasAThousandAndOnePaths() {
    StorePath wide = SampleClosures.wide("SampleClosuresIT");
    assertThat(query("nix-store", "-qR", wide.path()).lines()).hasSize(SampleClosures.WIDE_FILES + 1);
  }

  @Test
  void sizedPathHasItsSize() throws Exception {
    StorePath sized = SampleClosures.ofSize("SampleClosuresIT", 3);
    assertThat(Files.size(Path.of(sized.path()))).isEqualTo(3L * 1024 * 1024);
  }

  @Test
  void fakeSystemLooksLikeASystem() {
    StorePath system = SampleClosures.fakeSystem("SampleClosuresIT", FakeSystem.FAILING);
    assertThat(Files.isExecutable(Path.of(system.path(), "bin/switch-to-configuration"))).isTrue();
    assertThat(Path.of(system.path(), "etc")).isSymbolicLink();
    assertThat(query("nix-store", "-qR", system.path()).lines()).hasSize(2);
    assertThat(system.name()).isEqualTo("nixos-system-sandbox-SampleClosuresIT-failing");
  }

  @Test
  void seedsSeparateTests() {
    assertThat(SampleClosures.chain("SampleClosuresIT-a").closure())
        .doesNotContainAnyElementsOf(SampleClosures.chain("SampleClosuresIT-b").closure());
    assertThat(SampleClosures.ofSize("SampleClosuresIT-a", 1)).isNotEqualTo(SampleClosures.ofSize("SampleClosuresIT-b", 1));
  }
}
