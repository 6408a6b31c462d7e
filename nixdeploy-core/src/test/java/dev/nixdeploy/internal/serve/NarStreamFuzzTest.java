package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.Fuzz;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NARs as a hostile or corrupt source hands them over, read by the serve client on their way to a store:
 * random contents and sizes, then a flipped byte, a cut, extra bytes or nothing changed. An intact NAR
 * arrives whole; any other is refused with a clear error before its last byte is sent, so the receiving
 * store never completes (and registers) a corrupt path.
 */
@Timeout(60)
class NarStreamFuzzTest {
  private static final StorePath PATH = StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-fuzz");

  /** A store that shook hands and takes whatever it is sent. */
  private static final class Sink extends ServeClientFaultTest.Scripted {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    Sink() throws IOException {
      handshake();
    }

    @Override
    public OutputStream stdin() {
      return received;
    }
  }

  @Test
  void intactNarsArriveWholeAndCorruptOnesNeverDo() {
    Fuzz.check("NarStreamFuzzTest.mutations", random -> {
      for (int round = 0; round < 300; round++) {
        byte[] nar = new byte[1 + random.nextInt(random.nextBoolean() ? 200 : 200_000)];
        random.nextBytes(nar);
        PathInfo info = PathInfo.builder(PATH).narSize(nar.length)
            .narHash(NarHash.of(MessageDigest.getInstance("SHA-256").digest(nar))).build();
        int mutation = random.nextInt(4);
        byte[] sent = mutate(nar, mutation, random);
        Sink sink = new Sink();
        ServeClient client = ServeClient.connect(sink, "hostile", Duration.ofSeconds(5));
        int handshake = sink.received.size();
        String where = "round " + round + ", mutation " + mutation + ", " + nar.length + " bytes";
        try {
          client.sendAddToStoreNar(info, new ByteArrayInputStream(sent));
          client.flushSent();
          assertThat(mutation).as("a corrupt NAR was accepted: %s", where).isZero();
          byte[] all = sink.received.toByteArray();
          assertThat(Arrays.copyOfRange(all, all.length - nar.length, all.length)).as(where).isEqualTo(nar);
        } catch (CopyFailedException e) {
          assertThat(mutation).as("an intact NAR was refused (%s): %s", where, e.getMessage()).isNotZero();
          assertThat(e.getMessage()).as(where).contains(PATH.path()).containsAnyOf("does not match its hash",
              "ended after");
          assertThat(sink.received.size() - handshake).as("the last byte is never sent: %s", where)
              .isLessThan(headerSize(info) + nar.length);
        } finally {
          client.close();
        }
      }
    });
  }

  /** 0: as is; 1: one byte flipped; 2: cut short; 3: extra bytes after a flipped one. */
  private static byte[] mutate(byte[] nar, int mutation, Random random) {
    byte[] out;
    switch (mutation) {
      case 1 -> {
        out = nar.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
      }
      case 2 -> out = Arrays.copyOf(nar, random.nextInt(nar.length));
      case 3 -> {
        out = Arrays.copyOf(nar, nar.length + 1 + random.nextInt(100));
        out[random.nextInt(nar.length)] ^= 1;
      }
      default -> out = nar;
    }
    return out;
  }

  /** The bytes of an AddToStoreNar request before its NAR. */
  private static int headerSize(PathInfo info) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    new WireOutput(b).writeLong(0).writeString(info.path().path()).writeString("")
        .writeString(info.narHash().toBase16()).writeLong(0).writeLong(0).writeLong(0).writeLong(0)
        .writeLong(0).writeString("").flush();
    return b.size();
  }
}
