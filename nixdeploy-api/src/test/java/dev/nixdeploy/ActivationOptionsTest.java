package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationOptionsTest {
  @Test
  void defaultsSwitchTheSystemProfileWithRollbackAndConfirmation() {
    ActivationOptions o = ActivationOptions.defaults();

    assertThat(o.mode()).isEqualTo(ActivationMode.SWITCH);
    assertThat(o.profile()).isEqualTo("/nix/var/nix/profiles/system");
    assertThat(o.autoRollback()).isTrue();
    assertThat(o.confirm()).isTrue();
    assertThat(o.confirmTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.failOnPartialSuccess()).isFalse();
    assertThat(o.installBootloader()).isFalse();
    assertThat(o.reboot()).isFalse();
    assertThat(o.rebootTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void confirmationIsOnByDefaultForSwitchOnly() {
    assertThat(ActivationOptions.builder().mode(ActivationMode.TEST).build().confirm()).isFalse();
    assertThat(ActivationOptions.builder().mode(ActivationMode.BOOT).build().confirm()).isFalse();
    assertThat(ActivationOptions.builder().mode(ActivationMode.TEST).confirm(true).build().confirm()).isTrue();
    assertThat(ActivationOptions.builder().confirm(false).build().confirm()).isFalse();
  }

  @Test
  void aNamedProfileLivesUnderSystemProfiles() {
    assertThat(ActivationOptions.builder().systemName("web-1").build().profile())
        .isEqualTo("/nix/var/nix/profiles/system-profiles/web-1");
    assertThat(ActivationOptions.builder().systemName("web").defaultSystemProfile().build().profile())
        .isEqualTo(ActivationOptions.SYSTEM_PROFILE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", "/abs", "-rf", ".hidden", "a..b", "x y", "$(id)", "a\nb",
      "tab\t", "quote'"})
  void hostileSystemNamesAreRefused(String name) {
    assertThatThrownBy(() -> ActivationOptions.builder().systemName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("systemName")
        .hasMessageContaining("no '/', no '..'");
  }

  @Test
  void combinationsThatMakeNoSenseAreRefusedWithTheReason() {
    assertThatThrownBy(() -> ActivationOptions.builder().mode(ActivationMode.BOOT).confirm(true).build())
        .hasMessageContaining("only switch and test can be confirmed");
    assertThatThrownBy(() -> ActivationOptions.builder().mode(ActivationMode.TEST).installBootloader(true)
        .build()).hasMessageContaining("installBootloader");
    assertThatThrownBy(() -> ActivationOptions.builder().reboot(true).build())
        .hasMessageContaining("reboot: rebooting needs mode boot");
    assertThat(ActivationOptions.builder().mode(ActivationMode.BOOT).reboot(true).build().reboot()).isTrue();
  }

  @Test
  void timeoutsAreChecked() {
    assertThatThrownBy(() -> ActivationOptions.builder().confirmTimeout(Duration.ofMillis(500)))
        .hasMessageContaining("confirmTimeout must be from 1 second");
    assertThatThrownBy(() -> ActivationOptions.builder().rebootTimeout(Duration.ofHours(2)))
        .hasMessageContaining("rebootTimeout");
    assertThatThrownBy(() -> ActivationOptions.builder().confirmTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void toBuilderKeepsEverything() {
    ActivationOptions o = ActivationOptions.builder().mode(ActivationMode.BOOT).systemName("db")
        .autoRollback(false).failOnPartialSuccess(true).installBootloader(true).reboot(true)
        .rebootTimeout(Duration.ofMinutes(9)).build();

    assertThat(o.newBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.toString()).contains("boot", "system-profiles/db", "reboot within 540s");
  }

  @Test
  void toBuilderKeepsAConfirmationLeftToTheModeAsADefault() {
    ActivationOptions boot = ActivationOptions.defaults().newBuilder().mode(ActivationMode.BOOT).build();
    ActivationOptions test = ActivationOptions.defaults().newBuilder().mode(ActivationMode.TEST).build();

    assertThat(boot.confirm()).isFalse();
    assertThat(test.confirm()).isFalse();
    assertThat(boot.newBuilder().mode(ActivationMode.SWITCH).build().confirm()).isTrue();
    assertThat(ActivationOptions.defaults().newBuilder().build()).isEqualTo(ActivationOptions.defaults());
  }

  @Test
  void toBuilderKeepsAnExplicitConfirmationChoice() {
    ActivationOptions confirmedTest = ActivationOptions.builder().mode(ActivationMode.TEST).confirm(true)
        .build();
    ActivationOptions unconfirmed = ActivationOptions.builder().confirm(false).build();

    assertThat(confirmedTest.newBuilder().build().confirm()).isTrue();
    assertThat(unconfirmed.newBuilder().mode(ActivationMode.TEST).build().confirm()).isFalse();
    assertThat(unconfirmed.newBuilder().build()).isEqualTo(unconfirmed);
    assertThatThrownBy(() -> confirmedTest.newBuilder().mode(ActivationMode.BOOT).build())
        .hasMessageContaining("only switch and test can be confirmed");
  }
}
