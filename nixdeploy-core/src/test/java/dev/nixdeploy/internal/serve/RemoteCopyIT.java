package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.UntrustedSignatureException;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Copies to and from a throw-away Nix host over real ssh, as root and as the untrusted deploy user. */
@SandboxTest
class RemoteCopyIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
  }

  private static CopyResult copyTo(String user, CopyEngine engine, StorePath root) {
    try (LocalTransport local = LocalTransport.create();
        Transport remote = SshTransports.connect(Target.parse(host.destination(user)), ssh);
        ServeClient from = ServeClient.open(local);
        ServeClient to = ServeClient.open(remote)) {
      return engine.copy(from, to, List.of(root));
    }
  }

  @Test
  void copiesToRootWithoutSignatures() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());

    CopyResult result = copyTo(SandboxUsers.ROOT, CopyEngine.builder().build(), chain.get(2));

    assertThat(result.sent()).containsExactlyElementsOf(chain);
    assertThat(chain).allMatch(host::isValid);
    assertThat(copyTo(SandboxUsers.ROOT, CopyEngine.builder().build(), chain.get(2)).sent()).isEmpty();
  }

  @Test
  void theUntrustedDeployUserNeedsSignaturesByATrustedKey() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    TestSigner signer = new TestSigner("remote-it-" + LocalNix.seed());

    assertThatThrownBy(() -> copyTo(SandboxUsers.DEPLOY, CopyEngine.builder().build(), chain.get(2)))
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("does not trust our signing key");
    assertThat(host.isValid(chain.get(0))).isFalse();

    host.exec("sh", "-c", "echo \"extra-trusted-public-keys = $1\" >> /etc/nix/nix.conf", "sh",
        signer.publicKeyText()).orThrow();
    host.restartNixDaemon();
    CopyResult result = copyTo(SandboxUsers.DEPLOY, CopyEngine.builder().signer(signer).build(),
        chain.get(2));

    assertThat(result.sent()).containsExactlyElementsOf(chain);
    try (Transport remote = SshTransports.connect(Target.parse(host.destination(SandboxUsers.ROOT)), ssh);
        ServeClient store = ServeClient.open(remote)) {
      for (PathInfo info : store.queryPathInfos(chain).values()) {
        assertThat(info.signatures()).anySatisfy(s -> assertThat(signer.verifies(info, s)).isTrue());
      }
    }
  }

  @Test
  void copiesFromTheHost() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    copyTo(SandboxUsers.ROOT, CopyEngine.builder().build(), chain.get(2));
    LocalNix.run("nix-store", "--delete", chain.get(2).path(), chain.get(1).path(), chain.get(0).path());

    CopyResult back;
    try (LocalTransport local = LocalTransport.create();
        Transport remote = SshTransports.connect(Target.parse(host.destination(SandboxUsers.ROOT)), ssh);
        ServeClient from = ServeClient.open(remote);
        ServeClient to = ServeClient.open(local)) {
      back = CopyEngine.builder().build().copy(from, to, List.of(chain.get(2)));
    }

    assertThat(back.sent()).containsExactlyElementsOf(chain);
    assertThat(LocalNix.run("nix-store", "--verify-path", chain.get(2).path()).exitCode()).isZero();
  }
}
