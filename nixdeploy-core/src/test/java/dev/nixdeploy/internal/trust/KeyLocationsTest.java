package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyLocationsTest {
  @Test
  void defaultKeyFileFollowsXdgConfigHome() {
    assertThat(KeyLocations.defaultSecretKeyFile(Map.of("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/u"), "/j"))
        .isEqualTo(Path.of("/x/cfg/nix-deploy/signing-key.sec"));
  }

  @Test
  void defaultKeyFileFallsBackToDotConfigInHome() {
    assertThat(KeyLocations.defaultSecretKeyFile(Map.of("HOME", "/home/u"), "/j"))
        .isEqualTo(Path.of("/home/u/.config/nix-deploy/signing-key.sec"));
    assertThat(KeyLocations.defaultSecretKeyFile(Map.of("XDG_CONFIG_HOME", "relative"), "/j"))
        .isEqualTo(Path.of("/j/.config/nix-deploy/signing-key.sec"));
  }

  @Test
  void publicKeyFileIsBesideTheSecret() {
    assertThat(KeyLocations.publicKeyFileFor(Path.of("/k/signing-key.sec"))).isEqualTo(Path.of("/k/signing-key.pub"));
    assertThat(KeyLocations.publicKeyFileFor(Path.of("/k/key"))).isEqualTo(Path.of("/k/key.pub"));
  }

  @Test
  void keyNamesAreMadeFromHostNames() {
    assertThat(KeyLocations.keyName("web-1.example.org\n")).isEqualTo("web-1.example.org-nix-deploy-1");
    assertThat(KeyLocations.keyName("we:ird host")).isEqualTo("we-ird-host-nix-deploy-1");
    assertThat(KeyLocations.keyName("")).isEqualTo("unknown-host-nix-deploy-1");
  }
}
