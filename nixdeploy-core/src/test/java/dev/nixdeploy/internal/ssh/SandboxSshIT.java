package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH transport against the sandbox hosts, through their ssh configuration only. */
@SandboxTest(hosts = 2)
class SandboxSshIT {

  static SshSettings settings(SandboxHosts hosts) {
    return SshSettings.builder().sshConfigFile(hosts.sshConfig()).build();
  }

  @Test
  void connectsToEachHostByAliasAsEachUser(SandboxHosts hosts) {
    for (SandboxHost host : hosts.hosts()) {
      String hostname = host.exec("hostname").orThrow().stdout();
      for (String user : new String[] {SandboxUsers.ROOT, SandboxUsers.DEPLOY, SandboxUsers.ADMIN}) {
        try (Transport t = SshTransports.connect(Target.parse(host.destination(user)), settings(hosts))) {
          assertThat(t.run(Command.of("id", "-un")).orThrow(t.host()).stdout()).isEqualTo(user + "\n");
          assertThat(t.run(Command.of("hostname")).stdout()).isEqualTo(hostname);
          assertThat(t.run(Command.of("nix-store", "--version")).orThrow(t.host()).stdout()).contains("2.8");
        }
      }
    }
  }

  @Test
  void namesTheSandboxHostKeyWhenItIsUnknown(SandboxHosts hosts, @TempDir Path dir) throws Exception {
    SandboxHost host = hosts.host(1);
    Path empty = Files.writeString(dir.resolve("known_hosts"), "");
    SshSettings s = settings(hosts).newBuilder().knownHostsFile(empty).build();
    assertThatThrownBy(() -> SshTransports.connect(Target.parse(host.destination(SandboxUsers.DEPLOY)), s))
        .isInstanceOfSatisfying(HostKeyException.class,
            e -> assertThat(e.fingerprint()).isEqualTo(host.hostKeyFingerprint()))
        .hasMessageContaining(host.hostKeyFingerprint())
        .hasMessageContaining("ssh-keyscan -p " + host.sshPort() + " -t ed25519 127.0.0.1 >> " + empty);
  }

  @Test
  void closingAProcessEndsACommandThatIgnoresItsInput(SandboxHosts hosts) throws Exception {
    SandboxHost host = hosts.host(0);
    // A non-root session: OpenSSH delivers the TERM signal (it refuses to for root).
    try (Transport t = SshTransports.connect(Target.parse(host.destination(SandboxUsers.DEPLOY)), settings(hosts))) {
      RemoteProcess sleeper = t.start(Command.of("sh", "-c", "echo $$; exec sleep 1000"));
      String pid = new BufferedReader(new InputStreamReader(sleeper.stdout(), StandardCharsets.UTF_8))
          .readLine().trim();
      assertThat(host.exec("kill", "-0", pid).exitCode()).isZero();
      sleeper.close();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (host.exec("kill", "-0", pid).exitCode() == 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      assertThat(host.exec("kill", "-0", pid).exitCode()).as("sleep %s still runs", pid).isNotZero();
    }
  }
}
