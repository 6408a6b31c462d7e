package dev.nixdeploy.internal.activation;

import static dev.nixdeploy.internal.activation.ActivationHosts.actionsOf;
import static dev.nixdeploy.internal.activation.ActivationHosts.activator;
import static dev.nixdeploy.internal.activation.ActivationHosts.connect;
import static dev.nixdeploy.internal.activation.ActivationHosts.copyAsRoot;
import static dev.nixdeploy.internal.activation.ActivationHosts.seed;
import static dev.nixdeploy.internal.activation.ActivationHosts.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.Command;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A system that locks the deploy user out undoes itself: the deployer cannot confirm over a new
 * connection, and the watchdog on the host rolls back. The fake system denies user {@code deploy}, who has
 * no sudo on sandbox hosts, so this host's sudoers also let {@code deploy} run sudo without a password.
 */
@SandboxTest
class ConfirmedActivationIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
    host.exec("sh", "-c", "echo 'deploy ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/deploy-activation"
        + " && chmod 0440 /etc/sudoers.d/deploy-activation").orThrow();
  }

  @Test
  void aSystemThatLocksTheDeployerOutRollsItselfBack() {
    String seed = seed("lockout");
    StorePath good = SampleClosures.fakeSystem(seed + "-good", FakeSystem.WORKING);
    StorePath locking = SampleClosures.fakeSystem(seed + "-locking", FakeSystem.LOCKING_OUT_DEPLOY);
    copyAsRoot(host, ssh, good, locking);
    ActivationOptions options = ActivationOptions.builder().systemName(seed)
        .confirmTimeout(Duration.ofSeconds(3)).build();
    List<ActivationResult.Rollback> rollbacks = new CopyOnWriteArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void rolledBack(String h, ActivationResult.Rollback r) {
        rollbacks.add(r);
      }
    };

    try (Transport t = connect(host, ssh, SandboxUsers.DEPLOY)) {
      Activator activator = activator(t, host, ssh, SandboxUsers.DEPLOY, listener);
      assertThat(activator.activate(good, options).confirmed()).isTrue();

      assertThatThrownBy(() -> activator.activate(locking, options))
          .isInstanceOf(ActivationException.class)
          .hasMessageContaining("rolled itself back")
          // Refused while locked out; or, on a loaded machine, an attempt that began in time got through
          // only once the watchdog had restored access: the host decides, atomically, and says so.
          .hasMessageMatching("(?s).*(could not open a new ssh connection|only after the host's"
              + " confirmation window).*")
          .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 1)")
          .satisfies(e -> {
            ActivationResult r = ((ActivationException) e).result().orElseThrow();
            assertThat(r.exitCode()).isZero();
            assertThat(r.confirmed()).isFalse();
            assertThat(r.rollback().orElseThrow().reason()).contains("not confirmed");
          });
    }

    assertThat(rollbacks).hasSize(1);
    assertThat(target(host, ActivationOptions.SYSTEM_PROFILES_DIR + "/" + seed)).isEqualTo(good.path());
    assertThat(actionsOf(host, good)).containsExactly("switch", "switch");
    assertThat(actionsOf(host, locking)).containsExactly("switch");
    try (Transport again = connect(host, ssh, SandboxUsers.DEPLOY)) {
      assertThat(again.run(Command.of("true")).succeeded()).isTrue();
    }
  }

  @Test
  void theLockedOutUserReallyCannotConnectWithoutConfirmation() {
    String seed = seed("lockout-plain");
    StorePath locking = SampleClosures.fakeSystem(seed, FakeSystem.LOCKING_OUT_DEPLOY);
    StorePath good = SampleClosures.fakeSystem(seed + "-good", FakeSystem.WORKING);
    copyAsRoot(host, ssh, locking, good);
    ActivationOptions unconfirmed = ActivationOptions.builder().systemName(seed).confirm(false).build();

    try (Transport t = connect(host, ssh, SandboxUsers.DEPLOY)) {
      Activator activator = activator(t, host, ssh, SandboxUsers.DEPLOY, DeployListener.NONE);
      assertThat(activator.activate(locking, unconfirmed).succeeded()).isTrue();
      assertThatThrownBy(() -> connect(host, ssh, SandboxUsers.DEPLOY).close())
          .isInstanceOf(AuthenticationException.class);
      // The connection still open repairs the host.
      assertThat(activator.activate(good, unconfirmed).succeeded()).isTrue();
    }
    try (Transport again = connect(host, ssh, SandboxUsers.DEPLOY)) {
      assertThat(again.run(Command.of("true")).succeeded()).isTrue();
    }
  }
}
