package dev.nixdeploy.internal.serve;

import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An in-memory store speaking the server side of {@code nix-store --serve} over piped streams, with
 * scripted misbehaviour: withheld replies (to observe pipelining), refused paths, a connection cut.
 */
final class FakeServeServer {
  final Map<StorePath, PathInfo> infos = new LinkedHashMap<>();
  final Map<StorePath, byte[]> nars = new LinkedHashMap<>();
  /** DumpStorePath requests answered, in order. */
  final List<StorePath> dumped = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** AddToStoreNar requests fully received, in order. */
  final List<StorePath> received = new ArrayList<>();

  long version = 0x207;
  /** Hold AddToStoreNar replies until this many requests arrived (or the input ends). */
  int holdRepliesUntil = 0;
  /** How many requests had arrived when the first reply went out. */
  volatile int receivedBeforeFirstReply = -1;
  Predicate<StorePath> refuse = p -> false;
  /** Cut the connection after reading this many NAR bytes of an AddToStoreNar (negative: never). */
  long cutAfterNarBytes = -1;
  /** Serve these bytes instead of the real NAR on DumpStorePath. */
  final Map<StorePath, byte[]> corruptDumps = new LinkedHashMap<>();

  /** @return a store path named {@code name}, its hash made from the name */
  static StorePath path(String name) {
    byte[] hash = sha256(name.getBytes(StandardCharsets.UTF_8));
    return StorePath.parse("/nix/store/" + dev.nixdeploy.NixBase32.encode(java.util.Arrays.copyOf(hash, 20))
        + "-" + name);
  }

  static byte[] narOf(String content) {
    return ("nar:" + content).getBytes(StandardCharsets.UTF_8);
  }

  /** Adds a path with the given NAR and references. */
  PathInfo add(StorePath path, byte[] nar, StorePath... references) {
    PathInfo info = PathInfo.builder(path).narHash(NarHash.of(sha256(nar))).narSize(nar.length)
        .references(List.of(references)).build();
    infos.put(path, info);
    nars.put(path, nar);
    return info;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts serving on a new thread; returns the client's view of the conversation. */
  Process start() throws IOException {
    return new Process(this);
  }

  /** The client's side: what a transport would return. */
  static final class Process implements RemoteProcess {
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final PipedInputStream stdout = new PipedInputStream(1 << 20);
    private final PipedInputStream stderr = new PipedInputStream(1 << 16);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int exit = -1;
    private final Thread thread;

    Process(FakeServeServer server) throws IOException {
      PipedInputStream serverIn = new PipedInputStream(stdin, 1 << 20);
      PipedOutputStream serverOut = new PipedOutputStream(stdout);
      PipedOutputStream serverErr = new PipedOutputStream(stderr);
      thread = new Thread(() -> {
        try (serverIn; serverOut; PrintStream err = new PrintStream(serverErr, true, StandardCharsets.UTF_8)) {
          exit = server.serve(new WireInput(serverIn), new WireOutput(serverOut), err);
        } catch (IOException e) {
          exit = 1;
        } finally {
          done.countDown();
        }
      }, "fake nix-store --serve");
      thread.setDaemon(true);
      thread.start();
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
      return stderr;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(exit) : OptionalInt.empty();
    }

    @Override
    public boolean isAlive() {
      return done.getCount() > 0;
    }

    /**
     * Ends the input and waits (a bounded time) until the server has handled what it was sent, as a
     * real {@code nix-store --serve} finishes importing before it exits: tests then see its final state.
     */
    @Override
    public void close() {
      try {
        stdin.close();
        done.await(30, TimeUnit.SECONDS);
      } catch (IOException e) {
        // ignore
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Serves until the input ends; returns the exit code, printing errors like Nix does. */
  private int serve(WireInput in, WireOutput out, PrintStream err) throws IOException {
    if (in.readLong() != ServeClient.CLIENT_MAGIC) {
      err.println("error: protocol mismatch");
      return 1;
    }
    out.writeLong(ServeClient.SERVER_MAGIC).writeLong(version).flush();
    in.readLong(); // client version
    int pendingReplies = 0;
    while (true) {
      long op;
      try {
        op = in.readLong();
      } catch (IOException eof) {
        flushReplies(out, pendingReplies);
        return 0;
      }
      switch ((int) op) {
        case ServeClient.QUERY_VALID_PATHS -> {
          in.readLong();
          in.readLong();
          List<String> valid = in.readStrings().stream()
              .filter(p -> infos.containsKey(StorePath.parse(p))).toList();
          out.writeStrings(valid);
        }
        case ServeClient.QUERY_PATH_INFOS -> {
          for (String p : in.readStrings()) {
            PathInfo info = infos.get(StorePath.parse(p));
            if (info != null) {
              out.writeString(p).writeString("").writeStrings(info.references())
                  .writeLong(info.narSize()).writeLong(info.narSize())
                  .writeString(info.narHash().toString()).writeString("").writeStrings(info.signatures());
            }
          }
          out.writeString("");
        }
        case ServeClient.QUERY_CLOSURE -> {
          in.readLong();
          List<StorePath> todo = new ArrayList<>(in.readStrings().stream().map(StorePath::parse).toList());
          java.util.Set<StorePath> seen = new java.util.TreeSet<>();
          while (!todo.isEmpty()) {
            StorePath p = todo.remove(todo.size() - 1);
            if (seen.add(p)) {
              todo.addAll(infos.get(p).references());
            }
          }
          out.writeStrings(seen);
        }
        case ServeClient.DUMP_STORE_PATH -> {
          StorePath p = StorePath.parse(in.readString());
          byte[] nar = corruptDumps.getOrDefault(p, nars.get(p));
          dumped.add(p);
          out.writeRaw(nar, 0, nar.length);
        }
        case ServeClient.ADD_TO_STORE_NAR -> {
          StorePath path = StorePath.parse(in.readString());
          in.readString();
          NarHash hash = NarHash.parse("sha256:" + in.readString());
          List<StorePath> refs = in.readStrings().stream().map(StorePath::parse).toList();
          in.readLong();
          long narSize = in.readLong();
          in.readLong();
          List<String> sigs = in.readStrings();
          in.readString();
          for (StorePath r : refs) {
            if (!r.equals(path) && !infos.containsKey(r)) {
              err.println("error: path '" + r + "' is not valid");
              return 1;
            }
          }
          byte[] nar = new byte[(int) narSize];
          if (cutAfterNarBytes >= 0) {
            in.readFully(nar, 0, (int) Math.min(cutAfterNarBytes, narSize));
            return 255; // the connection dies without a word
          }
          try {
            in.readFully(nar, 0, nar.length);
          } catch (IOException e) {
            err.println("error: unexpected end-of-file");
            return 1;
          }
          if (refuse.test(path)) {
            err.println("error: cannot add path '" + path + "' because it lacks a valid signature");
            return 1;
          }
          if (!NarHash.of(sha256(nar)).equals(hash)) {
            err.println("error: hash mismatch importing path '" + path + "'");
            return 1;
          }
          infos.put(path, PathInfo.builder(path).narHash(hash).narSize(narSize).references(refs)
              .signatures(sigs.stream().map(dev.nixdeploy.Signature::parse).toList()).build());
          nars.put(path, nar);
          received.add(path);
          pendingReplies++;
          if (received.size() >= holdRepliesUntil) {
            pendingReplies = flushReplies(out, pendingReplies);
          }
        }
        default -> {
          err.println("error: unknown serve command " + op);
          return 1;
        }
      }
      out.flush();
    }
  }

  private int flushReplies(WireOutput out, int pending) throws IOException {
    if (pending > 0 && receivedBeforeFirstReply < 0) {
      receivedBeforeFirstReply = received.size();
    }
    for (int i = 0; i < pending; i++) {
      out.writeLong(1);
    }
    out.flush();
    return 0;
  }
}
