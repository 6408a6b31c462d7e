package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.Fuzz;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.StorePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile or broken store: it stalls, floods, lies about lengths, describes paths nobody asked about,
 * or hangs up mid-answer. Each time the client must end with a clear error, promptly, never hang.
 */
@Timeout(30)
class ServeClientFaultTest {
  static final StorePath A = StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
  static final StorePath B = StorePath.parse("/nix/store/1c6kzph7l0dcbfmjap64f0czdafn3b7x-b");
  static final Duration SHORT = Duration.ofMillis(300);

  /** A process whose standard output the test writes, byte by byte as it likes. */
  static class Scripted implements RemoteProcess {
    final PipedOutputStream toClient = new PipedOutputStream();
    final PipedInputStream stdout;
    final PipedInputStream fromClient = new PipedInputStream(1024);
    final PipedOutputStream stdin;
    final CountDownLatch closed = new CountDownLatch(1);

    Scripted() throws IOException {
      stdout = new PipedInputStream(toClient, 1 << 16);
      stdin = new PipedOutputStream(fromClient);
    }

    WireOutput out() {
      return new WireOutput(toClient);
    }

    void handshake() throws IOException {
      out().writeLong(ServeClient.SERVER_MAGIC).writeLong(0x207).flush();
    }

    @Override
    public OutputStream stdin() {
      return stdin;
    }

    @Override
    public InputStream stdout() {
      return stdout;
    }

    @Override
    public InputStream stderr() {
      return InputStream.nullInputStream();
    }

    @Override
    public OptionalInt waitFor(Duration timeout) {
      return OptionalInt.empty();
    }

    @Override
    public boolean isAlive() {
      return closed.getCount() > 0;
    }

    @Override
    public void close() {
      closed.countDown();
      try {
        toClient.close();
        fromClient.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }

  private static ServeClient connect(Scripted p) {
    return ServeClient.connect(p, "hostile", SHORT);
  }

  @Test
  void aStoreThatNeverAnswersIsCutOffAfterTheTimeout() throws Exception {
    Scripted p = new Scripted();
    p.handshake();
    try (ServeClient client = connect(p)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.queryValidPaths(List.of(A), false, false))
          .isInstanceOf(CopyFailedException.class)
          .hasMessageContaining("hostile").hasMessageContaining("sent and took nothing for 300 ms")
          .hasMessageContaining("--timeout");
      assertThat(p.closed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
  }

  @Test
  void aStoreThatNeverShakesHandsIsCutOff() throws Exception {
    Scripted p = new Scripted();
    assertThatThrownBy(() -> connect(p)).isInstanceOf(NixDeployException.class)
        .hasMessageContaining("answered nothing for 300 ms");
  }

  @Test
  void aStoreThatTakesNoInputIsCutOff() throws Exception {
    Scripted p = new Scripted();
    p.handshake();
    List<StorePath> many = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      many.add(StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-p" + i));
    }
    try (ServeClient client = connect(p)) {
      assertThatThrownBy(() -> client.queryValidPaths(many, false, false))
          .isInstanceOf(CopyFailedException.class).hasMessageContaining("sent and took nothing");
    }
  }

  @Test
  void hugeCountsAndLengthsAreRefusedBeforeAnythingIsAllocated() throws Exception {
    for (long[] reply : new long[][] {{Long.MAX_VALUE}, {-1}, {1, 1L << 40}, {1, Long.MIN_VALUE}}) {
      Scripted p = new Scripted();
      p.handshake();
      WireOutput out = p.out();
      for (long v : reply) {
        out.writeLong(v);
      }
      out.flush();
      try (ServeClient client = connect(p)) {
        assertThatThrownBy(() -> client.queryValidPaths(List.of(A), false, false))
            .isInstanceOf(CopyFailedException.class).hasMessageContaining("exceeds the limit");
      }
    }
  }

  @Test
  void pathsNobodyAskedAboutAreRefused() throws Exception {
    Scripted p = new Scripted();
    p.handshake();
    p.out().writeLong(1).writeString(B.path()).flush();
    try (ServeClient client = connect(p)) {
      assertThatThrownBy(() -> client.queryValidPaths(List.of(A), false, false))
          .isInstanceOf(CopyFailedException.class).hasMessageContaining(B + " valid, which was not asked about");
    }
    Scripted q = new Scripted();
    q.handshake();
    q.out().writeString(B.path()).flush();
    try (ServeClient client = connect(q)) {
      assertThatThrownBy(() -> client.queryPathInfos(List.of(A)))
          .isInstanceOf(CopyFailedException.class).hasMessageContaining("which was not asked about");
    }
  }

  @Test
  void aStoreThatHangsUpMidAnswerGivesAClearError() throws Exception {
    Scripted p = new Scripted();
    p.handshake();
    WireOutput out = p.out();
    out.writeLong(2).writeString(A.path()).flush();
    p.toClient.write(new byte[] {5, 0, 0});
    p.toClient.close();
    try (ServeClient client = connect(p)) {
      assertThatThrownBy(() -> client.queryValidPaths(List.of(A, B), false, false))
          .isInstanceOf(CopyFailedException.class).hasMessageContaining("querying valid paths on hostile");
    }
  }

  @Test
  void garbageInsteadOfAHandshakeSaysWhatCameBack() throws Exception {
    Scripted p = new Scripted();
    p.toClient.write("Welcome to my shell!\n".getBytes());
    p.toClient.flush();
    assertThatThrownBy(() -> connect(p)).isInstanceOf(NixDeployException.class)
        .hasMessageContaining("did not answer as nix-store --serve");
  }

  /** A seeded random reply after the handshake ({@link Fuzz}): a value or a clear error, never a hang. */
  @Test
  void randomRepliesEndInAnAnswerOrAClearError() {
    Fuzz.check("ServeClientFaultTest.randomReplies", random -> {
      for (int round = 0; round < 200; round++) {
        Scripted p = new Scripted();
        p.handshake();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WireOutput reply = new WireOutput(bytes);
        int longs = random.nextInt(6);
        for (int i = 0; i < longs; i++) {
          reply.writeLong(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(80));
        }
        if (random.nextBoolean()) {
          reply.writeString(random.nextBoolean() ? A.path() : "garbage\0" + random.nextInt());
        }
        reply.flush();
        p.toClient.write(bytes.toByteArray());
        p.toClient.close();
        try (ServeClient client = connect(p)) {
          try {
            if (random.nextBoolean()) {
              assertThat(client.queryValidPaths(List.of(A), false, false)).isSubsetOf(A);
            } else {
              assertThat(client.queryPathInfos(List.of(A)).keySet()).isSubsetOf(A);
            }
          } catch (CopyFailedException expected) {
            assertThat(expected.getMessage()).as("round %d", round).contains("hostile");
          }
        }
      }
    });
  }
}
