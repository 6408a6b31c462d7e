package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --from} into a store that checks signatures. This machine's store is root single-user and
 * checks none, so sandbox-1's admin (sudo, not in trusted-users: its daemon checks them) stands in for
 * the pulling side, and sandbox-0 is the host pulled from.
 */
@SandboxTest(hosts = 2)
class PullIntoCheckingStoreIT {
  @Test
  void theFirstPullCarriesTheSignaturesMadeForIt(SandboxHosts hosts, @TempDir Path dir) {
    SandboxHost source = hosts.host(0);
    SandboxHost receiver = hosts.host(1);
    String seed = "pull-it-" + UUID.randomUUID().toString().substring(0, 8);
    StorePath top = StorePath.parse(source.exec("nix-build", "--no-out-link", "--option", "substituters", "",
        "-E", "let dep = builtins.derivation { name = \"" + seed + "-dep\"; system = builtins.currentSystem;"
            + " builder = \"/bin/sh\"; args = [\"-c\" \"echo " + seed + " > $out\"]; };"
            + " in builtins.derivation { name = \"" + seed + "\"; system = builtins.currentSystem;"
            + " builder = \"/bin/sh\"; args = [\"-c\" \"echo ${dep} > $out\"]; }")
        .orThrow().stdout().strip());
    List<StorePath> closure = source.exec("nix-store", "-qR", top.path()).orThrow().stdout().lines()
        .map(StorePath::parse).toList();
    assertThat(closure).hasSize(2);
    Path key = dir.resolve("signing-key.sec");
    SigningKeyPair.generate(seed).store(key, dir.resolve("signing-key.pub"));
    // This machine's root store checks no signatures: a sandbox host's store, which does, stands for it.
    Deployer deployer = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key)
        .localTransports(() -> SshTransports.connect(Target.parse(receiver.destination(SandboxUsers.ADMIN)),
            hosts.sshSettings()))
        .build();

    CopyResult result;
    try (DeploymentSession session = deployer.deployFrom(source.destination(SandboxUsers.ADMIN)).open()) {
      assertThat(session.ensureKeys().notes()).as("sandbox-1 checks signatures").isEmpty();
      result = session.copy(List.of(top));
    }

    assertThat(result.sent()).containsExactlyInAnyOrderElementsOf(closure);
    String hostKeyName = PublicKey.parse(source.exec("cat", "/etc/nix/signing-key.pub").orThrow().stdout()).name();
    for (StorePath p : closure) {
      assertThat(receiver.isValid(p)).isTrue();
      assertThat(receiver.exec("nix", "--extra-experimental-features", "nix-command", "path-info", "--sigs",
          p.path()).orThrow().stdout()).contains(hostKeyName + ":");
    }
  }

  /**
   * A system pulled with --from is activated on the receiving side, which a session takes as a
   * local transport: here a second sandbox host, so that no test activates anything on the machine it runs on.
   */
  @Test
  void aSystemPulledWithFromIsActivatedOnTheReceivingSide(SandboxHosts hosts) {
    SandboxHost source = hosts.host(0);
    SandboxHost receiver = hosts.host(1);
    StorePath system = SampleClosures.fakeSystem("from-" + UUID.randomUUID().toString().substring(0, 8),
        FakeSystem.WORKING);
    Deployer.builder().ssh(hosts.sshSettings()).noSign().build()
        .deployTo(source.destination(SandboxUsers.ROOT)).copy(system).deploy();
    Deployer pulling = Deployer.builder().ssh(hosts.sshSettings()).noSign()
        .localTransports(() -> SshTransports.connect(Target.parse(receiver.destination(SandboxUsers.ROOT)),
            hosts.sshSettings()))
        .build();

    ActivationResult result;
    try (DeploymentSession session = pulling.deployFrom(source.destination(SandboxUsers.ROOT)).open()) {
      session.copy(List.of(system));
      result = session.activate(system, ActivationOptions.builder().mode(ActivationMode.DRY_ACTIVATE).build());
    }

    assertThat(result.host()).isEqualTo(receiver.destination(SandboxUsers.ROOT));
    assertThat(result.succeeded()).isTrue();
    assertThat(receiver.activations()).extracting(Activation::system, Activation::action)
        .contains(org.assertj.core.groups.Tuple.tuple(system, "dry-activate"));
    assertThat(source.activations()).noneMatch(a -> a.system().equals(system));
  }
}
