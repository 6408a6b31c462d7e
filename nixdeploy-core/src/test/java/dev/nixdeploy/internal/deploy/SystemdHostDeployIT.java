package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.LocalCommand;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxUsers;
import dev.nixdeploy.sandbox.SystemdHost;
import dev.nixdeploy.sandbox.SystemdHosts;
import dev.nixdeploy.sandbox.SystemdTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain against a host that boots systemd as PID 1 (Debian trixie: Nix 2.26, systemd 257): key
 * exchange with the real {@code systemctl restart nix-daemon}, a signed copy by an untrusted user, and
 * activations that take the {@code systemd-run} path (the activation and its watchdog each in a transient
 * unit of its own). The deploy user is a member of {@code nix-users} with passwordless sudo, as on a
 * Debian host set up for deployments. The tests share one host: each uses its own systems and profile
 * names, and first switches to a system of its own when it depends on what runs.
 */
@SystemdTest
class SystemdHostDeployIT {
  private static final String PROFILES = ActivationOptions.SYSTEM_PROFILES_DIR + "/";
  private static SystemdHosts hosts;
  private static SystemdHost host;
  private static Deployer deployer;
  private static Path keys;

  @BeforeAll
  static void setUp(SystemdHosts sandbox, @TempDir Path dir) {
    hosts = sandbox;
    host = hosts.host(0);
    keys = dir;
    allowSudo(SandboxUsers.DEPLOY);
    deployer = deployerWithNewKey("systemd-it");
    deployer.deployTo(host.destination(SandboxUsers.DEPLOY)).ensureKeys().deploy();
  }

  private static void allowSudo(String user) {
    host.exec("sh", "-c", "echo \"$1 ALL=(ALL:ALL) NOPASSWD: ALL\" > /etc/sudoers.d/$1 && chmod 0440 /etc/sudoers.d/$1",
        "sh", user).orThrow();
  }

  private static Deployer deployerWithNewKey(String prefix) {
    String name = seed(prefix);
    Path key = keys.resolve(name + ".sec");
    SigningKeyPair.generate(name).store(key, keys.resolve(name + ".pub"));
    return Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key).build();
  }

  private static String seed(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static DeploymentResult deploy(StorePath system, ActivationOptions options) {
    return deployer.deployTo(host.destination(SandboxUsers.DEPLOY)).copy(system).activate(options);
  }

  private static ActivationOptions.Builder named(String name) {
    return ActivationOptions.builder().systemName(name);
  }

  private static String target(String link) {
    var r = host.exec("readlink", "-e", link);
    return r.succeeded() ? r.stdout().strip() : "";
  }

  private static String running() {
    return target("/run/current-system");
  }

  private static List<String> actionsOf(StorePath system) {
    return host.activations().stream().filter(a -> a.system().equals(system)).map(Activation::action).toList();
  }

  private static String daemonPid() {
    return host.exec("systemctl", "show", "-p", "MainPID", "--value", "nix-daemon.service").orThrow().stdout()
        .strip();
  }

  // What each run directory says it was started with, and the transient units systemd ran.
  private static List<String> launchers() {
    return host.exec("sh", "-c", "cat /run/nix-deploy/*/arguments | grep '^launcher='").orThrow().stdout()
        .lines().toList();
  }

  @Test
  void keysAreTrustedThroughTheRealSystemctlRestartAndTheSignedCopyLands() {
    Deployer fresh = deployerWithNewKey("keys");
    SampleClosures.Chain chain = SampleClosures.chain(seed("keys"));
    String pidBefore = daemonPid();

    DeploymentResult result = fresh.deployTo(host.destination(SandboxUsers.DEPLOY)).ensureKeys()
        .copy(chain.app()).deploy();

    assertThat(result.copy().orElseThrow().sent()).contains(chain.app());
    assertThat(chain.closure()).allMatch(host::isValid);
    assertThat(daemonPid()).isNotEqualTo(pidBefore).isNotEqualTo("0");
    assertThat(host.exec("systemctl", "is-active", "nix-daemon.service").stdout().strip()).isEqualTo("active");
    assertThat(host.exec("cat", "/etc/nix/nix.conf").orThrow().stdout()).contains("extra-trusted-public-keys");
    assertThat(host.exec("journalctl", "-b", "--no-pager", "-u", "nix-daemon.service").orThrow().stdout())
        .contains("Stopping nix-daemon.service");
  }

  @Test
  void aDeployUserOutsideNixUsersIsToldWhyTheDaemonRefusesItAndWhatToDo() {
    String outsider = "outsider";
    if (!host.exec("id", outsider).succeeded()) {
      host.exec("useradd", "-m", "-U", "-s", "/bin/bash", "-p", "*", outsider).orThrow();
      allowSudo(outsider);
    }
    SampleClosures.Chain chain = SampleClosures.chain(seed("outsider"));

    // The copy (its key is trusted already), and a key exchange that restarts the daemon.
    assertThatThrownBy(() -> deployer.deployTo(host.destination(outsider)).copy(chain.app()).deploy())
        .isInstanceOf(NixDeployException.class)
        .hasMessageContaining("The nix-daemon on systemd-0 refuses outsider")
        .hasMessageContaining("the group nix-users")
        .hasMessageContaining("sudo usermod -a -G nix-users outsider");
    assertThatThrownBy(() -> deployerWithNewKey("outsider").deployTo(host.destination(outsider)).ensureKeys()
        .deploy())
        .isInstanceOf(KeyExchangeException.class)
        .hasMessageContaining("The nix-daemon on systemd-0 refuses outsider")
        .hasMessageContaining("sudo usermod -a -G nix-users outsider");
    assertThat(host.isValid(chain.app())).isFalse();
  }

  @Test
  void switchBootTestAndDryActivateRunInTransientUnits() {
    String name = seed("modes");
    StorePath a = SampleClosures.fakeSystem(name + "-a", FakeSystem.WORKING);
    StorePath b = SampleClosures.fakeSystem(name + "-b", FakeSystem.WORKING);
    StorePath c = SampleClosures.fakeSystem(name + "-c", FakeSystem.WORKING);

    ActivationResult switched = deploy(a, named(name).build()).activation().orElseThrow();
    ActivationResult booted = deploy(b, named(name).mode(ActivationMode.BOOT).build()).activation().orElseThrow();
    assertThat(running()).isEqualTo(a.path());
    ActivationResult tested = deploy(c, named(name).mode(ActivationMode.TEST).build()).activation().orElseThrow();
    assertThat(running()).isEqualTo(c.path());
    ActivationResult dry = deploy(a, named(name).mode(ActivationMode.DRY_ACTIVATE).build()).activation()
        .orElseThrow();

    assertThat(switched.succeeded()).isTrue();
    assertThat(switched.confirmed()).isTrue();
    assertThat(switched.generationAfter()).hasValue(1);
    assertThat(booted.succeeded()).isTrue();
    assertThat(booted.generationAfter()).hasValue(2);
    assertThat(tested.succeeded()).isTrue();
    assertThat(tested.profile()).isEmpty();
    assertThat(dry.succeeded()).isTrue();
    assertThat(target(PROFILES + name)).isEqualTo(b.path());
    assertThat(running()).isEqualTo(c.path());
    assertThat(actionsOf(a)).containsExactly("switch", "dry-activate");
    assertThat(actionsOf(b)).containsExactly("boot");
    assertThat(actionsOf(c)).containsExactly("test");
    assertThat(host.activations()).filteredOn(x -> x.system().equals(a)).allMatch(x -> x.user().equals("root"));
    assertThat(launchers()).isNotEmpty().containsOnly("launcher=systemd-run");
    String journal = host.exec("journalctl", "-b", "--no-pager", "-o", "cat").orThrow().stdout();
    assertThat(journal).contains("nix-deploy-activation-").contains("nix-deploy-watchdog-");
    assertThat(journal).doesNotContain("Referenced but unset environment variable")
        .doesNotContain("Invalid environment variable name");
  }

  @Test
  void aFailedSwitchIsRolledBackToWhatWasRunning() {
    String name = seed("fail");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    deploy(good, named(name).build());

    assertThatThrownBy(() -> deploy(bad, named(name).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("failed with exit code 2")
        .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 1)");
    assertThat(target(PROFILES + name)).isEqualTo(good.path());
    assertThat(running()).isEqualTo(good.path());
    assertThat(actionsOf(good)).containsExactly("switch", "switch");
  }

  @Test
  void aSwitchWhoseActivationRestartsSshdAndKillsEverySessionCompletesAndIsReported() {
    String name = seed("sshd");
    StorePath system = SshdRestartingSystem.build(name);

    ActivationResult r = deploy(system, named(name).build()).activation().orElseThrow();

    assertThat(r.succeeded()).isTrue();
    assertThat(r.confirmed()).isTrue();
    assertThat(r.output()).anyMatch(l -> l.contains("sshd restarted"));
    assertThat(host.exec("cat", "/run/" + name + ".done").orThrow().stdout().strip()).isEqualTo("switch");
    assertThat(target(PROFILES + name)).isEqualTo(system.path());
    assertThat(running()).isEqualTo(system.path());
  }

  @Test
  void aSystemThatLocksTheDeployUserOutIsRolledBackByTheHost() {
    String name = seed("lockout");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath locking = SampleClosures.fakeSystem(name + "-locking", FakeSystem.LOCKING_OUT_DEPLOY);
    ActivationOptions options = named(name).confirmTimeout(Duration.ofSeconds(3)).build();
    deploy(good, options);

    assertThatThrownBy(() -> deploy(locking, options))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("rolled itself back")
        .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 1)")
        .satisfies(e -> assertThat(((ActivationException) e).result().orElseThrow().confirmed()).isFalse());
    assertThat(target(PROFILES + name)).isEqualTo(good.path());
    assertThat(running()).isEqualTo(good.path());
    assertThat(actionsOf(good)).containsExactly("switch", "switch");
    assertThat(host.ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();
  }

  @Test
  void aFailingSwitchAfterABootOnlyDeployBringsBackWhatRanNotTheBootOnlySystem() {
    String name = seed("bootonly");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bootOnly = SampleClosures.fakeSystem(name + "-boot", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    deploy(good, named(name).build());
    deploy(bootOnly, named(name).mode(ActivationMode.BOOT).build());

    assertThatThrownBy(() -> deploy(bad, named(name).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 2)");
    assertThat(running()).isEqualTo(good.path());
    assertThat(target(PROFILES + name)).isEqualTo(bootOnly.path());
    assertThat(actionsOf(good)).containsExactly("switch", "test");
    assertThat(actionsOf(bootOnly)).containsExactly("boot", "boot");
  }

  @Test
  void aFailingFirstDeployOfAFreshProfileIsRolledBackToWhatWasRunning() {
    String name = seed("fresh");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    deploy(good, named(name + "-other").build());

    assertThatThrownBy(() -> deploy(bad, named(name).build()))
        .isInstanceOf(ActivationException.class)
        .hasMessageContaining("Rolled back: " + good.path() + " is active again")
        .hasMessageContaining("had no generation before and has none again");
    assertThat(running()).isEqualTo(good.path());
    assertThat(host.exec("test", "-e", PROFILES + name).succeeded()).isFalse();
    assertThat(actionsOf(good)).containsExactly("switch", "switch");
  }

  @Test
  void aBootDeployWithRebootRebootsTheHostIntoTheNewSystem() {
    StorePath system = SampleClosures.fakeSystem(seed("reboot"), FakeSystem.WORKING);
    int boots = host.boots().size();

    ActivationResult r = deploy(system, ActivationOptions.builder().mode(ActivationMode.BOOT).reboot(true)
        .build()).activation().orElseThrow();

    assertThat(r.rebooted()).isTrue();
    assertThat(host.boots()).hasSize(boots + 1).last().isEqualTo(system.path());
    assertThat(target("/run/booted-system")).isEqualTo(system.path());
    assertThat(target(ActivationOptions.SYSTEM_PROFILE)).isEqualTo(system.path());
    assertThat(actionsOf(system)).containsExactly("boot");
    assertThat(LocalCommand.of("true").run().succeeded()).isTrue();
  }
}
