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
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rollback brings back what was running ({@code /run/current-system} when the activation started), not
 * what the profile held, and restores the profile and its boot default as they were; on hosts without
 * systemd, where the activation and its watchdog run under {@code setsid}. Before this was fixed, the
 * first test re-activated the boot-only system and the other two rolled nothing back.
 */
@SandboxTest
class RollbackToRunningIT {
  private static final String PROFILES = ActivationOptions.SYSTEM_PROFILES_DIR + "/";
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    host = sandbox.host(0);
    ssh = sandbox.sshSettings();
    host.exec("sh", "-c", "echo 'deploy ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/deploy-rollback"
        + " && chmod 0440 /etc/sudoers.d/deploy-rollback").orThrow();
  }

  private static StorePath system(String seed, FakeSystem kind) {
    StorePath system = SampleClosures.fakeSystem(seed, kind);
    copyAsRoot(host, ssh, system);
    return system;
  }

  private static ActivationResult activate(StorePath system, ActivationMode mode, String name) {
    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      return activator(t, host, ssh, SandboxUsers.ADMIN, DeployListener.NONE)
          .activate(system, ActivationOptions.builder().mode(mode).systemName(name).build());
    }
  }

  private static String running() {
    return host.exec("readlink", "-f", "/run/current-system").orThrow().stdout().strip();
  }

  private static ActivationResult.Rollback rollbackOf(Throwable e) {
    return ((ActivationException) e).result().orElseThrow().rollback().orElseThrow();
  }

  @Test
  void afterABootDeployNotRebootedIntoAFailedSwitchBringsBackWhatRunsAndKeepsTheBootDefault() {
    String seed = seed("boot-only");
    StorePath runs = system(seed + "-runs", FakeSystem.WORKING);
    StorePath boots = system(seed + "-boots", FakeSystem.WORKING);
    StorePath bad = system(seed + "-bad", FakeSystem.FAILING);
    activate(runs, ActivationMode.SWITCH, seed);
    activate(boots, ActivationMode.BOOT, seed);
    assertThat(running()).isEqualTo(runs.path());

    assertThatThrownBy(() -> activate(bad, ActivationMode.SWITCH, seed))
        .isInstanceOf(ActivationException.class)
        .satisfies(e -> {
          assertThat(rollbackOf(e).system()).hasValue(runs);
          assertThat(rollbackOf(e).generation()).hasValue(2);
          assertThat(rollbackOf(e).succeeded()).isTrue();
        });

    assertThat(running()).isEqualTo(runs.path());
    assertThat(target(host, PROFILES + seed)).isEqualTo(boots.path());
    assertThat(actionsOf(host, runs)).containsExactly("switch", "test");
    assertThat(actionsOf(host, boots)).containsExactly("boot", "boot");
    assertThat(actionsOf(host, bad)).containsExactly("switch");
  }

  @Test
  void aFailedFirstSwitchOfANewProfileBringsBackWhatRunsAndRemovesTheProfile() {
    String seed = seed("first");
    StorePath runs = system(seed + "-runs", FakeSystem.WORKING);
    StorePath bad = system(seed + "-bad", FakeSystem.FAILING);
    activate(runs, ActivationMode.SWITCH, seed + "-other");

    assertThatThrownBy(() -> activate(bad, ActivationMode.SWITCH, seed))
        .isInstanceOf(ActivationException.class)
        .satisfies(e -> {
          assertThat(rollbackOf(e).system()).hasValue(runs);
          assertThat(rollbackOf(e).generation()).isEmpty();
          assertThat(rollbackOf(e).succeeded()).isTrue();
        });

    assertThat(running()).isEqualTo(runs.path());
    assertThat(target(host, PROFILES + seed)).isEmpty();
    assertThat(host.exec("test", "-L", PROFILES + seed + "-1-link").succeeded()).as("generation 1 is gone").isFalse();
    assertThat(actionsOf(host, runs)).containsExactly("switch", "switch");
  }

  @Test
  void aLockOutOnTheFirstDeployOfANewProfileIsRolledBackByTheHostToWhatRuns() {
    String seed = seed("first-lockout");
    StorePath runs = system(seed + "-runs", FakeSystem.WORKING);
    StorePath locking = system(seed + "-locking", FakeSystem.LOCKING_OUT_DEPLOY);
    activate(runs, ActivationMode.SWITCH, seed + "-other");
    ActivationOptions options = ActivationOptions.builder().systemName(seed)
        .confirmTimeout(Duration.ofSeconds(3)).build();

    try (Transport t = connect(host, ssh, SandboxUsers.DEPLOY)) {
      assertThatThrownBy(() -> activator(t, host, ssh, SandboxUsers.DEPLOY, DeployListener.NONE)
          .activate(locking, options))
          .isInstanceOf(ActivationException.class)
          .hasMessageContaining("rolled itself back")
          .satisfies(e -> {
            assertThat(rollbackOf(e).reason()).contains("not confirmed");
            assertThat(rollbackOf(e).system()).hasValue(runs);
          });
    }

    assertThat(running()).isEqualTo(runs.path());
    assertThat(target(host, PROFILES + seed)).isEmpty();
    assertThat(actionsOf(host, runs)).containsExactly("switch", "switch");
    try (Transport again = connect(host, ssh, SandboxUsers.DEPLOY)) {
      assertThat(again.run(Command.of("true")).succeeded()).isTrue();
    }
  }
}
