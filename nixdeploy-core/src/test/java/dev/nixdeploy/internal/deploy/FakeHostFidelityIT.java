package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import dev.nixdeploy.testing.FakeNixHost;
import dev.nixdeploy.testing.Sudo;
import dev.nixdeploy.testing.SwitchBehaviour;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake Nix host of nixdeploy-testing held to the real thing: each scenario runs the real deployer
 * once against a {@link FakeNixHost} and once against a sandbox host (real sshd, nix-daemon and sudo),
 * both from this machine's store, and must give the same outcome: what was sent, the key changes, the
 * activation's result, what the host holds afterwards, and for a failure the same exception types,
 * hosts and messages. Each scenario gets a fresh fake host and a sandbox host of its own; the fake
 * host has the sandbox host's name, so that messages can be compared as they are. What differs by
 * nature is normalised away: the random part of key names and the key material, durations.
 */
@SandboxTest(hosts = 5)
class FakeHostFidelityIT {
  private static SandboxHosts hosts;

  @TempDir Path dir;
  private int sides;

  @BeforeAll
  static void start(SandboxHosts sandbox) {
    hosts = sandbox;
  }

  private static String seed(String what) {
    return "fidelity-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** One side of the comparison: a sandbox host, or a fake host with the same name. */
  private abstract class Side {
    final SandboxHost real;
    final String label;

    Side(SandboxHost real, String label) {
      this.real = real;
      this.label = label + "-" + (++sides);
    }

    String target(String user) {
      return real.destination(user);
    }

    /** A deployer reaching this side, with a signing key of this side's own (generated on first use). */
    abstract Deployer.Builder deployer();

    Path keyFile() {
      return dir.resolve(label).resolve("signing-key.sec");
    }

    abstract boolean isValid(StorePath path);

    abstract List<String> trustLines();

    abstract String profile(String profile);

    abstract String currentSystem();

    /** @return a listener for the copy; the connection of {@code user} drops after {@code paths} paths */
    abstract DeployListener losingConnectionAfter(int paths, String user);

    /** Prepares the next switch to a failing system: the fake is told, the real system just fails. */
    abstract void nextSwitchFails(int exitCode);
  }

  private final class RealSide extends Side {
    RealSide(SandboxHost host) {
      super(host, "real");
    }

    @Override
    Deployer.Builder deployer() {
      return Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(keyFile());
    }

    @Override
    boolean isValid(StorePath path) {
      return real.isValid(path);
    }

    @Override
    List<String> trustLines() {
      return real.exec("cat", "/etc/nix/nix.conf").orThrow().stdout().lines()
          .filter(l -> l.startsWith("extra-trusted-public-keys")).map(FakeHostFidelityIT::normalise).toList();
    }

    @Override
    String profile(String profile) {
      ExecResult exists = real.exec("test", "-e", profile);
      return exists.succeeded() ? real.exec("readlink", "-f", profile).orThrow().stdout().strip() : "";
    }

    @Override
    String currentSystem() {
      return profile("/run/current-system");
    }

    @Override
    DeployListener losingConnectionAfter(int paths, String user) {
      return new DeployListener() {
        private int copied;

        @Override
        public synchronized void pathCopied(String host, PathInfo path) {
          if (++copied == paths) {
            ExecResult killed = real.exec("pkill", "-KILL", "-f", "^sshd: " + user + "[@ ]");
            assertThat(killed.exitCode()).as("pkill found a session of %s: %s", user, killed).isZero();
          }
        }
      };
    }

    @Override
    void nextSwitchFails(int exitCode) {
      assertThat(exitCode).as("what a FAILING fake system exits with").isEqualTo(FakeSystem.FAILING.exitCode());
    }
  }

  private final class FakeSide extends Side {
    private final Map<String, FakeNixHost> byUser = new HashMap<>();

    FakeSide(SandboxHost host) {
      super(host, "fake");
    }

    /** The fake of the sandbox host as {@code user} logs in to it: sudo as SandboxUsers describes. */
    FakeNixHost host(String user) {
      return byUser.computeIfAbsent(user, u -> FakeNixHost.builder(real.destination(u)).sudo(switch (u) {
        case SandboxUsers.ADMIN -> Sudo.withoutPassword();
        case SandboxUsers.OPERATOR -> Sudo.withPassword(SandboxUsers.OPERATOR_PASSWORD);
        default -> Sudo.refused();
      }).build());
    }

    private FakeNixHost only() {
      assertThat(byUser).as("a scenario logs in as one user").hasSize(1);
      return byUser.values().iterator().next();
    }

    @Override
    Deployer.Builder deployer() {
      return Deployer.builder().signingKeyFile(keyFile()).transports(target -> host(target.user().orElse("root"))
          .connect());
    }

    @Override
    boolean isValid(StorePath path) {
      return only().isValid(path);
    }

    @Override
    List<String> trustLines() {
      return only().nixConf().lines().filter(l -> l.startsWith("extra-trusted-public-keys"))
          .map(FakeHostFidelityIT::normalise).toList();
    }

    @Override
    String profile(String profile) {
      return only().profile(profile).map(StorePath::path).orElse("");
    }

    @Override
    String currentSystem() {
      return only().currentSystem().map(StorePath::path).orElse("");
    }

    @Override
    DeployListener losingConnectionAfter(int paths, String user) {
      host(user).dropConnectionAfterPaths(paths);
      return DeployListener.NONE;
    }

    @Override
    void nextSwitchFails(int exitCode) {
      only().whenSwitching(SwitchBehaviour.exit(exitCode));
    }
  }

  /** Runs a scenario on both sides (the real one first) and asserts that they tell the same story. */
  private void bothTellTheSame(int host, Function<Side, List<String>> scenario) throws Exception {
    SandboxHost sandbox = hosts.host(host);
    List<String> real = scenario.apply(new RealSide(sandbox));
    List<String> fake = scenario.apply(new FakeSide(sandbox));
    assertThat(fake).as("the fake host against sandbox host %s", sandbox.alias()).containsExactlyElementsOf(real);
  }

  @Test
  void theWholeChainThenASecondRunThatSendsNothing() throws Exception {
    StorePath system = SampleClosures.fakeSystem(seed("chain"), FakeSystem.WORKING);
    bothTellTheSame(0, side -> {
      Deployment plan = side.deployer().build().deployTo(side.target(SandboxUsers.ADMIN))
          .ensureKeys().copy(system);
      List<String> story = new ArrayList<>(describe(plan.activate()));
      story.add("valid " + side.isValid(system));
      story.add("trust " + side.trustLines());
      story.add("profile " + side.profile(ActivationOptions.SYSTEM_PROFILE));
      story.add("current " + side.currentSystem());
      story.add("--- again");
      story.addAll(describe(plan.activate()));
      story.add("trust " + side.trustLines());
      return story;
    });
  }

  @Test
  void anUntrustedUserWithoutKeysIsRefused() throws Exception {
    SampleClosures.Chain signed = SampleClosures.chain(seed("signed"));
    SampleClosures.Chain unsigned = SampleClosures.chain(seed("unsigned"));
    bothTellTheSame(1, side -> {
      List<String> story = new ArrayList<>();
      story.add("signed by an untrusted key:");
      story.addAll(failure(() -> side.deployer().build().deployTo(side.target(SandboxUsers.DEPLOY))
          .copy(signed.app()).deploy()));
      story.add("not signed:");
      story.addAll(failure(() -> side.deployer().noSign().build().deployTo(side.target(SandboxUsers.DEPLOY))
          .copy(unsigned.app()).deploy()));
      story.add("valid " + side.isValid(signed.libA()) + " " + side.isValid(unsigned.libA()));
      return story;
    });
  }

  @Test
  void sudoThatWantsAPasswordOrRefusesChangesNothing() throws Exception {
    bothTellTheSame(2, side -> {
      List<String> story = new ArrayList<>();
      story.add("operator without a password source:");
      story.addAll(failure(() -> side.deployer().build().deployTo(side.target(SandboxUsers.OPERATOR))
          .ensureKeys().deploy()));
      story.add("trust " + side.trustLines());
      story.add("operator with the password:");
      story.addAll(describe(side.deployer().sudoPasswords((h, u) -> SandboxUsers.OPERATOR_PASSWORD.toCharArray())
          .build().deployTo(side.target(SandboxUsers.OPERATOR)).ensureKeys().deploy()));
      story.add("trust " + side.trustLines());
      return story;
    });
    bothTellTheSame(2, side -> {
      List<String> story = new ArrayList<>();
      story.add("deploy, not in sudoers, with a new key:");
      story.addAll(failure(() -> side.deployer().build().deployTo(side.target(SandboxUsers.DEPLOY))
          .ensureKeys().deploy()));
      return story;
    });
  }

  @Test
  void aFailedSwitchIsRolledBack() throws Exception {
    String name = seed("rollback");
    StorePath good = SampleClosures.fakeSystem(name + "-good", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(name + "-bad", FakeSystem.FAILING);
    ActivationOptions options = ActivationOptions.builder().systemName("fidelity").build();
    bothTellTheSame(3, side -> {
      Deployer d = side.deployer().build();
      List<String> story = new ArrayList<>(describe(d.deployTo(side.target(SandboxUsers.ADMIN)).ensureKeys()
          .copy(good).activate(options)));
      side.nextSwitchFails(FakeSystem.FAILING.exitCode());
      story.add("--- the failing system");
      story.addAll(failure(() -> d.deployTo(side.target(SandboxUsers.ADMIN)).copy(bad).activate(options)));
      story.add("profile " + side.profile(ActivationOptions.SYSTEM_PROFILES_DIR + "/fidelity"));
      story.add("current " + side.currentSystem());
      return story;
    });
  }

  @Test
  void aConnectionLostMidCopyFailsAndTheRerunSendsTheRest() throws Exception {
    StorePath wide = SampleClosures.wide(seed("lost"), 400);
    bothTellTheSame(4, side -> {
      Deployer d = side.deployer().build();
      List<String> story = new ArrayList<>(describe(d.deployTo(side.target(SandboxUsers.ADMIN)).ensureKeys()
          .deploy()));
      DeployListener dropping = side.losingConnectionAfter(50, SandboxUsers.ADMIN);
      story.addAll(failure(() -> d.deployTo(side.target(SandboxUsers.ADMIN)).listener(dropping).copy(wide)
          .deploy()));
      // How many paths arrived before the drop depends on timing on a real host: the rerun sends the rest.
      DeploymentResult rerun = d.deployTo(side.target(SandboxUsers.ADMIN)).copy(wide).deploy();
      int sent = rerun.copy().orElseThrow().pathsSent();
      int present = rerun.copy().orElseThrow().alreadyPresent();
      story.add("rerun: total " + (sent + present) + ", sent some " + (sent > 0) + ", all there before "
          + (present >= 50) + ", top sent last " + rerun.copy().orElseThrow().sent().get(sent - 1).equals(wide));
      story.add("valid " + side.isValid(wide));
      return story;
    });
  }

  // ---- what the outcome says, without what differs by nature --------------------------------------

  private static List<String> describe(DeploymentResult r) {
    List<String> d = new ArrayList<>();
    d.add("deployment " + r.direction() + " " + r.host());
    r.keys().ifPresent(k -> {
      for (KeyExchangeResult.Change c : k.changes()) {
        d.add("key change " + c.kind() + " " + c.host() + " " + normalise(c.key().toString()));
      }
      k.notes().forEach(n -> d.add("key note " + normalise(n)));
    });
    r.copy().ifPresent(c -> d.add("copy sent " + c.sent() + " (" + c.bytesSent() + " bytes), already there "
        + c.alreadyPresent()));
    r.profile().ifPresent(p -> d.add("profile " + p));
    r.activation().ifPresent(a -> d.addAll(describe(a)));
    return d;
  }

  private static List<String> describe(ActivationResult a) {
    List<String> d = new ArrayList<>();
    d.add("activation " + a.host() + " " + a.system() + " " + a.mode() + " profile " + a.profile());
    d.add("  exit " + a.exitCode() + " " + a.outcome() + ", generation " + a.generationBefore() + " -> "
        + a.generationAfter() + ", confirmed " + a.confirmed() + ", rebooted " + a.rebooted());
    a.rollback().ifPresent(r -> d.add("  rollback " + r.reason() + ", generation " + r.generation()
        + ", system " + r.system() + ", exit " + r.exitCode()));
    a.output().forEach(line -> d.add("  | " + normalise(line)));
    return d;
  }

  private static List<String> failure(Runnable deployment) {
    Throwable thrown = catchThrowable(deployment::run);
    assertThat(thrown).as("the deployment fails").isInstanceOf(NixDeployException.class);
    List<String> d = new ArrayList<>();
    NixDeployException e = (NixDeployException) thrown;
    d.add("failed: " + e.getClass().getSimpleName() + " on " + e.host() + ", connection lost "
        + e.isConnectionLost());
    e.getMessage().lines().forEach(line -> d.add("  " + normalise(line)));
    for (Throwable c = e.getCause(); c instanceof NixDeployException && c != c.getCause(); c = c.getCause()) {
      d.add("  caused by " + c.getClass().getSimpleName() + " on " + ((NixDeployException) c).host());
    }
    return d;
  }

  /**
   * The random part of key names and the key material differ on every run, a real host has an address
   * (the fake has none), and where a connection drops mid-copy depends on timing; the rest must not.
   */
  static String normalise(String text) {
    return text.replaceAll("-nix-deploy-[0-9a-f]{8}", "-nix-deploy-XXXXXXXX")
        .replaceAll(":[A-Za-z0-9+/]{43}=", ":KEY")
        .replaceAll(" \\(127\\.0\\.0\\.1:[0-9]+\\)", "")
        .replaceAll("Failed adding /nix/store/[a-z0-9]{32}-sample-wide-[^ ]+ on", "Failed adding PATH on");
  }
}
