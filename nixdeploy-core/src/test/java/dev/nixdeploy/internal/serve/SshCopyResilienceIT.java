package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real failures over real ssh: the target's sshd dies in the middle of a copy, and a JVM with 64 MiB of
 * heap copies a wide closure and a 200 MiB path.
 */
@SandboxTest
class SshCopyResilienceIT {
  private static final String DESTINATION = SandboxUsers.DEPLOY;
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;
  private static TestSigner signer;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
    signer = new TestSigner("failure-it-" + LocalNix.seed());
    host.exec("sh", "-c", "echo \"extra-trusted-public-keys = $1\" >> /etc/nix/nix.conf", "sh",
        signer.publicKeyText()).orThrow();
    host.restartNixDaemon();
  }

  private static CopyResult copy(CopyEngine engine, StorePath root) {
    try (LocalTransport local = LocalTransport.create();
        Transport remote = SshTransports.connect(Target.parse(host.destination(DESTINATION)), ssh);
        ServeClient from = ServeClient.open(local);
        ServeClient to = ServeClient.open(remote)) {
      return engine.copy(from, to, List.of(root));
    }
  }

  @Test
  void sshdKilledMidCopyFailsNamingTheHostAndTheRerunSendsOnlyWhatIsMissing() {
    StorePath root = SampleClosures.wide("kill-" + LocalNix.seed(), 400);
    List<StorePath> closure = LocalNix.closure(root);
    int killAfter = 50;
    DeployListener killer = new DeployListener() {
      private int copied;

      @Override
      public void pathCopied(String host, PathInfo path) {
        if (++copied == killAfter) {
          killSessionsOf(DESTINATION);
        }
      }
    };

    CopyFailedException failure = catchThrowableOfType(CopyFailedException.class,
        () -> copy(CopyEngine.builder().signer(signer).listener(killer).build(), root));

    assertThat(failure).as("the copy must fail once the session is killed").isNotNull();
    assertThat(failure.host()).isEqualTo(host.destination(DESTINATION));
    assertThat(failure).hasMessageContaining(host.destination(DESTINATION));
    Set<StorePath> validAfterFailure = validOnHost(closure);
    assertThat(validAfterFailure.size()).isBetween(killAfter, closure.size() - 1);
    assertStoreConsistent();

    CopyResult rerun = copy(CopyEngine.builder().signer(signer).build(), root);

    List<StorePath> missing = new ArrayList<>(closure);
    missing.removeAll(validAfterFailure);
    assertThat(rerun.sent()).containsExactlyInAnyOrderElementsOf(missing);
    assertThat(rerun.alreadyPresent()).isEqualTo(validAfterFailure.size());
    assertThat(validOnHost(closure)).hasSize(closure.size());
    assertStoreConsistent();
  }

  @Test
  void aJvmWith64MegabytesOfHeapCopiesAWideClosureAndA200MegabytePathThenANoOp() throws Exception {
    String seed = LocalNix.seed();
    StorePath wide = SampleClosures.wide("small-heap-" + seed);
    StorePath big = SampleClosures.ofSize("small-heap-" + seed, 200);
    int paths = LocalNix.closure(wide).size() + 1;
    String[] args = {"ssh", host.destination(SandboxUsers.ROOT), hosts.sshConfig().toString(),
        hosts.identityFile().toString(), wide.path(), big.path()};

    SmallHeapJvm.Result first = SmallHeapJvm.run("64m", CopyMain.class, args);

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("sent " + paths + " ");
    assertThat(host.isValid(wide)).isTrue();
    assertThat(host.isValid(big)).isTrue();
    ExecResult verify = host.exec("nix-store", "--verify-path", big.path());
    assertThat(verify.exitCode()).as(verify.toString()).isZero();

    SmallHeapJvm.Result again = SmallHeapJvm.run("64m", CopyMain.class, args);

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("sent 0 0 ");
    host.exec("nix-store", "--delete", big.path()).orThrow();
    LocalNix.run("nix-store", "--delete", big.path());
  }

  /** Kills the per-connection sshd processes of a user's sessions; the listening sshd stays up. */
  private static void killSessionsOf(String user) {
    ExecResult killed = host.exec("pkill", "-KILL", "-f", "^sshd: " + user + "[@ ]");
    assertThat(killed.exitCode()).as("pkill found a session of %s: %s", user, killed).isZero();
  }

  private static Set<StorePath> validOnHost(List<StorePath> paths) {
    List<String> argv = new ArrayList<>(List.of("nix-store", "--check-validity", "--print-invalid"));
    paths.forEach(p -> argv.add(p.path()));
    ExecResult r = host.exec(argv.toArray(String[]::new)).orThrow();
    Set<StorePath> valid = new HashSet<>(paths);
    r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).map(StorePath::parse)
        .forEach(valid::remove);
    return valid;
  }

  private static void assertStoreConsistent() {
    ExecResult verify = host.exec("nix-store", "--verify", "--check-contents");
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.stderr()).doesNotContain("error").doesNotContain("invalid").doesNotContain("modified");
  }
}
