package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.internal.activation.SlowSystem;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the middle of a deployment, on real hosts: the target's nix-daemon killed mid-copy, the
 * target's store on a full disk, the deploying process killed with {@code kill -9} mid-copy and
 * mid-activation. After each the target's store passes {@code nix-store --verify --check-contents}, its
 * profile and nix.conf are as before or as after the deployment (never in between), and a re-run
 * completes. Every deployment is signed, as {@code admin} (an untrusted Nix user with sudo): the key
 * exchange edits nix.conf and restarts the daemon, and the profile is set as root.
 *
 * <p>(A connection dropped while activating is {@code ActivatorIT.theActivationRunsOnWhenSshdAndEverySession
 * DieMidway} and {@code ActivationSafetyIT.aDropLongAfterTheActivationStartedIsStillRetried}.)
 */
@SandboxTest(hosts = 2)
class DeployFaultsIT {
  private static final String USER = SandboxUsers.ADMIN;
  private static final String PROFILES = ActivationOptions.SYSTEM_PROFILES_DIR;
  private static SandboxHosts hosts;
  /** Its store is the machine's disk. */
  private static SandboxHost host;
  /** Its store is a small tmpfs. */
  private static SandboxHost small;
  @TempDir static Path dir;
  private static Path signingKey;

  @BeforeAll
  static void start(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    small = hosts.host(1);
    signingKey = dir.resolve("signing-key.sec");
    SigningKeyPair.generate("faults-it-" + UUID.randomUUID()).store(signingKey, dir.resolve("signing-key.pub"));
    // The store is empty yet: a tmpfs over it, with the directory's own owner and mode.
    String mode = small.exec("stat", "-c", "%a:%U:%G", "/nix/store").orThrow().stdout().strip();
    String[] m = mode.split(":");
    small.exec("mount", "-t", "tmpfs", "-o", "size=8m,mode=" + m[0], "tmpfs", "/nix/store").orThrow();
    small.exec("chown", m[1] + ":" + m[2], "/nix/store").orThrow();
  }

  private static String seed(String prefix) {
    return "faults-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Deployer deployer(DeployListener listener) {
    return Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(signingKey).listener(listener).build();
  }

  private static Deployment copyWithProfile(SandboxHost h, StorePath root, String profile, DeployListener l) {
    return deployer(l).deployTo(h.destination(USER)).ensureKeys().copy(root).profile(profile, PROFILES, RunAs.ROOT);
  }

  /** What a deployment may change on a host: nix.conf and one profile. */
  record HostState(String nixConf, String profile) {
    static HostState of(SandboxHost h, String profile) {
      String conf = h.exec("cat", "/etc/nix/nix.conf").orThrow().stdout();
      ExecResult link = h.exec("readlink", "-f", PROFILES + "/" + profile);
      boolean exists = h.exec("test", "-e", PROFILES + "/" + profile).succeeded();
      return new HostState(conf, exists ? link.stdout().strip() : "");
    }
  }

  private static void assertStoreClean(SandboxHost h) {
    ExecResult verify = h.exec("nix-store", "--verify", "--check-contents");
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.stderr()).doesNotContain("error", "invalid", "modified", "corrupt");
  }

  /**
   * After a fault: the store checks clean; {@code rerun} completes, setting the profile to {@code system}
   * on a clean store; and the fault left nix.conf and the profile each as before or as after.
   *
   * @return what the fault left
   */
  private static HostState assertConsistentAndRerunCompletes(SandboxHost h, String profile, HostState before,
      StorePath system, Runnable rerun) {
    assertStoreClean(h);
    HostState failed = HostState.of(h, profile);
    rerun.run();
    HostState done = HostState.of(h, profile);
    assertThat(done.profile()).isEqualTo(system.path());
    assertStoreClean(h);
    assertThat(failed.nixConf()).as("nix.conf after the fault").isIn(before.nixConf(), done.nixConf());
    assertThat(failed.profile()).as("the profile after the fault").isIn(before.profile(), done.profile());
    return failed;
  }

  @Test
  void theTargetsNixDaemonKilledMidCopyFailsClearlyAndARerunCompletes() {
    String seed = seed("daemon");
    StorePath root = SampleClosures.wide(seed, 300);
    HostState before = HostState.of(host, seed);
    int killAfter = 40;
    DeployListener killer = new DeployListener() {
      private int copied;

      @Override
      public void pathCopied(String h, PathInfo path) {
        if (++copied == killAfter) {
          host.exec("systemctl", "kill", "nix-daemon").orThrow();
        }
      }
    };

    NixDeployException failure = catchThrowableOfType(NixDeployException.class,
        () -> copyWithProfile(host, root, seed, killer).deploy());

    assertThat(failure).as("the copy fails once the daemon is gone").isNotNull();
    assertThat(failure).hasMessageContaining(host.destination(USER));
    host.exec("systemctl", "start", "nix-daemon").orThrow();
    HostState failed = assertConsistentAndRerunCompletes(host, seed, before, root,
        () -> copyWithProfile(host, root, seed, DeployListener.NONE).deploy());
    assertThat(failed.profile()).isEmpty();
  }

  @Test
  void aFullStoreOnTheTargetFailsClearlyAndARerunCompletesOnceThereIsRoom() {
    String seed = seed("full");
    StorePath root = SampleClosures.ofSize(seed, 16);
    HostState before = HostState.of(small, seed);

    NixDeployException failure = catchThrowableOfType(NixDeployException.class,
        () -> copyWithProfile(small, root, seed, DeployListener.NONE).deploy());

    assertThat(failure).as("the copy fails on a full disk").isNotNull();
    assertThat(failure).hasMessageContaining(small.destination(USER)).hasMessageContaining("No space left on device");
    assertThat(small.isValid(root)).isFalse();
    small.exec("mount", "-o", "remount,size=256m", "/nix/store").orThrow();
    HostState failed = assertConsistentAndRerunCompletes(small, seed, before, root,
        () -> copyWithProfile(small, root, seed, DeployListener.NONE).deploy());
    assertThat(failed.profile()).isEmpty();
  }

  @Test
  void theDeployerKilledMidCopyLeavesTheTargetConsistentAndNoSessionBehind() throws Exception {
    String seed = seed("kill-copy");
    StorePath root = SampleClosures.wide(seed, 300);
    HostState before = HostState.of(host, seed);

    String last = runAndKill(line -> line.equals("copied 40"), root.path(), seed);

    assertThat(last).isEqualTo("copied 40");
    awaitNoProcess(host, "nix-store --serve");
    HostState failed = assertConsistentAndRerunCompletes(host, seed, before, root,
        () -> copyWithProfile(host, root, seed, DeployListener.NONE).deploy());
    assertThat(failed.profile()).isEmpty();
  }

  @Test
  void theDeployerKilledMidActivationIsRolledBackByTheHostAndARerunCompletes() throws Exception {
    String seed = seed("kill-activation");
    StorePath good = SampleClosures.fakeSystem(seed + "-good", FakeSystem.WORKING);
    deployer(DeployListener.NONE).deployTo(host.destination(USER)).ensureKeys().copy(good)
        .activate(ActivationOptions.builder().mode(ActivationMode.SWITCH).systemName(seed).build());
    StorePath slow = SlowSystem.build(seed, 2, 1);
    HostState before = HostState.of(host, seed);
    assertThat(before.profile()).isEqualTo(good.path());

    String last = runAndKill(line -> line.contains("slow activation starts"), slow.path(), seed, "switch", "3");

    assertThat(last).contains("slow activation starts");
    // The activation runs on without the deployer, then its watchdog, unconfirmed, rolls back.
    awaitNoProcess(host, "activate.sh");
    assertThat(host.exec("cat", "/run/" + seed + ".done").orThrow().stdout().strip()).isEqualTo("switch");
    assertThat(host.exec("readlink", "-f", "/run/current-system").orThrow().stdout().strip())
        .isEqualTo(good.path());
    HostState failed = assertConsistentAndRerunCompletes(host, seed, before, slow,
        () -> deployer(DeployListener.NONE).deployTo(host.destination(USER)).ensureKeys().copy(slow)
            .activate(ActivationOptions.builder().mode(ActivationMode.SWITCH).systemName(seed).build()));
    assertThat(failed).isEqualTo(before);
  }

  /**
   * Runs {@link DeployMain} in a JVM of its own and kills it with SIGKILL at the first line of its output
   * that {@code killAt} accepts.
   *
   * @return that line, or the last line if it never came
   */
  private static String runAndKill(Predicate<String> killAt, String... args) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        DeployMain.class.getName(), host.destination(USER), hosts.sshConfig().toString(),
        hosts.identityFile().toString(), signingKey.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        output.append(line).append('\n');
        last = line;
        if (killAt.test(line)) {
          p.destroyForcibly();
          break;
        }
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("killed by SIGKILL; output:%n%s", output).isEqualTo(128 + 9);
    return last;
  }

  /** Waits (up to two minutes) until no process on the host has {@code pattern} in its command line. */
  private static void awaitNoProcess(SandboxHost h, String pattern) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    ExecResult found = h.exec("pgrep", "-a", "-f", pattern);
    while (found.succeeded() && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      found = h.exec("pgrep", "-a", "-f", pattern);
    }
    assertThat(found.succeeded()).as("still running on the host: %s", found.stdout()).isFalse();
  }
}
