package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebianRootsTest {
  @Test
  void theRecipeIsTheOneScriptsSandboxRootsBuilds() throws Exception {
    // Maven runs tests in the module's directory; the script is in the repository's scripts/.
    List<String> script = Files.readAllLines(Path.of("..", "scripts", "sandbox-roots"));
    assertThat(script).contains("RECIPE=" + DebianRoots.RECIPE);
  }

  @Test
  void aMissingRootSaysHowToBuildIt() {
    assertThatThrownBy(() -> DebianRoots.of("no-such-suite")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneNixForAllHostsOrOnePerHost() {
    @SandboxTest(hosts = 3, nix = SandboxNix.DEBIAN_SID)
    class AllSid {}
    @SandboxTest(hosts = 2, nix = {SandboxNix.MACHINE, SandboxNix.DEBIAN_TRIXIE})
    class Mixed {}
    @SandboxTest(hosts = 3, nix = {SandboxNix.MACHINE, SandboxNix.DEBIAN_TRIXIE})
    class Wrong {}
    @SandboxTest(hosts = 2)
    class Machine {}

    assertThat(SandboxExtension.nixes(AllSid.class.getAnnotation(SandboxTest.class)))
        .containsExactly(SandboxNix.DEBIAN_SID, SandboxNix.DEBIAN_SID, SandboxNix.DEBIAN_SID);
    assertThat(SandboxExtension.nixes(Mixed.class.getAnnotation(SandboxTest.class)))
        .containsExactly(SandboxNix.MACHINE, SandboxNix.DEBIAN_TRIXIE);
    assertThat(SandboxExtension.nixes(Machine.class.getAnnotation(SandboxTest.class)))
        .containsExactly(SandboxNix.MACHINE, SandboxNix.MACHINE);
    assertThatThrownBy(() -> SandboxExtension.nixes(Wrong.class.getAnnotation(SandboxTest.class)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one for all hosts or one per host");
  }
}
