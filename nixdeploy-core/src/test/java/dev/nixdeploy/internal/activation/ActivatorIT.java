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
import dev.nixdeploy.ActivationResult.Outcome;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activating fake NixOS systems on a sandbox host over ssh, as admin (passwordless sudo). */
@SandboxTest
class ActivatorIT {
  private static final String PROFILES = ActivationOptions.SYSTEM_PROFILES_DIR + "/";
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
  }

  private static StorePath system(String seed, FakeSystem kind) {
    StorePath system = SampleClosures.fakeSystem(seed, kind);
    copyAsRoot(host, ssh, system);
    return system;
  }

  private static ActivationResult activate(StorePath system, ActivationOptions options,
      DeployListener listener) {
    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      return activator(t, host, ssh, SandboxUsers.ADMIN, listener).activate(system, options);
    }
  }

  private static ActivationResult activate(StorePath system, ActivationOptions options) {
    return activate(system, options, DeployListener.NONE);
  }

  private static ActivationOptions.Builder switchOf(String name) {
    return ActivationOptions.builder().mode(ActivationMode.SWITCH).systemName(name);
  }

  @Test
  void switchSetsTheProfileThenActivatesOnceAndIsConfirmed() {
    String seed = seed("switch");
    StorePath first = system(seed + "-a", FakeSystem.WORKING);
    StorePath second = system(seed + "-b", FakeSystem.WORKING);
    List<String> lines = new CopyOnWriteArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void activationOutput(String h, String line) {
        lines.add(line);
      }
    };

    ActivationResult a = activate(first, switchOf(seed).build(), listener);
    ActivationResult b = activate(second, switchOf(seed).installBootloader(true).build());

    assertThat(a.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(a.succeeded()).isTrue();
    assertThat(a.confirmed()).isTrue();
    assertThat(a.generationBefore()).isEmpty();
    assertThat(a.generationAfter()).hasValue(1);
    assertThat(b.generationBefore()).hasValue(1);
    assertThat(b.generationAfter()).hasValue(2);
    assertThat(b.profile()).hasValue(PROFILES + seed);
    assertThat(target(host, PROFILES + seed)).isEqualTo(second.path());
    assertThat(host.exec("nix-env", "-p", PROFILES + seed, "--list-generations").orThrow().stdout().lines())
        .hasSize(2);
    assertThat(actionsOf(host, first)).containsExactly("switch");
    assertThat(actionsOf(host, second)).containsExactly("switch");
    Activation run = host.activations().stream().filter(x -> x.system().equals(second)).findFirst()
        .orElseThrow();
    assertThat(run.user()).isEqualTo("root");
    assertThat(run.installBootloader()).isTrue();
    assertThat(lines).anyMatch(l -> l.contains("switch-to-configuration switch"));
    assertThat(a.output()).anyMatch(l -> l.contains("setting profile"));
  }

  @Test
  void testAndDryActivateLeaveEveryProfileAlone() {
    String seed = seed("test");
    StorePath system = system(seed, FakeSystem.WORKING);

    ActivationResult test = activate(system, switchOf(seed).mode(ActivationMode.TEST).build());
    ActivationResult dry = activate(system, switchOf(seed).mode(ActivationMode.DRY_ACTIVATE).build());

    assertThat(test.succeeded()).isTrue();
    assertThat(test.profile()).isEmpty();
    assertThat(test.confirmed()).isFalse();
    assertThat(dry.succeeded()).isTrue();
    assertThat(target(host, PROFILES + seed)).isEmpty();
    assertThat(actionsOf(host, system)).containsExactly("test", "dry-activate");
  }

  @Test
  void aFailedSwitchReturnsToThePreviousGenerationAndSystem() {
    String seed = seed("fail");
    StorePath good = system(seed + "-good", FakeSystem.WORKING);
    StorePath bad = system(seed + "-bad", FakeSystem.FAILING);
    activate(good, switchOf(seed).build());
    List<ActivationResult.Rollback> rollbacks = new CopyOnWriteArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void rolledBack(String h, ActivationResult.Rollback r) {
        rollbacks.add(r);
      }
    };

    assertThatThrownBy(() -> activate(bad, switchOf(seed).build(), listener))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("failed with exit code 2")
        .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 1)")
        .satisfies(e -> {
          ActivationResult r = ((ActivationException) e).result().orElseThrow();
          assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
          assertThat(r.exitCode()).isEqualTo(2);
          assertThat(r.generationAfter()).hasValue(2);
          assertThat(r.rollback().orElseThrow().generation()).hasValue(1);
          assertThat(r.rollback().orElseThrow().system()).hasValue(good);
          assertThat(r.rollback().orElseThrow().succeeded()).isTrue();
          assertThat(r.summary()).contains("rolled back");
        });
    assertThat(target(host, PROFILES + seed)).isEqualTo(good.path());
    assertThat(actionsOf(host, good)).containsExactly("switch", "switch");
    assertThat(actionsOf(host, bad)).containsExactly("switch");
    assertThat(rollbacks).hasSize(1);
  }

  @Test
  void aFailedTestReTestsThePreviousSystemAndLeavesTheProfile() {
    String seed = seed("failtest");
    StorePath good = system(seed + "-good", FakeSystem.WORKING);
    StorePath bad = system(seed + "-bad", FakeSystem.FAILING);
    activate(good, switchOf(seed).build());

    assertThatThrownBy(() -> activate(bad, switchOf(seed).mode(ActivationMode.TEST).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("Rolled back");
    assertThat(target(host, PROFILES + seed)).isEqualTo(good.path());
    assertThat(actionsOf(host, good)).containsExactly("switch", "test");
  }

  @Test
  void withoutAutomaticRollbackAFailureStaysOnTheNewSystem() {
    String seed = seed("norollback");
    StorePath good = system(seed + "-good", FakeSystem.WORKING);
    StorePath bad = system(seed + "-bad", FakeSystem.FAILING);
    activate(good, switchOf(seed).build());

    assertThatThrownBy(() -> activate(bad, switchOf(seed).autoRollback(false).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("Automatic rollback is off");
    assertThat(target(host, PROFILES + seed)).isEqualTo(bad.path());
    assertThat(actionsOf(host, good)).containsExactly("switch");
  }

  @Test
  void someFailedUnitsAreAWarningUnlessAskedToFail() {
    String seed = seed("partial");
    StorePath good = system(seed + "-good", FakeSystem.WORKING);
    StorePath partial = system(seed + "-partial", FakeSystem.PARTIALLY_FAILING);

    ActivationResult warned = activate(partial, switchOf(seed + "-warn").build());
    activate(good, switchOf(seed).build());

    assertThat(warned.outcome()).isEqualTo(Outcome.PARTIALLY_SUCCEEDED);
    assertThat(warned.succeeded()).isTrue();
    assertThat(warned.summary()).contains("some units failed");
    assertThat(target(host, PROFILES + seed + "-warn")).isEqualTo(partial.path());
    assertThatThrownBy(() -> activate(partial, switchOf(seed).failOnPartialSuccess(true).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("exit code 4")
        .hasMessageContaining("Rolled back");
    assertThat(target(host, PROFILES + seed)).isEqualTo(good.path());
  }

  @Test
  void exitCode100IsASuccessThatAsksForAReboot() {
    String seed = seed("reboot-needed");
    StorePath system = system(seed, FakeSystem.NEEDS_REBOOT);

    ActivationResult r = activate(system, switchOf(seed).build());

    assertThat(r.outcome()).isEqualTo(Outcome.REBOOT_REQUIRED);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.exitCode()).isEqualTo(100);
    assertThat(r.summary()).contains("a reboot is required");
    assertThat(target(host, PROFILES + seed)).isEqualTo(system.path());
  }

  @Test
  void aPathThatIsNoSystemIsRefusedBeforeAnythingChanges() {
    String seed = seed("nosystem");
    SampleClosures.Chain chain = SampleClosures.chain(seed);
    copyAsRoot(host, ssh, chain.app());
    String runsBefore = runDirectories();

    assertThatThrownBy(() -> activate(chain.app(), switchOf(seed).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("is not a NixOS system closure")
        .hasMessageContaining("Nothing was changed")
        .satisfies(e -> assertThat(((ActivationException) e).result()).isEmpty());
    assertThat(target(host, PROFILES + seed)).isEmpty();
    assertThat(runDirectories()).isEqualTo(runsBefore);
    assertThat(host.activations()).noneMatch(a -> a.system().equals(chain.app()));
  }

  private static String runDirectories() {
    return host.exec("sh", "-c", "ls -A /run/nix-deploy 2>/dev/null || true").orThrow().stdout();
  }

  @Test
  void theActivationRunsOnWhenSshdAndEverySessionDieMidway() throws Exception {
    String seed = seed("detached");
    StorePath slow = SlowSystem.build(seed);
    copyAsRoot(host, ssh, slow);
    AtomicBoolean killed = new AtomicBoolean();
    DeployListener killer = new DeployListener() {
      @Override
      public void activationOutput(String h, String line) {
        if (line.contains("switch-to-configuration switch") && killed.compareAndSet(false, true)) {
          host.stopSshd();
          host.startSshd();
        }
      }
    };

    ActivationResult r = activate(slow, switchOf(seed).build(), killer);

    assertThat(killed).isTrue();
    assertThat(r.succeeded()).isTrue();
    assertThat(r.confirmed()).isTrue();
    assertThat(r.output()).anyMatch(l -> l.contains("slow activation done"));
    assertThat(host.exec("cat", "/run/" + seed + ".done").orThrow().stdout().strip()).isEqualTo("switch");
  }

  @Test
  void rebootsIntoTheNewSystemAndWaitsForTheHost() {
    String seed = seed("reboot");
    StorePath system = system(seed, FakeSystem.WORKING);
    AtomicBoolean rebooting = new AtomicBoolean();
    DeployListener listener = new DeployListener() {
      @Override
      public void rebooting(String h) {
        rebooting.set(true);
      }
    };

    ActivationResult r = activate(system, ActivationOptions.builder().mode(ActivationMode.BOOT).reboot(true)
        .build(), listener);

    assertThat(rebooting).isTrue();
    assertThat(r.rebooted()).isTrue();
    assertThat(r.profile()).hasValue(ActivationOptions.SYSTEM_PROFILE);
    assertThat(target(host, ActivationOptions.SYSTEM_PROFILE)).isEqualTo(system.path());
    assertThat(host.reboots()).last().isEqualTo(system.path());
    assertThat(target(host, "/run/booted-system")).isEqualTo(system.path());
    assertThat(actionsOf(host, system)).containsExactly("boot");
  }
}
