package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SshSettingsTest {

  @Test
  void defaultsLeaveEverythingToTheSshConfig() {
    SshSettings d = SshSettings.defaults();
    assertThat(d.identityFiles()).isEmpty();
    assertThat(d.passphraseSource()).isEmpty();
    assertThat(d.useAgent()).isTrue();
    assertThat(d.readSshConfig()).isTrue();
    assertThat(d.sshConfigFile()).isEmpty();
    assertThat(d.knownHostsFile()).isEmpty();
    assertThat(d.hostKeyPolicy()).isEmpty();
    assertThat(d.connectTimeout()).isEmpty();
    assertThat(d.serverAliveInterval()).isEmpty();
  }

  @Test
  void builderKeepsWhatItWasGivenAndCopies() {
    PassphraseSource source = f -> "secret".toCharArray();
    SshSettings s = SshSettings.builder()
        .identityFile(Path.of("a")).identityFile(Path.of("b"))
        .passphraseSource(source).useAgent(false).agentSocket(Path.of("agent.sock"))
        .sshConfigFile(Path.of("config")).knownHostsFile(Path.of("kh"))
        .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW)
        .connectTimeout(Duration.ofSeconds(5)).serverAliveInterval(Duration.ZERO)
        .build();
    assertThat(s.identityFiles()).containsExactly(Path.of("a"), Path.of("b"));
    assertThat(s.passphraseSource()).contains(source);
    assertThat(s.useAgent()).isFalse();
    assertThat(s.agentSocket()).contains(Path.of("agent.sock"));
    assertThat(s.sshConfigFile()).contains(Path.of("config"));
    assertThat(s.knownHostsFile()).contains(Path.of("kh"));
    assertThat(s.hostKeyPolicy()).contains(HostKeyPolicy.ACCEPT_NEW);
    assertThat(s.connectTimeout()).contains(Duration.ofSeconds(5));
    assertThat(s.serverAliveInterval()).contains(Duration.ZERO);
    assertThat(s.newBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.newBuilder().ignoreSshConfig().build().readSshConfig()).isFalse();
    assertThat(s.newBuilder().ignoreSshConfig().build().sshConfigFile()).isEmpty();
    assertThat(s.identityFiles()).isUnmodifiable();
  }

  @Test
  void toStringNeverShowsThePassphrase() {
    SshSettings s = SshSettings.builder().passphraseSource(f -> "hunter2".toCharArray()).build();
    assertThat(s.toString()).contains("passphraseSource=set").doesNotContain("hunter2");
  }

  @Test
  void checksArgumentsWhenGivenAndNamesThem() {
    SshSettings.Builder b = SshSettings.builder();
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout").hasMessageContaining("positive");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofNanos(10))).hasMessageContaining("millisecond");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofDays(30))).hasMessageContaining("at most");
    assertThatThrownBy(() -> b.serverAliveInterval(Duration.ofMillis(-1)))
        .hasMessageContaining("serverAliveInterval");
    assertThatThrownBy(() -> b.identityFile(Path.of(""))).hasMessageContaining("identityFile");
    assertThatThrownBy(() -> b.identityFile(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("identityFile");
    assertThatThrownBy(() -> b.knownHostsFile(null)).hasMessageContaining("knownHostsFile");
    assertThatThrownBy(() -> b.hostKeyPolicy(null)).hasMessageContaining("hostKeyPolicy");
    assertThatThrownBy(() -> b.passphraseSource(null)).hasMessageContaining("passphraseSource");
    assertThatThrownBy(() -> b.sshConfigFile(null)).hasMessageContaining("sshConfigFile");
    assertThatThrownBy(() -> b.agentSocket(null)).hasMessageContaining("agentSocket");
  }

  @Test
  void progressTimeoutIsCheckedAndKept() {
    assertThat(SshSettings.defaults().progressTimeout()).isEmpty();
    SshSettings s = SshSettings.builder().progressTimeout(java.time.Duration.ofSeconds(7)).build();
    assertThat(s.progressTimeout()).contains(java.time.Duration.ofSeconds(7));
    assertThat(s.newBuilder().build()).isEqualTo(s);
    assertThat(s.toString()).contains("progressTimeout=PT7S");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> SshSettings.builder().progressTimeout(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("progressTimeout");
  }
}
