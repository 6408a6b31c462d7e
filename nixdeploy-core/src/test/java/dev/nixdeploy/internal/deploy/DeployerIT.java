package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.UntrustedSignatureException;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fluent API end to end: one plan, one SSH session, real Nix on both sides. */
@SandboxTest
class DeployerIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
  }

  private static String seed() {
    return "deployer-it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void trust(SigningKeyPair key) {
    host.exec("sh", "-c", "printf '\\nextra-trusted-public-keys = %s\\n' \"$1\" >> /etc/nix/nix.conf", "sh",
        key.publicKey().toString()).orThrow();
    host.restartNixDaemon();
  }

  /** A key with a name of its own: keys generated on first use are all named after this machine. */
  private static Path uniqueKeyFile(Path dir) {
    Path secret = dir.resolve("config/signing-key.sec");
    SigningKeyPair.generate("deployer-it-" + UUID.randomUUID()).store(secret,
        dir.resolve("config/signing-key.pub"));
    return secret;
  }

  private static List<StorePath> remoteSignaturesMissing(SigningKeyPair key, List<StorePath> paths) {
    List<StorePath> unsigned = new java.util.ArrayList<>();
    for (StorePath p : paths) {
      String sigs = host.exec("nix", "--extra-experimental-features", "nix-command", "path-info", "--sigs",
          p.path()).orThrow().stdout();
      if (!sigs.contains(key.name() + ":")) {
        unsigned.add(p);
      }
    }
    return unsigned;
  }

  @Test
  void anUntrustedUserDeploysSignedPathsWithAKeyFile(@TempDir Path dir) {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    SigningKeyPair key = SigningKeyPair.generate("deployer-it-" + UUID.randomUUID());
    Path secret = dir.resolve("signing-key.sec");
    key.store(secret, dir.resolve("signing-key.pub"));
    trust(key);
    List<String> events = new CopyOnWriteArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void pathCopied(String h, PathInfo path) {
        events.add(h + " " + path.path().name());
      }
    };

    DeploymentResult result = Deployer.builder().ssh(ssh).signingKeyFile(secret).listener(listener).build()
        .deployTo(host.destination(SandboxUsers.DEPLOY))
        .copy(chain.app())
        .deploy();

    CopyResult copy = result.copy().orElseThrow();
    assertThat(result.direction()).isEqualTo(Direction.TO);
    assertThat(copy.sent()).containsExactlyElementsOf(chain.closure());
    assertThat(chain.closure()).allMatch(host::isValid);
    assertThat(remoteSignaturesMissing(key, chain.closure())).isEmpty();
    assertThat(events).hasSize(3).allMatch(e -> e.contains("deploy@"));
  }

  @Test
  void aReRunOfTheSamePlanSendsNothing() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    var plan = Deployer.builder().ssh(ssh).noSign().build()
        .deployTo(host.destination(SandboxUsers.ROOT)).copy(chain.app());

    assertThat(plan.deploy().copy().orElseThrow().pathsSent()).isEqualTo(3);
    assertThat(plan.deploy().copy().orElseThrow().pathsSent()).isZero();
  }

  @Test
  void unsignedPathsToTheUntrustedUserAreRefusedWithAClearMessage() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());

    assertThatThrownBy(() -> Deployer.builder().ssh(ssh).noSign().build()
        .deployTo(host.destination(SandboxUsers.DEPLOY)).copy(chain.app()).deploy())
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("does not trust our signing key");
    assertThat(host.isValid(chain.libA())).isFalse();
  }

  @Test
  void theMissionInOneChainAsAUserWithSudoButNotTrusted(@TempDir Path dir) {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    Path keyFile = uniqueKeyFile(dir);

    DeploymentResult result = Deployer.builder().ssh(ssh).signingKeyFile(keyFile).build()
        .deployTo(host.destination(SandboxUsers.ADMIN))
        .ensureKeys()
        .copy(chain.app())
        .deploy();

    SigningKeyPair key = SigningKeyPair.load(keyFile);
    assertThat(result.keys().orElseThrow().changes(KeyExchangeResult.ChangeKind.KEY_TRUSTED))
        .singleElement().satisfies(c -> assertThat(c.key()).isEqualTo(key.publicKey()));
    assertThat(result.copy().orElseThrow().sent()).containsExactlyElementsOf(chain.closure());
    assertThat(remoteSignaturesMissing(key, chain.closure())).isEmpty();
  }

  @Test
  void aUserWithoutSudoIsRefusedUntilTheKeyIsTrustedThenNeedsNoSudo(@TempDir Path dir) {
    Path keyFile = uniqueKeyFile(dir);
    Deployer deployer = Deployer.builder().ssh(ssh).signingKeyFile(keyFile)
        .sudoPasswords((h, u) -> SandboxUsers.OPERATOR_PASSWORD.toCharArray()).build();
    StorePath first = SampleClosures.chain(seed()).app();
    String nixConfBefore = host.exec("cat", "/etc/nix/nix.conf").orThrow().stdout();

    assertThatThrownBy(() -> deployer.deployTo(host.destination(SandboxUsers.DEPLOY)).ensureKeys().copy(first)
        .deploy())
        .isInstanceOf(PrivilegeException.class)
        .hasMessageContaining("as user deploy");
    assertThat(host.exec("cat", "/etc/nix/nix.conf").orThrow().stdout()).isEqualTo(nixConfBefore);
    assertThat(host.isValid(first)).isFalse();

    DeploymentResult byOperator = deployer.deployTo(host.destination(SandboxUsers.OPERATOR)).ensureKeys()
        .deploy();
    long daemon = host.nixDaemonPid();
    DeploymentResult byDeploy = deployer.deployTo(host.destination(SandboxUsers.DEPLOY)).ensureKeys()
        .copy(first).deploy();

    assertThat(byOperator.keys().orElseThrow().daemonRestarted()).isTrue();
    assertThat(byOperator.copy()).isEmpty();
    assertThat(byDeploy.keys().orElseThrow().alreadyInPlace()).isTrue();
    assertThat(host.nixDaemonPid()).isEqualTo(daemon);
    assertThat(host.isValid(first)).isTrue();
  }

  @Test
  void aSigningKeyIsGeneratedOnFirstUseAndAnUntrustedOneIsExplained(@TempDir Path dir) {
    Path keyFile = dir.resolve("fresh/signing-key.sec");
    StorePath app = SampleClosures.chain(seed()).app();

    assertThatThrownBy(() -> Deployer.builder().ssh(ssh).signingKeyFile(keyFile).build()
        .deployTo(host.destination(SandboxUsers.DEPLOY)).copy(app).deploy())
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("exchange keys first");
    assertThat(Files.exists(keyFile)).isTrue();
    assertThat(SigningKeyPair.load(keyFile).name()).matches(".+-nix-deploy-[0-9a-f]{8}");
    assertThat(host.isValid(app)).isFalse();
  }

  @Test
  void pullsAClosureFromTheHost() {
    String seed = seed();
    StorePath built = StorePath.parse(host.exec("nix-build", "--no-out-link", "--option", "substituters", "",
        "-E", "builtins.derivation { name = \"" + seed + "\"; system = builtins.currentSystem;"
            + " builder = \"/bin/sh\"; args = [\"-c\" \"echo " + seed + " > $out\"]; }")
        .orThrow().stdout().strip());

    DeploymentResult result = Deployer.builder().ssh(ssh).build()
        .deployFrom(host.destination(SandboxUsers.ADMIN)).ensureKeys().copy(built).deploy();

    assertThat(result.copy().orElseThrow().sent()).containsExactly(built);
    assertThat(result.keys().orElseThrow().notes()).singleElement().asString()
        .contains("checks no signatures");
    assertThat(Files.exists(Path.of(built.path()))).isTrue();
  }
}
