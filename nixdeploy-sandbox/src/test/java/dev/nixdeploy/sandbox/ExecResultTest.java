package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.NixDeployException;
import org.junit.jupiter.api.Test;

class ExecResultTest {
  @Test
  void zeroExitCodeSucceedsAndPassesThrough() {
    ExecResult ok = new ExecResult(0, "out", "");
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.orThrow()).isSameAs(ok);
  }

  @Test
  void failureNamesExitCodeAndStderr() {
    ExecResult failed = new ExecResult(3, "", "error: no such path\n");
    assertThat(failed.succeeded()).isFalse();
    assertThatThrownBy(failed::orThrow)
        .isInstanceOf(NixDeployException.class)
        .hasMessage("command failed with exit code 3: error: no such path");
  }

  @Test
  void longStderrIsShownByItsEnd() {
    String stderr = "x".repeat(5000) + "the cause";
    assertThatThrownBy(() -> new ExecResult(1, "", stderr).orThrow())
        .hasMessageEndingWith("the cause")
        .hasMessageContaining("…")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2100));
  }

  @Test
  void silentFailureSaysSo() {
    assertThatThrownBy(() -> new ExecResult(1, "", " \n").orThrow())
        .hasMessage("command failed with exit code 1 and printed nothing on stderr");
  }
}
