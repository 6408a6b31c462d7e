package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustedKeysTest {
  private static final PublicKey OURS = key("laptop-nix-deploy-1", 1);
  private static final PublicKey OTHER_BYTES = key("laptop-nix-deploy-1", 2);
  private static final PublicKey STRANGER = key("stranger-1", 3);

  private final Map<String, String> files = new HashMap<>();

  private static PublicKey key(String name, int fill) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) fill);
    return PublicKey.of(name, bytes);
  }

  private List<NixConf.Setting> conf(String text) {
    return NixConf.settings("/etc/nix/nix.conf", text, path -> Optional.ofNullable(files.get(path)));
  }

  private TrustedKeys.Status status(String text) {
    return TrustedKeys.decide(conf(text), OURS).status();
  }

  @Test
  void nothingConfiguredTrustsTheCacheNixosOrgKeyOnly() {
    assertThat(TrustedKeys.effective(conf("# empty\n"))).containsExactly(TrustedKeys.DEFAULT);
    assertThat(status("")).isEqualTo(TrustedKeys.Status.ABSENT);
  }

  @Test
  void extraAppendsToTheDefault() {
    assertThat(TrustedKeys.effective(conf(TrustedKeys.line(OURS) + "\n")))
        .containsExactly(TrustedKeys.DEFAULT, OURS.toString());
    assertThat(status(TrustedKeys.line(OURS))).isEqualTo(TrustedKeys.Status.TRUSTED);
  }

  @Test
  void aPlainSettingReplacesEverythingBeforeIt() {
    String text = "extra-trusted-public-keys = " + OURS + "\ntrusted-public-keys = " + STRANGER + "\n";
    assertThat(TrustedKeys.effective(conf(text))).containsExactly(STRANGER.toString());
    assertThat(status(text)).isEqualTo(TrustedKeys.Status.ABSENT);
  }

  @Test
  void extraAfterAPlainSettingAppendsToIt() {
    String text = "trusted-public-keys = " + STRANGER + "\nextra-trusted-public-keys = x:AA " + OURS + "\n";
    assertThat(TrustedKeys.effective(conf(text))).containsExactly(STRANGER.toString(), "x:AA", OURS.toString());
    assertThat(status(text)).isEqualTo(TrustedKeys.Status.TRUSTED);
  }

  @Test
  void theOldNameAndItsExtraFormCountToo() {
    assertThat(status("binary-cache-public-keys = " + OURS)).isEqualTo(TrustedKeys.Status.TRUSTED);
    assertThat(status("extra-binary-cache-public-keys = " + OURS)).isEqualTo(TrustedKeys.Status.TRUSTED);
    assertThat(status("binary-cache-public-keys = " + OURS + "\ntrusted-public-keys = " + STRANGER))
        .isEqualTo(TrustedKeys.Status.ABSENT);
  }

  @Test
  void otherSettingsWithSimilarNamesDoNotCount() {
    assertThat(status("trusted-substituters = " + OURS + "\nextra-trusted-users = " + OURS
        + "\nsecret-key-files = /etc/nix/key\n# extra-trusted-public-keys = " + OURS))
        .isEqualTo(TrustedKeys.Status.ABSENT);
  }

  @Test
  void aKeyTrustedInAnIncludedFileIsFound() {
    files.put("/etc/nix/keys.conf", "extra-trusted-public-keys = " + OURS + "\n");
    assertThat(status("sandbox = true\n!include keys.conf\n")).isEqualTo(TrustedKeys.Status.TRUSTED);
  }

  @Test
  void aReplacementAfterTheIncludeUndoesIt() {
    files.put("/etc/nix/keys.conf", "extra-trusted-public-keys = " + OURS + "\n");
    assertThat(status("include keys.conf\ntrusted-public-keys = " + STRANGER + "\n"))
        .isEqualTo(TrustedKeys.Status.ABSENT);
  }

  @Test
  void theFirstKeyOfANameWinsAsInNix() {
    String text = "extra-trusted-public-keys = " + OTHER_BYTES + "\nextra-trusted-public-keys = " + OURS;
    TrustedKeys.Decision d = TrustedKeys.decide(conf(text), OURS);
    assertThat(d.status()).isEqualTo(TrustedKeys.Status.NAME_TAKEN);
    assertThat(d.entry()).contains(OTHER_BYTES.toString());

    String ok = "extra-trusted-public-keys = " + OURS + " " + OTHER_BYTES;
    assertThat(status(ok)).isEqualTo(TrustedKeys.Status.TRUSTED);
  }

  @Test
  void aMalformedEntryWithOurNameTakesIt() {
    assertThat(status("extra-trusted-public-keys = laptop-nix-deploy-1:not-base64!"))
        .isEqualTo(TrustedKeys.Status.NAME_TAKEN);
  }

  @Test
  void theLineAddedAppendsAndKeepsTheDefault() {
    String line = TrustedKeys.line(OURS);
    assertThat(line).isEqualTo("extra-trusted-public-keys = laptop-nix-deploy-1:"
        + Base64.getEncoder().encodeToString(OURS.bytes()));
    assertThat(TrustedKeys.effective(conf(line))).startsWith(TrustedKeys.DEFAULT);
  }
}
