package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.UnsupportedNixException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake and every request the client makes, against a scripted peer that expects and answers
 * byte for byte what {@code nix-store --serve} of Nix 2.35 (protocol 2.8) reads and writes: its
 * {@code opServe} in {@code src/nix/nix-store/nix-store.cc} and the serialisers in
 * {@code src/libstore/serve-protocol.cc} and {@code serve-protocol-connection.cc}. The encoding here is
 * written out by hand (little-endian 64-bit numbers; strings as length, bytes, zero padding to 8), not
 * with the client's own codec. Also: what the client does with the versions Nix has announced
 * (2.5 in Nix 2.3, 2.7 in Nix 2.4 to 2.34, 2.8 in 2.35), with newer minors, and with what it must refuse.
 */
@Timeout(30)
class ServeProtocolVersionsTest {
  private static final StorePath LIB = StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-lib");
  private static final StorePath APP = StorePath.parse("/nix/store/1c6kzph7l0dcbfmjap64f0czdafn3b7x-app");
  private static final StorePath GONE = StorePath.parse("/nix/store/2c6kzph7l0dcbfmjap64f0czdafn3b7x-gone");
  /** A NAR of a regular file holding "hello\n": nix-archive-1 ( type regular contents … ). */
  private static final byte[] NAR = encode("nix-archive-1", "(", "type", "regular", "contents", "hello\n", ")");

  /** Little-endian numbers (Long, Integer, Boolean) and padded strings, as Nix's Sink writes them. */
  private static byte[] encode(Object... items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object item : items) {
      if (item instanceof byte[] raw) {
        out.writeBytes(raw); // unframed: NARs go over the wire as they are
      } else if (item instanceof String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(u64(bytes.length));
        out.writeBytes(bytes);
        out.writeBytes(new byte[(8 - bytes.length % 8) % 8]);
      } else if (item instanceof Boolean b) {
        out.writeBytes(u64(b ? 1 : 0));
      } else {
        out.writeBytes(u64(((Number) item).longValue()));
      }
    }
    return out.toByteArray();
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /**
   * Plays the server's side: for each step, reads as many bytes as the step expects, keeps them, and
   * writes the step's answer. What the client sent is compared afterwards, on the test's thread.
   */
  private record Step(byte[] expected, byte[] answer) {}

  private static final class Peer {
    final ServeClientFaultTest.Scripted process;
    final List<byte[]> received = new ArrayList<>();
    final CompletableFuture<Void> done;

    Peer(List<Step> steps) throws IOException {
      process = new ServeClientFaultTest.Scripted();
      done = CompletableFuture.runAsync(() -> {
        try {
          for (Step step : steps) {
            received.add(process.fromClient.readNBytes(step.expected().length));
            process.toClient.write(step.answer());
            process.toClient.flush();
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    void assertReceivedExactly(List<Step> steps) throws Exception {
      done.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < steps.size(); i++) {
        assertThat(HexFormat.of().formatHex(received.get(i))).as("bytes of step %d", i)
            .isEqualTo(HexFormat.of().formatHex(steps.get(i).expected()));
      }
    }
  }

  /** Nix's handshake: the client's magic and version, the server's magic and version. */
  private static Step handshake(long serverVersion) {
    return new Step(encode(0x390c9debL, 0x208L), encode(0x5452eecbL, serverVersion));
  }

  @Test
  void everyRequestMatchesNix235ByteForByte() throws Exception {
    NarHash narHash = NarHash.of(FakeServeServer.sha256(NAR));
    TestSigner signer = new TestSigner("cache.example.org-1");
    PathInfo unsigned = PathInfo.builder(APP).narHash(narHash).narSize(NAR.length).references(List.of(LIB, APP))
        .deriver(StorePath.parse("/nix/store/3c6kzph7l0dcbfmjap64f0czdafn3b7x-app.drv")).build();
    Signature signature = signer.apply(unsigned);
    PathInfo app = unsigned.withSignature(signature);
    List<Step> steps = List.of(
        handshake(0x208),
        // QueryValidPaths: lock, substitute, a set of paths; answers a set.
        new Step(encode(1, false, false, 2, LIB.path(), GONE.path()), encode(1, LIB.path())),
        // QueryClosure: includeOutputs, a set; answers a set.
        new Step(encode(7, false, 1, APP.path()), encode(2, LIB.path(), APP.path())),
        // QueryPathInfos: a set; per path held, its path and UnkeyedValidPathInfo (deriver, references,
        // download size, NAR size, NAR hash in Nix32 with its algorithm, content address, signatures);
        // then "". Paths it does not hold are left out.
        new Step(encode(2, 2, APP.path(), GONE.path()), encode(APP.path(),
            "/nix/store/3c6kzph7l0dcbfmjap64f0czdafn3b7x-app.drv", 2, LIB.path(), APP.path(),
            NAR.length, NAR.length, narHash.toString(), "", 1, signature.toString(), "")),
        // DumpStorePath: a path; answers the NAR itself, unframed.
        new Step(encode(3, LIB.path()), NAR),
        // AddToStoreNar: path, deriver, NAR hash (any form; base16 here), references, registration
        // time, NAR size, ultimate, signatures, content address, then the NAR unframed; answers 1.
        new Step(concat(encode(9, APP.path(), "/nix/store/3c6kzph7l0dcbfmjap64f0czdafn3b7x-app.drv",
            narHash.toBase16(), 2, LIB.path(), APP.path(), 0, NAR.length, 0, 1, signature.toString(), ""), NAR),
            encode(1)));
    Peer peer = new Peer(steps);

    try (ServeClient client = ServeClient.connect(peer.process, "nix-2.35")) {
      assertThat(client.protocolVersion()).isEqualTo("2.8");
      assertThat(client.serverVersion()).isEqualTo(0x208);
      assertThat(client.queryValidPaths(List.of(LIB, GONE), false, false)).containsExactly(LIB);
      assertThat(client.queryClosure(List.of(APP), false)).containsExactly(LIB, APP);
      Map<StorePath, PathInfo> infos = client.queryPathInfos(List.of(APP, GONE));
      assertThat(infos).containsOnlyKeys(APP);
      assertThat(infos.get(APP)).isEqualTo(app);
      assertThat(signer.verifies(infos.get(APP), signature)).isTrue();
      try (InputStream nar = client.dumpStorePath(LIB, NAR.length)) {
        assertThat(nar.readAllBytes()).isEqualTo(NAR);
      }
      client.addToStoreNar(app, new ByteArrayInputStream(NAR));
      peer.assertReceivedExactly(steps);
    }
  }

  @Test
  void eachKnownVersionIsSpokenAsAnnouncedAndNewerMinorsAsTheNewestKnown() throws Exception {
    for (long[] announcedAndSpoken : new long[][] {{0x205, 0x205}, {0x207, 0x207}, {0x208, 0x208},
        {0x209, 0x208}, {0x2ff, 0x208}}) {
      List<Step> steps = List.of(handshake(announcedAndSpoken[0]), new Step(encode(1, true, false, 1, LIB.path()),
          encode(1, LIB.path())));
      Peer peer = new Peer(steps);
      try (ServeClient client = ServeClient.connect(peer.process, "host")) {
        assertThat(ServeVersion.fromWire(announcedAndSpoken[1]).toString()).isEqualTo(client.protocolVersion());
        assertThat(client.queryValidPaths(List.of(LIB), true, false)).isEqualTo(Set.of(LIB));
        peer.assertReceivedExactly(steps);
      }
    }
  }

  @Test
  void anotherMajorVersionIsRefusedSayingWhatEachSideSpeaksAndWhatToDo() throws Exception {
    Peer peer = new Peer(List.of(handshake(0x300)));

    assertThatThrownBy(() -> ServeClient.connect(peer.process, "future.example.org"))
        .isInstanceOf(UnsupportedNixException.class)
        .hasMessageContaining("Nix on future.example.org speaks nix-store --serve protocol 3.0")
        .hasMessageContaining("does not know: it speaks 2.5 to 2.8 (Nix 2.3 to 2.35, and Lix)")
        .hasMessageContaining("Use a nix-deploy release that supports protocol 3.0, or a Nix on"
            + " future.example.org that speaks 2.8 or older");
  }

  @Test
  void aVersionOlderThanNix23IsRefusedWithAnUpgradeHint() throws Exception {
    Peer peer = new Peer(List.of(handshake(0x204)));

    assertThatThrownBy(() -> ServeClient.connect(peer.process, "old.example.org"))
        .isInstanceOf(UnsupportedNixException.class)
        .hasMessageContaining("Nix on old.example.org is too old: it speaks nix-store --serve protocol 2.4")
        .hasMessageContaining("nix-deploy needs 2.5 to 2.8 (Nix 2.3 or later). Upgrade Nix on old.example.org.");
  }

  @Test
  void versionsCompareAndPrintAsNixDoes() {
    assertThat(ServeVersion.fromWire(0x207)).isEqualTo(new ServeVersion(2, 7));
    assertThat(ServeVersion.fromWire(0x1_0208)).isEqualTo(new ServeVersion(2, 8));
    assertThat(new ServeVersion(2, 8).toWire()).isEqualTo(0x208);
    assertThat(new ServeVersion(2, 10)).isGreaterThan(new ServeVersion(2, 9)).hasToString("2.10");
  }
}
