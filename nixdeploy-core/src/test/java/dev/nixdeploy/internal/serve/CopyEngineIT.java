package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.NixNotInstalledException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.internal.local.LocalTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Copies between the local store and throw-away chroot stores with the real {@code nix-store --serve}. */
class CopyEngineIT {
  private final LocalTransport local = LocalTransport.create();
  private Path store;

  @BeforeEach
  void newStore() throws Exception {
    store = LocalNix.newStore();
  }

  @AfterEach
  void cleanUp() {
    local.close();
    LocalNix.delete(store);
  }

  private ServeClient localStore() {
    return ServeClient.open(local);
  }

  private ServeClient chrootStore() {
    return ServeClient.open(local, LocalNix.serve(store));
  }

  private CopyResult copy(CopyEngine engine, StorePath root) {
    try (ServeClient from = localStore(); ServeClient to = chrootStore()) {
      return engine.copy(from, to, List.of(root));
    }
  }

  @Test
  void copiesAChainInOrderWithIdenticalInfosAndANoOpRerun() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    List<String> events = new ArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void pathCopyStarted(String host, PathInfo path) {
        events.add("start " + path.path().name());
      }

      @Override
      public void pathCopied(String host, PathInfo path) {
        events.add("done " + path.path().name());
      }
    };

    CopyResult first = copy(CopyEngine.builder().listener(listener).build(), chain.get(2));

    assertThat(first.sent()).containsExactlyElementsOf(chain);
    assertThat(first.alreadyPresent()).isZero();
    assertThat(events).filteredOn(e -> e.startsWith("start"))
        .containsExactly("start " + chain.get(0).name(), "start " + chain.get(1).name(),
            "start " + chain.get(2).name());
    assertThat(events).filteredOn(e -> e.startsWith("done")).hasSize(3);
    Map<StorePath, PathInfo> source;
    Map<StorePath, PathInfo> copied;
    try (ServeClient from = localStore(); ServeClient to = chrootStore()) {
      source = from.queryPathInfos(chain);
      copied = to.queryPathInfos(chain);
    }
    assertThat(copied).hasSize(3);
    for (StorePath p : chain) {
      assertThat(copied.get(p).narHash()).isEqualTo(source.get(p).narHash());
      assertThat(copied.get(p).narSize()).isEqualTo(source.get(p).narSize());
      assertThat(copied.get(p).references()).isEqualTo(source.get(p).references());
    }
    assertStoreVerifies();

    CopyResult again = copy(CopyEngine.builder().build(), chain.get(2));
    assertThat(again.sent()).isEmpty();
    assertThat(again.alreadyPresent()).isEqualTo(3);
  }

  @Test
  void sendsOnlyWhatIsMissing() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    copy(CopyEngine.builder().build(), chain.get(0));

    CopyResult rest = copy(CopyEngine.builder().build(), chain.get(2));

    assertThat(rest.sent()).containsExactly(chain.get(1), chain.get(2));
    assertThat(rest.alreadyPresent()).isEqualTo(1);
  }

  @Test
  void signsEveryPathOnTheWayWithoutTouchingTheSource() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    TestSigner signer = new TestSigner("it-key-" + LocalNix.seed());

    copy(CopyEngine.builder().signer(signer).build(), chain.get(2));

    try (ServeClient from = localStore(); ServeClient to = chrootStore()) {
      for (PathInfo info : to.queryPathInfos(chain).values()) {
        List<Signature> ours = info.signatures().stream()
            .filter(s -> s.keyName().equals(signer.name())).toList();
        assertThat(ours).hasSize(1);
        assertThat(signer.verifies(info, ours.get(0))).isTrue();
      }
      for (PathInfo info : from.queryPathInfos(chain).values()) {
        assertThat(info.signatures()).noneMatch(s -> s.keyName().equals(signer.name()));
      }
    }
  }

  @Test
  void copiesAWideClosureOfMoreThanAThousandPaths() {
    String seed = LocalNix.seed();
    String expr = "let files = builtins.genList (i: builtins.toFile \"wide-" + seed
        + "-${toString i}\" \"file ${toString i}\") 1100; in builtins.derivation { name = \"wide-" + seed
        + "\"; system = builtins.currentSystem; builder = \"/bin/sh\";"
        + " args = [\"-c\" \"echo ${builtins.concatStringsSep \" \" files} > $out\"]; }";
    StorePath root = LocalNix.build(expr);

    CopyResult result = copy(CopyEngine.builder().build(), root);

    assertThat(result.pathsSent()).isEqualTo(1101);
    assertThat(result.sent().get(1100)).isEqualTo(root);
    try (ServeClient to = chrootStore()) {
      assertThat(to.queryValidPaths(result.sent(), false, false)).hasSize(1101);
    }
    assertStoreVerifies();
  }

  @Test
  void copiesA200MegabytePathInAJvmWith64MegabytesOfHeap() throws Exception {
    String seed = LocalNix.seed();
    StorePath big = LocalNix.build(LocalNix.derivation("big-" + seed,
        "/usr/bin/head -c 209715200 /dev/urandom > $out"));
    SmallHeapJvm.Result run = SmallHeapJvm.run("64m", CopyMain.class, "store", store.toString(), big.path());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("sent 1 ");
    try (ServeClient from = localStore(); ServeClient to = chrootStore()) {
      assertThat(to.queryPathInfos(List.of(big)).get(big).narHash())
          .isEqualTo(from.queryPathInfos(List.of(big)).get(big).narHash());
    }
    assertStoreVerifies();
    LocalNix.run("nix-store", "--delete", big.path());
  }

  @Test
  void copiesFromAnotherStoreIntoTheLocalOne() {
    List<StorePath> chain = LocalNix.chain(LocalNix.seed());
    copy(CopyEngine.builder().build(), chain.get(2));
    // The chroot store now plays the remote host; remove the paths here so they must come back.
    LocalNix.run("nix-store", "--delete", chain.get(2).path(), chain.get(1).path(), chain.get(0).path());
    try (ServeClient l = localStore()) {
      assertThat(l.queryValidPaths(chain, false, false)).isEmpty();
    }

    CopyResult back;
    try (ServeClient from = chrootStore(); ServeClient to = localStore()) {
      back = CopyEngine.builder().build().copy(from, to, List.of(chain.get(2)));
    }

    assertThat(back.sent()).containsExactlyElementsOf(chain);
    CommandResult verify = LocalNix.run("nix-store", "--verify-path", chain.get(2).path());
    assertThat(verify.exitCode()).isZero();
  }

  @Test
  void refusesAPathTheSourceDoesNotHold() {
    StorePath missing = StorePath.parse("/nix/store/00000000000000000000000000000000-nixdeploy-missing");
    try (ServeClient from = localStore(); ServeClient to = chrootStore()) {
      assertThatThrownBy(() -> CopyEngine.builder().build().copy(from, to, List.of(missing)))
          .isInstanceOf(CopyFailedException.class)
          .hasMessageContaining(missing + " is not valid in the Nix store on local");
    }
  }

  @Test
  void saysClearlyWhenNixIsMissing() {
    assertThatThrownBy(() -> ServeClient.open(local, Command.of("nix-store-not-installed", "--serve")))
        .isInstanceOf(NixNotInstalledException.class)
        .hasMessageContaining("Nix is not installed on local");
  }

  private void assertStoreVerifies() {
    CommandResult r = LocalNix.run("nix-store", "--store", store.toString(), "--verify", "--check-contents");
    assertThat(r.stderr()).doesNotContain("error").doesNotContain("modified").doesNotContain("invalid");
  }
}
