package dev.nixdeploy.internal.privilege;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Becoming root on a real host over ssh, as each kind of sandbox user. */
@SandboxTest
class RootAccessIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
  }

  private static Transport connect(String user) {
    return SshTransports.connect(Target.parse(host.destination(user)), ssh);
  }

  private static String whoamiAsRoot(RootAccess root) {
    return root.run(Command.of("id", "-un")).orThrow(host.alias()).stdout().strip();
  }

  @Test
  void rootRunsCommandsDirectly() {
    try (Transport t = connect(SandboxUsers.ROOT)) {
      RootAccess root = RootAccess.detect(t, null);

      assertThat(root.mode()).isEqualTo(RootAccess.Mode.ROOT);
      assertThat(whoamiAsRoot(root)).isEqualTo("root");
    }
  }

  @Test
  void passwordlessSudoNeedsNoPassword() {
    AtomicInteger asked = new AtomicInteger();
    try (Transport t = connect(SandboxUsers.ADMIN)) {
      RootAccess root = RootAccess.detect(t, (h, u) -> {
        asked.incrementAndGet();
        return "unused".toCharArray();
      });

      assertThat(root.mode()).isEqualTo(RootAccess.Mode.SUDO);
      assertThat(whoamiAsRoot(root)).isEqualTo("root");
      assertThat(asked).hasValue(0);
    }
  }

  @Test
  void passwordSudoAsksOnceAndKeepsThePasswordOutOfTheCommandsInput() {
    AtomicInteger asked = new AtomicInteger();
    char[] given = SandboxUsers.OPERATOR_PASSWORD.toCharArray();
    SudoPasswordSource source = (h, u) -> {
      asked.incrementAndGet();
      assertThat(u).isEqualTo(SandboxUsers.OPERATOR);
      return given;
    };
    try (Transport t = connect(SandboxUsers.OPERATOR)) {
      RootAccess root = RootAccess.detect(t, source);

      assertThat(root.mode()).isEqualTo(RootAccess.Mode.SUDO_PASSWORD);
      assertThat(whoamiAsRoot(root)).isEqualTo("root");
      assertThat(whoamiAsRoot(root)).isEqualTo("root");
      CommandResult cat = root.run(Command.of("cat"), "payload\n".getBytes(StandardCharsets.UTF_8));
      assertThat(cat.stdout()).isEqualTo("payload\n");
      assertThat(cat.command()).isEqualTo(Command.of("cat"));
      assertThat(asked).hasValue(1);
      assertThat(given).containsOnly('\0');
    }
  }

  /** The operator may run cat without a password: sudo then leaves the password line unread. */
  @Test
  void aNoPasswdRuleNeverLetsThePasswordReachTheCommand() {
    try (Transport t = connect(SandboxUsers.OPERATOR)) {
      RootAccess root = RootAccess.detect(t, (h, u) -> SandboxUsers.OPERATOR_PASSWORD.toCharArray());
      assertThat(root.mode()).isEqualTo(RootAccess.Mode.SUDO_PASSWORD);
      // Direct: sudo -S -- cat, as before the fix, shows what a NOPASSWD rule does with the password line.
      CommandResult direct = t.run(Command.of("sudo", "-S", "-k", "-p", "", "--", "cat"),
          (SandboxUsers.OPERATOR_PASSWORD + "\npayload\n").getBytes(StandardCharsets.UTF_8));
      assertThat(direct.stdout()).contains(SandboxUsers.OPERATOR_PASSWORD);
      CommandResult cat = root.run(Command.of("cat"), "payload\n".getBytes(StandardCharsets.UTF_8));
      assertThat(cat.stdout()).isEqualTo("payload\n");
      CommandResult noInput = root.run(Command.of("cat"));
      assertThat(noInput.stdout()).isEmpty();
      assertThat(noInput.exitCode()).isZero();
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutEchoingIt() {
    try (Transport t = connect(SandboxUsers.OPERATOR)) {
      assertThatThrownBy(() -> RootAccess.detect(t, (h, u) -> "not-the-password".toCharArray()))
          .isInstanceOf(PrivilegeException.class)
          .hasMessageContaining("did not accept the password")
          .hasMessageContaining("Nothing was changed")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
    }
  }

  @Test
  void passwordSudoWithoutAPasswordSourceSaysHowToGiveOne() {
    try (Transport t = connect(SandboxUsers.OPERATOR)) {
      assertThatThrownBy(() -> RootAccess.detect(t, null))
          .isInstanceOf(PrivilegeException.class)
          .hasMessageContaining("sudo asks for a password and none was given")
          .hasMessageContaining("--ask-sudo-password");
    }
  }

  @Test
  void aUserWithoutSudoIsToldWhatAnAdministratorCanDo() {
    try (Transport t = connect(SandboxUsers.DEPLOY)) {
      assertThatThrownBy(() -> RootAccess.detect(t, (h, u) -> "whatever".toCharArray()))
          .isInstanceOf(PrivilegeException.class)
          .hasMessageContaining("Cannot run commands as root on")
          .hasMessageContaining("as user deploy")
          .hasMessageContaining("NOPASSWD");
    }
  }
}
