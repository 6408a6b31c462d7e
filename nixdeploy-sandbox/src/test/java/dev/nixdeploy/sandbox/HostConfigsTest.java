package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostConfigsTest {
  @Test
  void knownHostsLineHasBracketedAddressAndPortAndNoComment() {
    assertThat(HostConfigs.knownHostsLine("127.0.0.1", 2222, "ssh-ed25519 AAAAkey root@sandbox-0\n"))
        .isEqualTo("[127.0.0.1]:2222 ssh-ed25519 AAAAkey\n");
  }

  @Test
  void sshConfigBlockPinsIdentityAndHostKey() {
    String block = HostConfigs.sshConfigBlock("sandbox-1", "127.0.0.1", 40001, Path.of("/t/id"),
        Path.of("/t/known_hosts"));
    assertThat(block.lines().map(String::strip)).startsWith("Host sandbox-1").contains(
        "HostName 127.0.0.1", "Port 40001", "IdentityFile /t/id", "IdentitiesOnly yes",
        "UserKnownHostsFile /t/known_hosts", "StrictHostKeyChecking yes", "BatchMode yes");
  }

  @Test
  void nixConfKeepsDefaultTrustAndNoNetwork() {
    assertThat(HostConfigs.nixConf().lines()).contains("trusted-users = root", "require-sigs = true",
        "substituters =", "sandbox = false");
    // A plain trusted-public-keys line would replace the default keys.
    assertThat(HostConfigs.nixConf()).doesNotContain("trusted-public-keys");
  }

  @Test
  void sudoersGivesAdminNoPasswordAndOperatorAPassword() {
    assertThat(HostConfigs.sudoers().lines()).contains("admin ALL=(ALL:ALL) NOPASSWD: ALL",
        "operator ALL=(ALL:ALL) ALL", "Defaults timestamp_timeout = 0");
    assertThat(HostConfigs.sudoers()).doesNotContain("deploy");
  }

  @Test
  void sshdAcceptsKeysOnlyOnLoopbackWithDropInsFirst() {
    String config = HostConfigs.sshdConfig();
    assertThat(config.lines().filter(line -> !line.startsWith("#")).findFirst())
        .hasValue("Include /etc/ssh/sshd_config.d/*.conf");
    assertThat(config.lines()).contains("ListenAddress 127.0.0.1", "PasswordAuthentication no",
        "AuthorizedKeysFile " + HostConfigs.AUTHORIZED_KEYS, "UsePAM no");
  }
}
