package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.StorePath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivationTest {
  private static final String SYSTEM = "/nix/store/87y8w2l3d2lzdm33phmp2nnm6lih6f3a-nixos-system-sandbox-a-working";

  @Test
  void parsesAllFields() {
    Activation a = Activation.parse("system=" + SYSTEM + "\taction=switch\targs=\tuser=root"
        + "\tenv.NIXOS_INSTALL_BOOTLOADER=1\tenv.SUDO_USER=admin");
    assertThat(a).isEqualTo(new Activation(StorePath.parse(SYSTEM), "switch", List.of(), "root",
        Map.of("NIXOS_INSTALL_BOOTLOADER", "1", "SUDO_USER", "admin")));
    assertThat(a.installBootloader()).isTrue();
  }

  @Test
  void splitsFurtherArgumentsAndKeepsEmptyValues() {
    Activation a = Activation.parse("system=" + SYSTEM + "\taction=test\targs=--a  b\tuser=deploy"
        + "\tenv.SUDO_USER=");
    assertThat(a.arguments()).containsExactly("--a", "b");
    assertThat(a.environment()).containsExactly(Map.entry("SUDO_USER", ""));
    assertThat(a.installBootloader()).isFalse();
  }

  @Test
  void rejectsIncompleteRecords() {
    assertThatThrownBy(() -> Activation.parse("system=" + SYSTEM + "\taction=switch\tuser=root"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without args");
    assertThatThrownBy(() -> Activation.parse("system=" + SYSTEM + "\tswitch"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without '='");
  }
}
