package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationResult.Outcome;
import dev.nixdeploy.ActivationResult.Rollback;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ActivationResultTest {
  private static final StorePath NEW = StorePath.parse(
      "/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-nixos-system-web-24.05");
  private static final StorePath OLD = StorePath.parse(
      "/nix/store/1sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-nixos-system-web-23.11");

  private static ActivationResult result(int exit, Outcome outcome, Optional<Rollback> rollback) {
    return new ActivationResult("deploy@web-1", NEW, ActivationMode.SWITCH,
        Optional.of("/nix/var/nix/profiles/system"), exit, outcome, OptionalInt.of(41), OptionalInt.of(42),
        rollback, rollback.isEmpty(), false, Duration.ofMillis(1234), List.of("a", "b"));
  }

  @Test
  void aSuccessSaysWhatRanAndTheGenerations() {
    ActivationResult r = result(0, Outcome.SUCCEEDED, Optional.empty());

    assertThat(r.succeeded()).isTrue();
    assertThat(r.rolledBack()).isFalse();
    assertThat(r.summary()).startsWith("switch " + NEW + " on deploy@web-1: succeeded")
        .contains("generation 41 -> 42", "confirmed over a new ssh connection", "took 1234 ms");
  }

  @Test
  void partialSuccessAndRebootRequiredAreSuccessesThatSaySo() {
    assertThat(result(4, Outcome.PARTIALLY_SUCCEEDED, Optional.empty()).summary())
        .contains("some units failed (exit code 4)");
    ActivationResult reboot = result(100, Outcome.REBOOT_REQUIRED, Optional.empty());
    assertThat(reboot.succeeded()).isTrue();
    assertThat(reboot.summary()).contains("a reboot is required");
  }

  @Test
  void aRollbackIsNoSuccessAndTheSummaryTellsWhereTheHostIs() {
    Rollback back = new Rollback("switch-to-configuration switch failed with exit code 2", OptionalInt.of(41),
        Optional.of(OLD), 0);
    ActivationResult r = result(2, Outcome.FAILED, Optional.of(back));

    assertThat(back.succeeded()).isTrue();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.summary()).contains("failed with exit code 2",
        "rolled back (switch-to-configuration switch failed with exit code 2) to generation 41, re-activated "
            + OLD);
    Rollback nowhere = new Rollback("not confirmed", OptionalInt.empty(), Optional.empty(), -1);
    assertThat(nowhere.succeeded()).isFalse();
    assertThat(result(0, Outcome.SUCCEEDED, Optional.of(nowhere)).summary())
        .contains("no previous system to re-activate");
  }
}
