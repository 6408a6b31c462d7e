package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigResolverTest {
  @TempDir Path home;
  private Path config;
  private SshConfigResolver resolver;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(home.resolve(".ssh"));
    config = home.resolve(".ssh").resolve("config");
    resolver = new SshConfigResolver(home, "me", Map.of("SSH_AUTH_SOCK", "/run/agent.sock"));
  }

  private ResolvedTarget resolve(String target, SshSettings settings) {
    return resolver.resolve(Target.parse(target), settings);
  }

  @Test
  void withoutConfigUsesOpenSshDefaults() throws Exception {
    Files.writeString(home.resolve(".ssh").resolve("id_ed25519"), "x");
    Files.writeString(home.resolve(".ssh").resolve("id_rsa"), "x");
    ResolvedTarget r = resolve("web-1", SshSettings.defaults());
    assertThat(r.hostName()).isEqualTo("web-1");
    assertThat(r.port()).isEqualTo(22);
    assertThat(r.user()).isEqualTo("me");
    assertThat(r.identityFiles()).containsExactly(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_rsa"));
    assertThat(r.explicitIdentityFiles()).isZero();
    assertThat(r.knownHostsFile()).isEqualTo(home.resolve(".ssh/known_hosts"));
    assertThat(r.hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
    assertThat(r.connectTimeout()).isEqualTo(SshConfigResolver.DEFAULT_CONNECT_TIMEOUT);
    assertThat(r.serverAliveInterval()).isEqualTo(SshConfigResolver.DEFAULT_SERVER_ALIVE_INTERVAL);
    assertThat(r.agentSocket()).contains(Path.of("/run/agent.sock"));
    assertThat(r.knownHostsName()).isEqualTo("web-1");
  }

  @Test
  void resolvesAnAliasThroughTheConfig() throws Exception {
    Files.writeString(config, String.join("\n",
        "# global",
        "ServerAliveCountMax 5",
        "Host web-1 web-2",
        "  HostName 127.0.0.1",
        "  Port 2222",
        "  User deploy",
        "  IdentityFile ~/.ssh/deploy_key",
        "  IdentityFile %d/keys/%r@%h",
        "  UserKnownHostsFile ~/.ssh/sandbox_known_hosts",
        "  StrictHostKeyChecking accept-new",
        "  ConnectTimeout 7",
        "  ServerAliveInterval 0",
        "Host *",
        "  User fallback",
        "  Port 22",
        ""));
    ResolvedTarget r = resolve("web-1", SshSettings.defaults());
    assertThat(r.display()).isEqualTo("web-1");
    assertThat(r.hostName()).isEqualTo("127.0.0.1");
    assertThat(r.port()).isEqualTo(2222);
    assertThat(r.user()).isEqualTo("deploy");
    assertThat(r.identityFiles()).containsExactly(home.resolve(".ssh/deploy_key"),
        home.resolve("keys/deploy@127.0.0.1"));
    assertThat(r.knownHostsFile()).isEqualTo(home.resolve(".ssh/sandbox_known_hosts"));
    assertThat(r.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
    assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(r.serverAliveInterval()).isZero();
    assertThat(r.serverAliveCountMax()).isEqualTo(5);
    assertThat(r.knownHostsName()).isEqualTo("[127.0.0.1]:2222");

    ResolvedTarget other = resolve("db", SshSettings.defaults());
    assertThat(other.hostName()).isEqualTo("db");
    assertThat(other.user()).isEqualTo("fallback");
    assertThat(other.port()).isEqualTo(22);
  }

  @Test
  void targetAndExplicitSettingsWinOverTheConfig() throws Exception {
    Files.writeString(config, "Host web-1\n HostName 127.0.0.1\n Port 2222\n User deploy\n"
        + " IdentityFile ~/.ssh/from_config\n StrictHostKeyChecking accept-new\n ConnectTimeout 7\n"
        + " UserKnownHostsFile ~/.ssh/kh_config\n ServerAliveInterval 9\n");
    SshSettings s = SshSettings.builder().identityFile(Path.of("explicit_key"))
        .knownHostsFile(Path.of("kh")).hostKeyPolicy(HostKeyPolicy.STRICT).connectTimeout(Duration.ofSeconds(3))
        .serverAliveInterval(Duration.ofSeconds(4)).useAgent(false).build();
    ResolvedTarget r = resolve("admin@web-1:2200", s);
    assertThat(r.user()).isEqualTo("admin");
    assertThat(r.port()).isEqualTo(2200);
    assertThat(r.hostName()).isEqualTo("127.0.0.1");
    assertThat(r.identityFiles()).containsExactly(Path.of("explicit_key"), home.resolve(".ssh/from_config"));
    assertThat(r.explicitIdentityFiles()).isEqualTo(1);
    assertThat(r.knownHostsFile()).isEqualTo(Path.of("kh"));
    assertThat(r.hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
    assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.serverAliveInterval()).isEqualTo(Duration.ofSeconds(4));
    assertThat(r.agentSocket()).isEmpty();
  }

  @Test
  void aGivenConfigFileReplacesTheDefaultOneAndCanBeIgnored() throws Exception {
    Files.writeString(config, "Host web-1\n HostName default.example\n");
    Path other = home.resolve("other_config");
    Files.writeString(other, "Host web-1\n HostName other.example\n");
    assertThat(resolve("web-1", SshSettings.defaults()).hostName()).isEqualTo("default.example");
    assertThat(resolve("web-1", SshSettings.builder().sshConfigFile(other).build()).hostName())
        .isEqualTo("other.example");
    assertThat(resolve("web-1", SshSettings.builder().ignoreSshConfig().build()).hostName()).isEqualTo("web-1");
  }

  @Test
  void readsEveryKnownHostsFileOpenSshWouldAndTheAlias() throws Exception {
    Files.writeString(config, "Host web-1\n HostName 127.0.0.1\n Port 2222\n"
        + " UserKnownHostsFile ~/.ssh/kh1 %d/kh2 none\n GlobalKnownHostsFile /etc/kh_global\n"
        + " HostKeyAlias web-alias\n HashKnownHosts yes\n");
    ResolvedTarget r = resolve("web-1", SshSettings.defaults());
    assertThat(r.knownHosts().userFiles()).containsExactly(home.resolve(".ssh/kh1"), home.resolve("kh2"));
    assertThat(r.knownHosts().globalFiles()).containsExactly(Path.of("/etc/kh_global"));
    assertThat(r.knownHosts().hashNewEntries()).isTrue();
    assertThat(r.knownHostsName()).isEqualTo("web-alias");
    assertThat(r.knownHostsFile()).isEqualTo(home.resolve(".ssh/kh1"));

    ResolvedTarget d = resolve("db", SshSettings.defaults());
    assertThat(d.knownHosts().userFiles()).containsExactly(home.resolve(".ssh/known_hosts"),
        home.resolve(".ssh/known_hosts2"));
    assertThat(d.knownHosts().globalFiles()).isEqualTo(KnownHostsFiles.DEFAULT_GLOBAL);
    assertThat(d.knownHosts().hashNewEntries()).isFalse();

    Files.writeString(config, "Host x\n HostKeyAlias \"a b\"\n");
    assertThatThrownBy(() -> resolve("x", SshSettings.defaults())).isInstanceOf(NixDeployException.class)
        .hasMessageContaining("HostKeyAlias");
  }

  @Test
  void strictHostKeyCheckingNoNeverDisablesTheCheck() throws Exception {
    Files.writeString(config, "Host a\n StrictHostKeyChecking no\nHost b\n StrictHostKeyChecking ask\n");
    assertThat(resolve("a", SshSettings.defaults()).hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
    assertThat(resolve("b", SshSettings.defaults()).hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
  }

  @Test
  void identitiesOnlyTurnsTheAgentOffAndAGivenSocketWins() throws Exception {
    Files.writeString(config, "Host a\n IdentitiesOnly yes\n");
    assertThat(resolve("a", SshSettings.defaults()).agentSocket()).isEmpty();
    assertThat(resolve("b", SshSettings.builder().agentSocket(Path.of("s")).build()).agentSocket())
        .isEqualTo(Optional.of(Path.of("s")));
  }

  @Test
  void badConfigValuesAreReportedClearly() throws Exception {
    Files.writeString(config, "Host p\n Port ssh\nHost c\n ServerAliveCountMax x\nHost t\n ConnectTimeout -3\nHost u\n User -oProxyCommand=x\n"
        + "Host h\n HostName -x\n");
    assertThatThrownBy(() -> resolve("p", SshSettings.defaults())).isInstanceOf(NixDeployException.class)
        .hasMessageContaining("port \"ssh\"").hasMessageContaining("Port line");
    assertThatThrownBy(() -> resolve("t", SshSettings.defaults())).hasMessageContaining("unusable ConnectTimeout");
    assertThatThrownBy(() -> resolve("c", SshSettings.defaults())).hasMessageContaining("ServerAliveCountMax (x)");
    assertThatThrownBy(() -> resolve("u", SshSettings.defaults())).hasMessageContaining("unusable User");
    assertThatThrownBy(() -> resolve("h", SshSettings.defaults())).hasMessageContaining("unusable HostName");
    assertThat(resolve("u@t:22", SshSettings.builder().connectTimeout(Duration.ofSeconds(1)).build()).user())
        .isEqualTo("u");
  }

  @Test
  void aMissingGivenConfigFileIsAnError() {
    Path missing = home.resolve("nope");
    assertThatThrownBy(() -> resolve("web-1", SshSettings.builder().sshConfigFile(missing).build()))
        .isInstanceOf(NixDeployException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }
}
