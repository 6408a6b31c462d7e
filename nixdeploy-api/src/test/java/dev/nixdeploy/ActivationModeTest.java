package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ActivationModeTest {
  @Test
  void mapsToSwitchToConfigurationActions() {
    assertThat(ActivationMode.values()).extracting(ActivationMode::action)
        .containsExactly("switch", "boot", "test", "dry-activate");
    assertThat(ActivationMode.fromAction(" Dry-Activate ")).isEqualTo(ActivationMode.DRY_ACTIVATE);
  }

  @Test
  void onlySwitchAndBootTouchTheProfile() {
    assertThat(ActivationMode.SWITCH.setsProfile()).isTrue();
    assertThat(ActivationMode.BOOT.setsProfile()).isTrue();
    assertThat(ActivationMode.TEST.setsProfile()).isFalse();
    assertThat(ActivationMode.DRY_ACTIVATE.setsProfile()).isFalse();
  }

  @Test
  void rejectsUnknownActionsListingTheValidOnes() {
    assertThatThrownBy(() -> ActivationMode.fromAction("reboot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown activation action \"reboot\": expected switch, boot, test or dry-activate");
  }
}
