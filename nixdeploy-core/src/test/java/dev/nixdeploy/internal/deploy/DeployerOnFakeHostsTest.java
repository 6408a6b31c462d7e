package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.KeyExchangeResult.ChangeKind;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Target;
import dev.nixdeploy.UntrustedSignatureException;
import dev.nixdeploy.testing.FakeNixHost;
import dev.nixdeploy.testing.Sudo;
import dev.nixdeploy.testing.SwitchBehaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real deployer, with all its steps, against the in-memory Nix hosts of nixdeploy-testing: the
 * transport seams carry every command, so nothing here needs SSH, Nix or root.
 */
class DeployerOnFakeHostsTest {
  @TempDir Path dir;

  private final FakeNixHost laptop = FakeNixHost.builder("local").user("alice").hostname("laptop").build();
  private final FakeNixHost web = FakeNixHost.builder("deploy@web-1").build();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private Deployer.Builder deployer() {
    return Deployer.builder().transports(web).localTransports(laptop).signingKeyFile(dir.resolve("key.sec"));
  }

  private DeployListener recorder() {
    return new DeployListener() {
      @Override
      public void deploymentStarted(Target host, Direction direction) {
        events.add("started " + host);
      }

      @Override
      public void connected(String host) {
        events.add("connected " + host);
      }

      @Override
      public void keyTrusted(String host, PublicKey key, boolean daemonRestarted) {
        events.add("trusted " + host);
      }

      @Override
      public void pathCopied(String host, PathInfo path) {
        events.add("copied " + path.path().name());
      }

      @Override
      public void copyFailed(String host, CopyFailedException failure) {
        events.add("copy failed " + host);
      }

      @Override
      public void rolledBack(String host, ActivationResult.Rollback rollback) {
        events.add("rolled back " + rollback.reason());
      }

      @Override
      public void activationFinished(String host, ActivationResult result) {
        events.add("activated " + result.outcome());
      }

      @Override
      public void deploymentFinished(DeploymentResult result) {
        events.add("finished " + result.host());
      }

      @Override
      public void deploymentFailed(Target host, RuntimeException failure) {
        events.add("failed " + failure.getClass().getSimpleName());
      }
    };
  }

  @Test
  void keysCopyAndActivationRunOverTheSeamsAndLeaveNothingOpen() {
    StorePath lib = laptop.addPath("lib-1.0", "a library");
    StorePath system = laptop.addSystem("nixos-system-web-1", lib);

    DeploymentResult r = deployer().build().deployTo("deploy@web-1").listener(recorder())
        .ensureKeys().copy(system).activate();

    assertThat(r.keys().orElseThrow().changes()).extracting(c -> c.kind() + " " + c.host()).containsExactly(
        "KEY_GENERATED local", "KEY_GENERATED deploy@web-1", "KEY_TRUSTED deploy@web-1",
        "DAEMON_RESTARTED deploy@web-1");
    assertThat(r.copy().orElseThrow().sent()).containsExactly(lib, system);
    assertThat(web.received()).containsExactly(lib, system);
    assertThat(web.pathInfo(system).orElseThrow().signatures()).hasSize(1);
    assertThat(web.trustedKeys()).hasSize(1);
    assertThat(web.nixConf()).containsPattern("extra-trusted-public-keys = laptop-nix-deploy-[0-9a-f]{8}:");
    ActivationResult a = r.activation().orElseThrow();
    assertThat(a.succeeded()).isTrue();
    assertThat(a.confirmed()).isTrue();
    assertThat(a.generationAfter()).hasValue(1);
    assertThat(web.currentSystem()).contains(system);
    assertThat(web.profile(ActivationOptions.SYSTEM_PROFILE)).contains(system);
    assertThat(events).containsExactly("started deploy@web-1", "connected deploy@web-1",
        "trusted deploy@web-1", "copied lib-1.0", "copied nixos-system-web-1", "activated SUCCEEDED",
        "finished deploy@web-1");
    assertThat(web.openConnections()).isZero();
    assertThat(laptop.openConnections()).isZero();
  }

  @Test
  void aSecondRunChangesNothingAndSendsNothing() {
    StorePath app = laptop.addPath("app-1", "v1");
    Deployer d = deployer().build();
    d.deployTo("deploy@web-1").ensureKeys().copy(app).deploy();
    int commands = web.commands().size();

    DeploymentResult again = d.deployTo("deploy@web-1").ensureKeys().copy(app).deploy();

    assertThat(again.keys().orElseThrow().alreadyInPlace()).isTrue();
    assertThat(again.copy().orElseThrow().sent()).isEmpty();
    assertThat(web.daemonRestarts()).isEqualTo(1);
    assertThat(web.commands().subList(0, commands)).anyMatch(c -> c.program().endsWith("/sudo"));
    assertThat(web.commands().subList(commands, web.commands().size()))
        .noneMatch(c -> c.program().endsWith("/sudo"));
  }

  @Test
  void withoutKeysTheHostRefusesTheUnsignedPath() {
    StorePath app = laptop.addPath("app-1", "v1");

    assertThatThrownBy(() -> deployer().build().deployTo("deploy@web-1").listener(recorder()).copy(app).deploy())
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("lacks a valid signature");
    assertThat(web.isValid(app)).isFalse();
    assertThat(events).endsWith("copy failed deploy@web-1", "failed UntrustedSignatureException");
  }

  @Test
  void aConnectionLostMidCopyIsToldAsSuchAndARerunSendsTheRest() {
    StorePath a = laptop.addPath("a", "a");
    StorePath b = laptop.addPath("b", "b", a);
    StorePath c = laptop.addPath("c", "c", b);
    Deployer d = deployer().build();
    d.deployTo("deploy@web-1").ensureKeys().deploy();
    web.dropConnectionAfterPaths(1);

    assertThatThrownBy(() -> d.deployTo("deploy@web-1").copy(c).deploy())
        .isInstanceOfSatisfying(CopyFailedException.class, e -> {
          assertThat(e.isConnectionLost()).isTrue();
          assertThat(e.host()).isEqualTo("deploy@web-1");
        });
    assertThat(web.received()).containsExactly(a);

    assertThat(d.deployTo("deploy@web-1").copy(c).deploy().copy().orElseThrow().sent()).containsExactly(b, c);
  }

  @Test
  void aFailedSwitchRollsBackToThePreviousSystem() {
    StorePath v1 = laptop.addSystem("system-v1");
    StorePath v2 = laptop.addSystem("system-v2");
    Deployer d = deployer().build();
    d.deployTo("deploy@web-1").ensureKeys().copy(v1).activate();
    web.whenSwitching(SwitchBehaviour.exit(1).printing("error: nginx.service failed"));

    assertThatThrownBy(() -> d.deployTo("deploy@web-1").listener(recorder()).copy(v2).activate())
        .isInstanceOfSatisfying(ActivationException.class, e -> {
          ActivationResult r = e.result().orElseThrow();
          assertThat(r.exitCode()).isEqualTo(1);
          assertThat(r.rollback().orElseThrow().system()).contains(v1);
          assertThat(r.rollback().orElseThrow().generation()).hasValue(1);
          assertThat(r.output()).contains("error: nginx.service failed");
        });
    assertThat(web.currentSystem()).contains(v1);
    assertThat(web.generation(ActivationOptions.SYSTEM_PROFILE)).hasValue(1);
    assertThat(events).contains("rolled back switch-to-configuration switch failed with exit code 1");
  }

  @Test
  void aPartialSuccessIsASuccessUnlessAskedToFail() {
    StorePath v1 = laptop.addSystem("system-v1");
    Deployer d = deployer().build();
    web.whenSwitching(SwitchBehaviour.exit(4));
    ActivationResult r = d.deployTo("deploy@web-1").ensureKeys().copy(v1).activate(ActivationMode.TEST)
        .activation().orElseThrow();
    assertThat(r.outcome()).isEqualTo(ActivationResult.Outcome.PARTIALLY_SUCCEEDED);
    assertThat(r.profile()).isEmpty();
    assertThat(web.profile(ActivationOptions.SYSTEM_PROFILE)).isEmpty();
  }

  @Test
  void aSwitchThatLocksTheDeployerOutIsRolledBackByTheHost() {
    StorePath v1 = laptop.addSystem("system-v1");
    StorePath v2 = laptop.addSystem("system-v2");
    Deployer d = deployer().build();
    d.deployTo("deploy@web-1").ensureKeys().copy(v1).activate();
    web.whenSwitching(SwitchBehaviour.lockOut());

    assertThatThrownBy(() -> d.deployTo("deploy@web-1").copy(v2).activate())
        .isInstanceOfSatisfying(ActivationException.class, e -> {
          assertThat(e.getMessage()).contains("could not open a new ssh connection");
          assertThat(e.result().orElseThrow().rollback().orElseThrow().reason())
              .isEqualTo("not confirmed over a new ssh connection within 30s");
        });
    assertThat(web.currentSystem()).contains(v1);
    assertThat(web.connect()).isNotNull();
  }

  @Test
  void aChangedHostKeyIsRefusedBeforeAnythingHappens() {
    web.changeHostKey();
    assertThatThrownBy(() -> deployer().build().deployTo("deploy@web-1").ensureKeys().deploy())
        .isInstanceOfSatisfying(HostKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(HostKeyException.Reason.CHANGED));
    assertThat(web.commands()).isEmpty();
    assertThat(laptop.openConnections()).isZero();
  }

  @Test
  void sudoThatWantsAPasswordGetsItFromTheSourceOnce() {
    FakeNixHost guarded = FakeNixHost.builder("deploy@web-2").sudo(Sudo.withPassword("s3cret")).build();
    List<String> asked = new ArrayList<>();
    SudoPasswordSource source = (host, user) -> {
      asked.add(user + "@" + host);
      return "s3cret".toCharArray();
    };
    Deployer d = deployer().transports(guarded).sudoPasswords(source).build();
    StorePath app = laptop.addPath("app", "x");

    d.deployTo("deploy@web-2").ensureKeys().copy(app).deploy();

    assertThat(asked).containsExactly("deploy@deploy@web-2");
    assertThat(guarded.isValid(app)).isTrue();
    assertThatThrownBy(() -> deployer().transports(FakeNixHost.builder("deploy@web-3")
        .sudo(Sudo.withPassword("s3cret")).build()).build().deployTo("deploy@web-3").ensureKeys().deploy())
        .isInstanceOf(PrivilegeException.class).hasMessageContaining("sudo asks for a password");
  }

  @Test
  void aProfileIsSetAsRootWhereTheLoginUserMayNotWriteIt() {
    StorePath app = laptop.addPath("app", "x");
    ProfileUpdate u = deployer().build().deployTo("deploy@web-1").ensureKeys().copy(app)
        .profile("web-app", "/nix/var/nix/profiles", RunAs.LOGIN_USER_IF_ALLOWED).deploy().profile().orElseThrow();
    assertThat(u.generationAfter()).isEqualTo(1);
    assertThat(web.profile("/nix/var/nix/profiles/web-app")).contains(app);
    assertThat(web.commands()).anyMatch(c -> c.program().endsWith("/sudo")
        && c.argv().stream().anyMatch(arg -> arg.contains("profile=$1 path=$2")));
  }

  @Test
  void pullingSignsOnTheHostAndTheLocalStoreChecksIt() {
    StorePath app = web.addPath("app", "built on web-1");
    DeploymentResult r = deployer().build().deployFrom("deploy@web-1").ensureKeys().copy(app).deploy();
    assertThat(r.copy().orElseThrow().sent()).containsExactly(app);
    assertThat(laptop.isValid(app)).isTrue();
    assertThat(laptop.pathInfo(app).orElseThrow().signatures()).extracting(s -> s.keyName())
        .singleElement().asString().matches("web-1-nix-deploy-[0-9a-f]{8}");
  }

  @Test
  void aDerivedDeployerKeepsTheSettingsAndOverridesWhatItSets() {
    Deployer base = deployer().noSign().useSubstitutes(true).build();
    Deployer derived = base.newBuilder().sign().build();
    assertThat(derived.settings().useSubstitutes()).isTrue();
    assertThat(derived.settings().sign()).isTrue();
    assertThat(derived.settings().transports()).isEqualTo(base.settings().transports());
    assertThat(base.settings().sign()).isFalse();
  }

  @Test
  void theWholeChainTakesWellUnderASecond() {
    // Not a timing assertion: a bound that only a hang or a sleep in the fake would break.
    StorePath system = laptop.addSystem("nixos-system-web-1");
    long started = System.nanoTime();
    deployer().build().deployTo("deploy@web-1").ensureKeys().copy(system).activate();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }
}
