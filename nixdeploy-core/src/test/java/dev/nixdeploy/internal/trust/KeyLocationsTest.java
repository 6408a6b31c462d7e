package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
  void keyNamesAreMadeFromHostNamesAndAUniquePart() {
    assertThat(KeyLocations.keyName("web-1.example.org\n")).matches("web-1\\.example\\.org-nix-deploy-[0-9a-f]{8}");
    assertThat(KeyLocations.keyName("we:ird host")).matches("we-ird-host-nix-deploy-[0-9a-f]{8}");
    assertThat(KeyLocations.keyName("")).matches("unknown-host-nix-deploy-[0-9a-f]{8}");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      names.add(KeyLocations.keyName("laptop"));
    }
    assertThat(names).as("a thousand keys of one host, a thousand names").hasSize(1000);
  }
}
