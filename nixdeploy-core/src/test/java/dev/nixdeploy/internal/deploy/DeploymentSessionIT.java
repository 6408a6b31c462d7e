package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deployment held open: several steps and commands of one's own over one SSH connection. */
@SandboxTest
class DeploymentSessionIT {
  private static String seed() {
    return "session-it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** sshd runs one process for each connection as the user: "sshd: admin@notty". */
  private static long connectionsOf(SandboxHost host, String user) {
    String ps = host.exec("ps", "-eo", "args").orThrow().stdout();
    return ps.lines().filter(l -> l.startsWith("sshd: " + user + "@")).count();
  }

  @Test
  void stepsAndOwnCommandsShareOneConnectionUntilClosed(SandboxHosts hosts, @TempDir Path dir) {
    SandboxHost host = hosts.host(0);
    Path key = dir.resolve("signing-key.sec");
    SigningKeyPair.generate("session-it-" + UUID.randomUUID()).store(key, dir.resolve("signing-key.pub"));
    // A restart command of our own: the sandbox's systemctl, through another name, records its use.
    Deployer deployer = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key)
        .daemonRestartCommand(List.of("sh", "-c", "touch /run/restarted-by-own-command &&"
            + " systemctl restart nix-daemon"))
        .build();
    SampleClosures.Chain first = SampleClosures.chain(seed());
    SampleClosures.Chain second = SampleClosures.chain(seed());
    DeploymentSession leaked;

    try (DeploymentSession session = deployer.deployTo(host.destination(SandboxUsers.ADMIN)).open()) {
      leaked = session;
      assertThat(session.ensureKeys().daemonRestarted()).isTrue();
      long connections = connectionsOf(host, SandboxUsers.ADMIN);
      assertThat(session.copy(first.app()).pathsSent()).isEqualTo(3);
      assertThat(session.transport().run(Command.of("nix-store", "-q", "--references", first.app().path()))
          .orThrow(session.transport().host()).stdout()).contains(first.libB().path());
      assertThat(session.copy(second.app(), first.app()).pathsSent()).isEqualTo(3);

      assertThat(connections).isEqualTo(1);
      assertThat(connectionsOf(host, SandboxUsers.ADMIN)).isEqualTo(connections);
    }

    assertThat(host.exec("test", "-e", "/run/restarted-by-own-command").exitCode()).isZero();
    assertThat(second.closure()).allMatch(host::isValid);
    assertThatThrownBy(() -> leaked.copy(first.app())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }
}
