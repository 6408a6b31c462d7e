package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One NAR stream from a source to several destinations, against scripted in-memory servers. */
@Timeout(60)
class FanOutCopyTest {
  private final FakeServeServer source = new FakeServeServer();
  private final List<FakeServeServer> destinations = List.of(new FakeServeServer(), new FakeServeServer(),
      new FakeServeServer());

  /** lib-0 <- lib-1 <- big <- app; big's NAR spans several chunks. */
  private List<StorePath> closure() {
    List<StorePath> paths = new ArrayList<>();
    for (String name : List.of("lib-0", "lib-1", "big", "app")) {
      StorePath p = FakeServeServer.path(name + "-fan-out");
      int size = name.equals("big") ? 5 * FanOutCopy.CHUNK + 123 : 100;
      source.add(p, FakeServeServer.narOf(name + "x".repeat(size)), paths.toArray(StorePath[]::new));
      paths.add(p);
    }
    return paths;
  }

  private List<FanOutCopy.Outcome> copy(FanOutCopy copy, StorePath root) throws Exception {
    List<ServeClient> clients = new ArrayList<>();
    try (ServeClient from = ServeClient.connect(source.start(), "src")) {
      for (int i = 0; i < destinations.size(); i++) {
        clients.add(ServeClient.connect(destinations.get(i).start(), "dst-" + i));
      }
      Closure closure = from.closure(List.of(root));
      return copy.copy(from, closure, clients);
    } finally {
      clients.forEach(ServeClient::close);
    }
  }

  @Test
  void readsEachNarOnceAndSignsEachPathOnceForEveryDestination() throws Exception {
    List<StorePath> paths = closure();
    destinations.get(1).add(paths.get(0), source.nars.get(paths.get(0)));
    paths.forEach(p -> destinations.get(2).add(p, source.nars.get(p)));
    AtomicInteger signed = new AtomicInteger();
    TestSigner signer = new TestSigner("fan-out-1");
    Function<PathInfo, Signature> counting = info -> {
      signed.incrementAndGet();
      return signer.apply(info);
    };

    List<FanOutCopy.Outcome> outcomes = copy(FanOutCopy.builder().signer(counting).build(), paths.get(3));

    assertThat(source.dumped).containsExactlyElementsOf(paths);
    assertThat(signed).hasValue(paths.size());
    assertThat(outcomes).allMatch(o -> o.result().isPresent());
    assertThat(outcomes.get(0).result().orElseThrow().sent()).containsExactlyElementsOf(paths);
    assertThat(outcomes.get(1).result().orElseThrow().sent()).containsExactlyElementsOf(paths.subList(1, 4));
    assertThat(outcomes.get(1).result().orElseThrow().alreadyPresent()).isEqualTo(1);
    assertThat(outcomes.get(2).result().orElseThrow().sent()).isEmpty();
    assertThat(destinations.get(2).received).isEmpty();
    for (FakeServeServer d : destinations.subList(0, 2)) {
      for (StorePath p : paths) {
        assertThat(d.nars.get(p)).isEqualTo(source.nars.get(p));
      }
      PathInfo app = d.infos.get(paths.get(3));
      assertThat(signer.verifies(app, app.signatures().iterator().next())).isTrue();
    }
  }

  @Test
  void aDestinationThatFailsIsDroppedAndTheOthersGetEverything() throws Exception {
    List<StorePath> paths = closure();
    destinations.get(1).cutAfterNarBytes = 3;

    List<FanOutCopy.Outcome> outcomes = copy(FanOutCopy.builder().build(), paths.get(3));

    assertThat(outcomes.get(1).error()).get().isInstanceOf(CopyFailedException.class)
        .asString().contains("dst-1");
    assertThat(destinations.get(1).infos).isEmpty();
    for (int i : new int[] {0, 2}) {
      assertThat(outcomes.get(i).result()).isPresent();
      assertThat(destinations.get(i).infos).containsOnlyKeys(paths);
    }
    assertThat(source.dumped).containsExactlyElementsOf(paths);
  }

  @Test
  void aCorruptSourcePathIsCompletedNowhere() throws Exception {
    List<StorePath> paths = closure();
    byte[] bad = source.nars.get(paths.get(2)).clone();
    bad[bad.length - 1] ^= 1;
    source.corruptDumps.put(paths.get(2), bad);

    List<FanOutCopy.Outcome> outcomes = copy(FanOutCopy.builder().build(), paths.get(3));

    assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).get().asString().contains("does not match"));
    assertThat(destinations).allSatisfy(d -> assertThat(d.infos).containsOnlyKeys(paths.get(0), paths.get(1)));
  }

  @Test
  void aCancelledCopySendsNoFurtherPath() throws Exception {
    List<StorePath> paths = closure();
    AtomicInteger asked = new AtomicInteger();

    List<FanOutCopy.Outcome> outcomes = copy(FanOutCopy.builder().cancelled(() -> asked.incrementAndGet() > 2)
        .build(), paths.get(3));

    assertThat(outcomes).allMatch(FanOutCopy.Outcome::cancelled);
    assertThat(destinations).allSatisfy(d -> assertThat(d.infos).containsOnlyKeys(paths.get(0), paths.get(1)));
  }
}
