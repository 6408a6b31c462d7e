package dev.nixdeploy.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploying machine whose own store runs a newer Nix than the target: sandbox-1 (Debian sid's Nix)
 * stands for the deployer's local store, as root as on a single-user machine, and sandbox-0 (this
 * machine's Nix 2.8) is the target. Keys are exchanged through the sudo user, the closure goes signed to
 * the untrusted deploy user, and a system is switched to.
 */
@SandboxTest(hosts = 2, nix = {SandboxNix.MACHINE, SandboxNix.DEBIAN_SID})
class SendFromNewerNixIT {
  private static String seed(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Deployer.Builder fromSender(SandboxHosts hosts) {
    SandboxHost sender = hosts.host(1);
    return Deployer.builder().ssh(hosts.sshSettings())
        .localTransports(() -> SshTransports.connect(Target.parse(sender.destination(SandboxUsers.ROOT)),
            hosts.sshSettings()));
  }

  private static Path keyFile(Path dir, String name) {
    Path key = dir.resolve("signing-key.sec");
    SigningKeyPair.generate(name).store(key, dir.resolve("signing-key.pub"));
    return key;
  }

  @Test
  void aClosureOfTheNewerStoreGoesSignedToTheUntrustedDeployUser(SandboxHosts hosts, @TempDir Path dir) {
    SandboxHost target = hosts.host(0);
    SandboxHost sender = hosts.host(1);
    assertThat(sender.nixVersion()).isNotEqualTo(target.nixVersion());
    String seed = seed("newer-sender");
    // Built in the sender's own store, by its own Nix.
    StorePath top = StorePath.parse(sender.exec("nix-build", "--no-out-link", "-E",
        "let dep = builtins.derivation { name = \"" + seed + "-dep\"; system = builtins.currentSystem;"
            + " builder = \"/bin/sh\"; args = [\"-c\" \"echo " + seed + " > $out\"]; };"
            + " in builtins.derivation { name = \"" + seed + "\"; system = builtins.currentSystem;"
            + " builder = \"/bin/sh\"; args = [\"-c\" \"echo ${dep} > $out\"]; }")
        .orThrow().stdout().strip());
    Path key = keyFile(dir, seed);
    Deployer deployer = fromSender(hosts).signingKeyFile(key).build();

    DeploymentResult keys = deployer.deployTo(target.destination(SandboxUsers.ADMIN)).ensureKeys().deploy();
    DeploymentResult copy = deployer.deployTo(target.destination(SandboxUsers.DEPLOY)).copy(top).deploy();

    assertThat(keys.keys().orElseThrow().changes(KeyExchangeResult.ChangeKind.KEY_TRUSTED)).hasSize(1);
    assertThat(copy.copy().orElseThrow().sent()).hasSize(2).contains(top);
    assertThat(target.isValid(top)).isTrue();
    assertThat(target.exec("nix", "--extra-experimental-features", "nix-command", "path-info", "--sigs",
        top.path()).orThrow().stdout()).contains(SigningKeyPair.load(key).name() + ":");
  }

  @Test
  void aSystemFromTheNewerStoreIsSwitchedTo(SandboxHosts hosts, @TempDir Path dir) {
    SandboxHost target = hosts.host(0);
    SandboxHost sender = hosts.host(1);
    StorePath system = SampleClosures.fakeSystem(seed("newer-sender-system"), FakeSystem.WORKING);
    // The system is in the sender's store first (this machine's store is not the sender here).
    Deployer.builder().ssh(hosts.sshSettings()).noSign().build()
        .deployTo(sender.destination(SandboxUsers.ROOT)).copy(system).deploy();
    Deployer deployer = fromSender(hosts).signingKeyFile(keyFile(dir, seed("newer-sender-key"))).build();

    DeploymentResult result = deployer.deployTo(target.destination(SandboxUsers.ADMIN))
        .ensureKeys().copy(system).activate();

    ActivationResult activation = result.activation().orElseThrow();
    assertThat(activation.succeeded()).isTrue();
    assertThat(activation.confirmed()).isTrue();
    assertThat(target.activations()).filteredOn(a -> a.system().equals(system)).extracting(Activation::action)
        .containsExactly("switch");
    assertThat(sender.activations()).isEmpty();
  }
}
