package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.NixNotInstalledException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.UnsupportedNixException;
import dev.nixdeploy.UntrustedSignatureException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The copy logic against scripted in-memory servers. */
class CopyEngineTest {
  private final FakeServeServer source = new FakeServeServer();
  private final FakeServeServer destination = new FakeServeServer();

  private static StorePath path(String name) {
    return FakeServeServer.path(name);
  }

  /** lib-0 <- lib-1 <- ... <- app: each path references all the ones before it. */
  private List<StorePath> chain(int length) {
    List<StorePath> paths = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      StorePath p = path(i == length - 1 ? "app" : "lib-" + i);
      source.add(p, FakeServeServer.narOf(p.name() + " ".repeat(i * 1000)), paths.toArray(StorePath[]::new));
      paths.add(p);
    }
    return paths;
  }

  private CopyResult copy(CopyEngine engine, StorePath root) throws Exception {
    try (ServeClient from = ServeClient.connect(source.start(), "src");
        ServeClient to = ServeClient.connect(destination.start(), "dst")) {
      return engine.copy(from, to, List.of(root));
    }
  }

  @Test
  void sendsMissingPathsInDependencyOrderWithTheirInfos() throws Exception {
    List<StorePath> chain = chain(5);
    destination.add(chain.get(0), source.nars.get(chain.get(0)));

    CopyResult result = copy(CopyEngine.builder().build(), chain.get(4));

    assertThat(result.sent()).containsExactlyElementsOf(chain.subList(1, 5));
    assertThat(result.alreadyPresent()).isEqualTo(1);
    assertThat(destination.received).containsExactlyElementsOf(chain.subList(1, 5));
    for (StorePath p : chain) {
      assertThat(destination.nars.get(p)).isEqualTo(source.nars.get(p));
      assertThat(destination.infos.get(p).references()).isEqualTo(source.infos.get(p).references());
    }
    assertThat(result.bytesSent()).isEqualTo(chain.subList(1, 5).stream()
        .mapToLong(p -> source.infos.get(p).narSize()).sum());
  }

  @Test
  @Timeout(60) // guards against a deadlock if the client waited for each reply
  void doesNotWaitForEachReplyBeforeSendingTheNext() throws Exception {
    List<StorePath> chain = chain(20);
    destination.holdRepliesUntil = 20;
    List<String> events = new ArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void pathCopyStarted(String host, PathInfo path) {
        events.add("start");
      }

      @Override
      public void pathCopied(String host, PathInfo path) {
        events.add("done " + path.path().name());
      }
    };

    CopyResult result = copy(CopyEngine.builder().listener(listener).build(), chain.get(19));

    assertThat(destination.receivedBeforeFirstReply).isEqualTo(20);
    assertThat(result.pathsSent()).isEqualTo(20);
    // Every start came before any confirmation, and confirmations arrive in order.
    assertThat(events.subList(0, 20)).containsOnly("start");
    assertThat(events.subList(20, 40)).containsExactlyElementsOf(
        chain.stream().map(p -> "done " + p.name()).toList());
  }

  @Test
  void signsEachPathOnTheWayAndLeavesTheSourceAlone() throws Exception {
    List<StorePath> chain = chain(3);
    TestSigner signer = new TestSigner("test-1");

    copy(CopyEngine.builder().signer(signer).build(), chain.get(2));

    for (StorePath p : chain) {
      PathInfo copied = destination.infos.get(p);
      assertThat(copied.signatures()).hasSize(1);
      assertThat(signer.verifies(copied, copied.signatures().iterator().next())).isTrue();
      assertThat(source.infos.get(p).signatures()).isEmpty();
    }
  }

  @Test
  void aRefusedPathSaysTheKeyIsNotTrustedAndKeepsWhatWasConfirmed() throws Exception {
    List<StorePath> chain = chain(4);
    destination.refuse = p -> p.equals(chain.get(2));

    assertThatThrownBy(() -> copy(CopyEngine.builder().build(), chain.get(3)))
        .isInstanceOf(UntrustedSignatureException.class)
        .hasMessageContaining("dst refused " + chain.get(2))
        .hasMessageContaining("does not trust our signing key")
        .hasMessageContaining("exchange keys first")
        .satisfies(e -> assertThat(((CopyFailedException) e).path()).contains(chain.get(2)));
    assertThat(destination.infos).containsOnlyKeys(chain.get(0), chain.get(1));

    destination.refuse = p -> false;
    CopyResult rerun = copy(CopyEngine.builder().build(), chain.get(3));
    assertThat(rerun.sent()).containsExactly(chain.get(2), chain.get(3));
  }

  @Test
  void aConnectionLostMidwayNamesTheHostAndThePath() throws Exception {
    List<StorePath> chain = chain(2);
    destination.cutAfterNarBytes = 3;

    assertThatThrownBy(() -> copy(CopyEngine.builder().build(), chain.get(1)))
        .isInstanceOf(CopyFailedException.class)
        .hasMessageContaining("on dst")
        .hasMessageContaining(chain.get(0).toString())
        .satisfies(e -> assertThat(((CopyFailedException) e).host()).isEqualTo("dst"));
    assertThat(destination.infos).isEmpty();
  }

  @Test
  void aCorruptSourcePathIsNeverCompleted() throws Exception {
    List<StorePath> chain = chain(3);
    byte[] good = source.nars.get(chain.get(1));
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    source.corruptDumps.put(chain.get(1), bad);

    assertThatThrownBy(() -> copy(CopyEngine.builder().build(), chain.get(2)))
        .isInstanceOf(CopyFailedException.class)
        .hasMessageContaining("does not match its hash")
        .hasMessageContaining(chain.get(1).toString());
    assertThat(destination.infos).containsOnlyKeys(chain.get(0));
  }

  @Test
  void aPathMissingFromTheSourceIsReportedBeforeAnythingIsSent() throws Exception {
    StorePath ghost = path("ghost");
    assertThatThrownBy(() -> copy(CopyEngine.builder().build(), ghost))
        .isInstanceOf(CopyFailedException.class)
        .hasMessageContaining(ghost + " is not valid in the Nix store on src");
    assertThat(destination.received).isEmpty();
  }

  @Test
  void refusesAnOldNix() throws Exception {
    destination.version = 0x204;
    assertThatThrownBy(() -> ServeClient.connect(destination.start(), "old-host"))
        .isInstanceOf(UnsupportedNixException.class)
        .hasMessageContaining("Nix on old-host is too old: it speaks nix-store --serve protocol 2.4");
    destination.version = 0x300;
    assertThatThrownBy(() -> ServeClient.connect(destination.start(), "odd-host"))
        .isInstanceOf(UnsupportedNixException.class).hasMessageContaining("serve protocol 3.0");
  }

  @Test
  void saysNixIsMissingWhenTheShellCannotFindIt() {
    RemoteProcess notFound = new RemoteProcess() {
      @Override
      public OutputStream stdin() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public InputStream stdout() {
        return InputStream.nullInputStream();
      }

      @Override
      public InputStream stderr() {
        return new ByteArrayInputStream("bash: nix-store: command not found\n".getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public OptionalInt waitFor(Duration timeout) {
        return OptionalInt.of(127);
      }

      @Override
      public boolean isAlive() {
        return false;
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> ServeClient.connect(notFound, "deploy@web-1"))
        .isInstanceOf(NixNotInstalledException.class)
        .hasMessageContaining("Nix is not installed on deploy@web-1 or not in the PATH of deploy's"
            + " non-interactive shell");
  }
}
