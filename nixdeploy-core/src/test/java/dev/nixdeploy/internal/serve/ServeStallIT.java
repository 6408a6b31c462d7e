package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Over real ssh, a host whose "nix-store --serve" shakes hands and then goes silent is cut off. */
@SandboxTest
class ServeStallIT {
  /** The server's magic and version 2.7, little-endian, then silence. */
  private static final String SILENT_SERVER =
      "printf '\\313\\356\\122\\124\\000\\000\\000\\000\\007\\002\\000\\000\\000\\000\\000\\000'; exec sleep 30";

  @Test
  void aSilentStoreIsCutOffAfterTheTimeoutAndTheSessionStaysUsable(SandboxHosts hosts) {
    SandboxHost host = hosts.host(0);
    try (Transport remote = SshTransports.connect(Target.parse(host.destination(SandboxUsers.DEPLOY)),
        hosts.sshSettings())) {
      StorePath any = StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
      try (ServeClient client = ServeClient.open(remote, Command.of("sh", "-c", SILENT_SERVER),
          Duration.ofSeconds(2))) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.queryValidPaths(List.of(any), false, false))
            .isInstanceOf(CopyFailedException.class)
            .hasMessageContaining("sent and took nothing for 2 s").hasMessageContaining("--timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
      }
      assertThat(remote.run(Command.of("true")).exitCode()).isZero();
    }
  }
}
