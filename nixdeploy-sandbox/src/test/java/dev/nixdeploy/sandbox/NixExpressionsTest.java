package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NixExpressionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "-x", ".x", "a b", "a/b", "a\"b", "${x}"})
  void rejectsSeedsThatAreNoPartOfAName(String seed) {
    assertThatThrownBy(() -> NixExpressions.checkSeed(seed)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsSeedsMadeOfNameCharacters() {
    assertThat(NixExpressions.checkSeed("CopyIT.copies_1-2")).isEqualTo("CopyIT.copies_1-2");
    assertThatThrownBy(() -> NixExpressions.checkSeed("x".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void escapesNixStringSpecials() {
    assertThat(NixExpressions.nixString("a\"b\\c${d}$e\n")).isEqualTo("a\\\"b\\\\c\\${d}$e\\n");
  }

  @Test
  void seedIsPartOfEveryName() {
    assertThat(NixExpressions.chain("s1")).contains("\"sample-app-s1\"", "\"sample-lib-b-s1\"",
        "\"sample-lib-a-s1\"");
    assertThat(NixExpressions.wide("s1", 5)).contains("\"sample-wide-s1\"", ") 5;");
    assertThat(NixExpressions.ofSize("s1", 2)).contains("\"sample-2MiB-s1\"", "head -c 2097152");
    assertThat(NixExpressions.fakeSystem("s1", FakeSystem.NEEDS_REBOOT))
        .contains("\"nixos-system-sandbox-s1-needs-reboot\"", "exit 100");
  }

  @ParameterizedTest
  @EnumSource(FakeSystem.class)
  void onlyTheLockingSystemDeniesDeploy(FakeSystem kind) {
    String script = NixExpressions.switchToConfiguration(kind);
    assertThat(script).contains("exit " + kind.exitCode() + "\n");
    if (kind == FakeSystem.LOCKING_OUT_DEPLOY) {
      assertThat(script).contains("echo 'DenyUsers deploy' > " + NixExpressions.DENY_DEPLOY);
    } else {
      assertThat(script).contains("rm -f " + NixExpressions.DENY_DEPLOY).doesNotContain("DenyUsers");
    }
  }

  @Test
  void fakeSystemRefusesOutsideASandboxHost(@TempDir Path dir) throws IOException {
    // This machine is no sandbox host: either /etc/NIXOS or the host's state directory is missing.
    Path script = dir.resolve("switch-to-configuration");
    Files.writeString(script, "system=/nix/store/x\n" + NixExpressions.switchToConfiguration(FakeSystem.WORKING));
    ExecResult r = LocalCommand.of("/bin/sh", script.toString(), "switch").run();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).containsAnyOf("/etc/NIXOS is missing", "runs on sandbox hosts only");
  }
}
