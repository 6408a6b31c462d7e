package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.NixDeployException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandTest {
  @Test
  void capturesExitCodeAndBothOutputs() {
    ExecResult r = LocalCommand.of("/bin/sh", "-c", "echo out; echo err >&2; exit 7").run();
    assertThat(r).isEqualTo(new ExecResult(7, "out\n", "err\n"));
  }

  @Test
  void passesArgumentsWithoutShell() {
    ExecResult r = LocalCommand.of("/bin/sh", "-c", "printf '%s|' \"$@\"", "sh", "a b", "$HOME", "*").run();
    assertThat(r.stdout()).isEqualTo("a b|$HOME|*|");
  }

  @Test
  void feedsStdin() {
    assertThat(LocalCommand.of("cat").withStdin("password\n").run().stdout()).isEqualTo("password\n");
  }

  @Test
  void setsAndRemovesVariables() {
    LocalCommand env = LocalCommand.of("env");
    assertThat(env.withEnv("NIXDEPLOY_A", "1").run().stdout().lines()).contains("NIXDEPLOY_A=1");
    assertThat(env.withEnv("NIXDEPLOY_A", "1").withoutEnv("NIXDEPLOY_A").run().stdout())
        .doesNotContain("NIXDEPLOY_A");
    assertThat(env.withOnlyEnv(Map.of("NIXDEPLOY_B", "2")).run().stdout()).isEqualTo("NIXDEPLOY_B=2\n");
  }

  @Test
  void isImmutable() {
    LocalCommand base = LocalCommand.of("/bin/sh", "-c", "echo ${A-unset}");
    base.withEnv("A", "1");
    assertThat(base.run().stdout()).isEqualTo("unset\n");
    assertThat(base.argv()).isEqualTo(List.of("/bin/sh", "-c", "echo ${A-unset}"));
  }

  @Test
  void killsACommandThatOutlivesItsTimeout() {
    LocalCommand slow = LocalCommand.of("sleep", "30").withTimeout(Duration.ofMillis(200));
    assertThatThrownBy(slow::run).isInstanceOf(NixDeployException.class).hasMessageContaining("timed out");
  }

  @Test
  void reportsAProgramThatCannotStart() {
    assertThatThrownBy(() -> LocalCommand.of("/nonexistent/program").run())
        .isInstanceOf(NixDeployException.class)
        .hasMessageContaining("cannot start [/nonexistent/program]");
  }

  @Test
  void rejectsEmptyArgvAndBadTimeouts() {
    assertThatThrownBy(() -> LocalCommand.of()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalCommand.of("true").withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
