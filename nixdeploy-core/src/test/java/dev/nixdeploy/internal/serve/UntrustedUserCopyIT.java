package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.UntrustedSignatureException;
import dev.nixdeploy.internal.local.LocalTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Copies as a user outside {@code trusted-users} (user {@code nobody}) through a real nix-daemon serving a
 * throw-away store on its own socket: what a deploy user meets on a target.
 */
class UntrustedUserCopyIT {
  private final LocalTransport local = LocalTransport.create();
  private Path dir;
  private Path store;
  private Path socket;
  private Process daemon;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("nixdeploy-daemon-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    store = dir.resolve("store");
    socket = dir.resolve("socket");
  }

  @AfterEach
  void tearDown() throws Exception {
    local.close();
    stopDaemon();
    LocalNix.delete(dir);
  }

  /** Starts a daemon for the store; it reads its settings once, as a real one reads nix.conf. */
  private void startDaemon(String... options) throws Exception {
    List<String> argv = new ArrayList<>(List.of("nix-daemon", "--store", store.toString(),
        "--option", "trusted-users", "root"));
    argv.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(dir.resolve("daemon.log").toFile());
    pb.environment().remove("NIX_REMOTE"); // a daemon with NIX_REMOTE=daemon forks endlessly
    pb.environment().put("NIX_DAEMON_SOCKET_PATH", socket.toString());
    Files.deleteIfExists(socket);
    daemon = pb.start();
    for (int i = 0; i < 200 && !Files.exists(socket); i++) {
      assertThat(daemon.isAlive()).as("nix-daemon exited: " + Files.readString(dir.resolve("daemon.log")))
          .isTrue();
      Thread.sleep(100);
    }
    assertThat(socket).exists();
  }

  private void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.destroy();
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
      daemon = null;
    }
  }

  /** {@code nix-store --serve --write} run as {@code nobody}, talking to the daemon. */
  private ServeClient asUntrustedUser() {
    Command serve = Command.of("runuser", "-u", "nobody", "--", "env", "HOME=" + dir,
        "NIX_DAEMON_SOCKET_PATH=" + socket, "nix-store", "--store", "daemon", "--serve", "--write");
    return ServeClient.open(new NamedTransport(local, "nobody@local"), serve);
  }

  private CopyResult copy(CopyEngine engine, StorePath root) {
    try (ServeClient from = ServeClient.open(local); ServeClient to = asUntrustedUser()) {
      return engine.copy(from, to, List.of(root));
    }
  }

  @Test
  void anUnsignedCopyIsRefusedWithAClearMessage() throws Exception {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    startDaemon();

    assertThatThrownBy(() -> copy(CopyEngine.builder().build(), chain.get(2)))
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("nobody@local refused " + chain.get(0))
        .hasMessageContaining("does not trust our signing key")
        .hasMessageContaining("lacks a valid signature");
    try (ServeClient to = asUntrustedUser()) {
      assertThat(to.queryValidPaths(chain, false, false)).isEmpty();
    }
  }

  @Test
  void aPathSignedWithAKeyTheTargetDoesNotTrustIsRefused() throws Exception {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    TestSigner trusted = new TestSigner("trusted-" + LocalNix.seed());
    TestSigner stranger = new TestSigner("stranger-" + LocalNix.seed());
    startDaemon("--option", "extra-trusted-public-keys", trusted.publicKeyText());

    assertThatThrownBy(() -> copy(CopyEngine.builder().signer(stranger).build(), chain.get(2)))
        .isInstanceOf(UntrustedSignatureException.class);
  }

  @Test
  void aSignedCopySucceedsOnceTheTargetTrustsTheKey() throws Exception {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    TestSigner signer = new TestSigner("deploy-" + LocalNix.seed());
    startDaemon();
    assertThatThrownBy(() -> copy(CopyEngine.builder().signer(signer).build(), chain.get(2)))
        .isInstanceOf(UntrustedSignatureException.class);

    // What ensureKeys() does on a target: trust the key, restart the daemon.
    stopDaemon();
    startDaemon("--option", "extra-trusted-public-keys", signer.publicKeyText());
    CopyResult result = copy(CopyEngine.builder().signer(signer).build(), chain.get(2));

    assertThat(result.sent()).containsExactlyElementsOf(chain);
    try (ServeClient to = asUntrustedUser()) {
      for (PathInfo info : to.queryPathInfos(chain).values()) {
        List<Signature> ours = info.signatures().stream()
            .filter(s -> s.keyName().equals(signer.name())).toList();
        assertThat(ours).hasSize(1);
        assertThat(signer.verifies(info, ours.get(0))).isTrue();
      }
      assertThat(to.queryPathInfos(chain)).hasSize(3);
    }
    assertThat(LocalNix.run("nix-store", "--store", store.toString(), "--verify", "--check-contents")
        .stderr()).doesNotContain("error");
  }
}
