package dev.nixdeploy.testing;

import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code nix-store --serve --write} on a {@link FakeNixHost}: the server side of the serve protocol
 * (version 2.7, as Nix 2.8 speaks it), on a thread of its own, over the host's in-memory store. Paths
 * are added as the host's daemon would: NAR size and hash checked, references valid, and for a user
 * outside {@code trusted-users} a signature by a key the daemon trusts.
 */
final class ServeSession implements RemoteProcess, FakeConnection.Stream {
  static final long CLIENT_MAGIC = 0x390c9debL;
  static final long SERVER_MAGIC = 0x5452eecbL;
  static final int VERSION = 0x207;
  private static final int QUERY_VALID_PATHS = 1;
  private static final int QUERY_PATH_INFOS = 2;
  private static final int DUMP_STORE_PATH = 3;
  private static final int QUERY_CLOSURE = 7;
  private static final int ADD_TO_STORE_NAR = 9;
  private static final String SERVING = "running nix-store --serve --write";

  private final FakeNixHost host;
  private final FakeConnection connection;
  private final boolean trusted;
  private final Pipe stdin;
  private final Pipe stdout;
  private final Pipe stderr;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile int exit = -1;
  private volatile boolean cut;

  ServeSession(FakeNixHost host, FakeConnection connection, boolean trusted) {
    this.host = host;
    this.connection = connection;
    this.trusted = trusted;
    this.stdin = new Pipe(host.name(), SERVING);
    this.stdout = new Pipe(host.name(), SERVING);
    this.stderr = new Pipe(host.name(), SERVING);
    Thread thread = new Thread(this::serve, "fake nix-store --serve on " + host.name());
    thread.setDaemon(true);
    thread.start();
  }

  private void serve() {
    InputStream in = stdin.input();
    OutputStream out = stdout.output();
    PrintStream err = new PrintStream(stderr.output(), true, StandardCharsets.UTF_8);
    try {
      exit = session(in, out, err);
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      exit = 1;
    } catch (ConnectionLostException e) {
      exit = -1;
    } finally {
      stdout.close();
      stderr.close();
      done.countDown();
    }
  }

  private int session(InputStream in, OutputStream out, PrintStream err) throws IOException {
    if (Wire.readLong(in) != CLIENT_MAGIC) {
      err.println("error: protocol mismatch");
      return 1;
    }
    Wire.writeLong(out, SERVER_MAGIC);
    Wire.writeLong(out, VERSION);
    Wire.readLong(in); // the client's version
    while (true) {
      long op;
      try {
        op = Wire.readLong(in);
      } catch (IOException endOfInput) {
        return 0;
      }
      switch ((int) op) {
        case QUERY_VALID_PATHS -> {
          Wire.readBool(in);
          Wire.readBool(in); // substitute: the fake has no substituters
          List<String> valid = new ArrayList<>();
          for (String p : Wire.readStrings(in)) {
            if (host.isValid(StorePath.parse(p))) {
              valid.add(p);
            }
          }
          Wire.writeStrings(out, valid);
        }
        case QUERY_PATH_INFOS -> {
          for (String p : Wire.readStrings(in)) {
            var info = host.pathInfo(StorePath.parse(p));
            if (info.isPresent()) {
              PathInfo i = info.get();
              Wire.writeString(out, p);
              Wire.writeString(out, i.deriver().map(StorePath::path).orElse(""));
              Wire.writeStrings(out, i.references());
              Wire.writeLong(out, i.narSize());
              Wire.writeLong(out, i.narSize());
              Wire.writeString(out, i.narHash().toString());
              Wire.writeString(out, i.contentAddress().orElse(""));
              Wire.writeStrings(out, i.signatures());
            }
          }
          Wire.writeString(out, "");
        }
        case QUERY_CLOSURE -> {
          Wire.readBool(in);
          List<StorePath> roots = new ArrayList<>();
          for (String p : Wire.readStrings(in)) {
            roots.add(StorePath.parse(p));
          }
          var closure = host.closureOf(roots);
          if (closure.isEmpty()) {
            err.println("error: path '" + roots + "' is not valid");
            return 1;
          }
          Wire.writeStrings(out, closure.get());
        }
        case DUMP_STORE_PATH -> {
          StorePath p = StorePath.parse(Wire.readString(in));
          var nar = host.nar(p);
          if (nar.isEmpty()) {
            err.println("error: path '" + p + "' is not valid");
            return 1;
          }
          out.write(nar.get());
        }
        case ADD_TO_STORE_NAR -> {
          Integer failed = addToStoreNar(in, out, err);
          if (failed != null) {
            return failed;
          }
        }
        default -> {
          err.println("error: unknown serve command " + op);
          return 1;
        }
      }
    }
  }

  /** @return null when added, else the exit code nix-store ends with */
  private Integer addToStoreNar(InputStream in, OutputStream out, PrintStream err) throws IOException {
    StorePath path = StorePath.parse(Wire.readString(in));
    String deriver = Wire.readString(in);
    NarHash hash = NarHash.parse("sha256:" + Wire.readString(in));
    List<StorePath> references = new ArrayList<>();
    for (String r : Wire.readStrings(in)) {
      references.add(StorePath.parse(r));
    }
    Wire.readLong(in); // registration time
    long narSize = Wire.readLong(in);
    Wire.readLong(in); // ultimate
    List<Signature> signatures = new ArrayList<>();
    for (String s : Wire.readStrings(in)) {
      signatures.add(Signature.parse(s));
    }
    String ca = Wire.readString(in);
    if (host.dropsBeforeNextPath()) {
      connection.drop();
      return -1;
    }
    if (narSize < 0 || narSize > Integer.MAX_VALUE - 8) {
      err.println("error: NAR of '" + path + "' is too large for the fake store");
      return 1;
    }
    byte[] nar = Wire.readFully(in, (int) narSize);
    PathInfo info = PathInfo.builder(path).narHash(hash).narSize(narSize).references(references)
        .deriver(deriver.isEmpty() ? null : StorePath.parse(deriver))
        .contentAddress(ca.isEmpty() ? null : ca).signatures(signatures).build();
    String refused = host.add(info, nar, trusted);
    if (refused != null) {
      err.println(refused);
      return 1;
    }
    Wire.writeLong(out, 1);
    return null;
  }

  @Override
  public OutputStream stdin() {
    return stdin.output();
  }

  @Override
  public InputStream stdout() {
    return stdout.input();
  }

  @Override
  public InputStream stderr() {
    return stderr.input();
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    boolean ended = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (cut) {
      throw FakeConnection.lost(host.name(), SERVING);
    }
    return ended ? OptionalInt.of(exit) : OptionalInt.empty();
  }

  @Override
  public boolean isAlive() {
    return done.getCount() > 0 && !cut;
  }

  @Override
  public void cut() {
    if (done.getCount() == 0) {
      return;
    }
    cut = true;
    stdin.cut();
    stdout.cut();
    stderr.cut();
  }

  @Override
  public void close() {
    stdin.close();
    try {
      if (!done.await(5, TimeUnit.SECONDS)) {
        cut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cut();
    }
  }
}
