package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Closure;
import dev.nixdeploy.Command;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.NixNotInstalledException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.UnsupportedNixException;
import dev.nixdeploy.UntrustedSignatureException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A client of {@code nix-store --serve}, the protocol {@code nix-copy-closure} speaks, over one running
 * command: a local subprocess or an SSH exec channel. One client is one conversation: requests are
 * answered in order, so a client is not thread-safe, except that {@link #awaitAddToStoreNarReply} may run
 * on another thread than the one sending (that is how the copy pipelines).
 *
 * <pre>{@code
 * try (ServeClient store = ServeClient.open(transport)) {
 *   Closure closure = store.closure(List.of(path));
 * }
 * }</pre>
 */
public final class ServeClient implements AutoCloseable {
  /** The command that serves a store and accepts new paths. */
  public static final Command SERVE_WRITE = Command.of("nix-store", "--serve", "--write");

  static final long CLIENT_MAGIC = 0x390c9debL;
  static final long SERVER_MAGIC = 0x5452eecbL;
  static final int QUERY_VALID_PATHS = 1;
  static final int QUERY_PATH_INFOS = 2;
  static final int DUMP_STORE_PATH = 3;
  static final int QUERY_CLOSURE = 7;
  static final int ADD_TO_STORE_NAR = 9;
  private static final Duration ERROR_WAIT = Duration.ofSeconds(10);
  /** How a store refuses a path for want of a trusted signature: Nix 2.8, then Nix 2.10 and later and Lix. */
  private static final List<String> UNTRUSTED = List.of("lacks a valid signature",
      "lacks a signature by a trusted key");
  /** How long a store may go without sending or taking a byte while we wait on it, unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  /** Longest store path accepted from a store (Nix's own limit is far lower). */
  static final int MAX_PATH = 4096;
  /** Most references one path may have, and most signatures. */
  static final int MAX_REFERENCES = 1_000_000;
  static final int MAX_SIGNATURES = 1024;
  static final int MAX_SIGNATURE = 1024;
  static final int MAX_HASH = 256;
  static final int MAX_CA = 4096;

  private final String host;
  private final RemoteProcess process;
  private final WireInput in;
  private final WireOutput out;
  private final StderrTail stderr;
  private final StallGuard stall;
  /** For streaming NARs out, reused for every path (only the sending thread touches them). */
  private byte @Nullable [] narBuffer;
  private @Nullable MessageDigest narDigest;
  private @Nullable StorePath unflushed;
  private long serverVersion;
  private ServeVersion protocol = ServeVersion.NEWEST;
  private @Nullable DumpStream activeDump;
  private final Queue<StorePath> requestedDumps = new ArrayDeque<>();
  private volatile boolean broken;
  private volatile boolean lostWhileSending;
  private volatile @Nullable ConnectionLostException lostConnection;

  private ServeClient(String host, RemoteProcess process, Duration timeout) {
    this.host = host;
    this.process = process;
    this.stall = new StallGuard(timeout, process::close);
    this.stderr = new StderrTail(process.stderr(), "nix-store stderr " + host);
    this.in = new WireInput(stall.guard(process.stdout()));
    this.out = new WireOutput(stall.guard(process.stdin()));
  }

  /**
   * Starts {@code nix-store --serve --write} through {@code transport} and shakes hands.
   *
   * @param transport where the store is
   * @return a connected client
   * @throws NixNotInstalledException if {@code nix-store} cannot be run there
   * @throws UnsupportedNixException if the host's Nix speaks a serve protocol this client cannot
   */
  public static ServeClient open(Transport transport) {
    return open(transport, SERVE_WRITE);
  }

  /**
   * Starts {@code nix-store --serve --write} with the progress timeout of the deployer's settings
   * ({@code --timeout}), or {@link #DEFAULT_TIMEOUT}, and shakes hands.
   *
   * @param transport where to run it
   * @param settings the deployer's settings
   * @return a client ready for requests
   */
  public static ServeClient open(Transport transport, dev.nixdeploy.DeployerSettings settings) {
    return open(transport, SERVE_WRITE, settings.ssh().progressTimeout().orElse(DEFAULT_TIMEOUT));
  }

  /**
   * Starts a serving command (e.g. with {@code --store DIR}, or behind {@code sudo}) and shakes hands.
   *
   * @param transport where to run it
   * @param command a command that speaks the serve protocol on its standard streams
   * @return a connected client
   * @throws NixNotInstalledException if the program cannot be run there
   * @throws UnsupportedNixException if the host's Nix speaks a serve protocol this client cannot
   */
  public static ServeClient open(Transport transport, Command command) {
    return open(transport, command, DEFAULT_TIMEOUT);
  }

  /**
   * Starts a serving command and shakes hands; a store that makes no progress for {@code timeout} while
   * the client waits on it (to read an answer or to take a request) is cut off with a clear error.
   *
   * @param transport where to run it
   * @param command a command that speaks the serve protocol on its standard streams
   * @param timeout how long the store may go without sending or taking a byte while the client waits
   * @return a connected client
   */
  public static ServeClient open(Transport transport, Command command, Duration timeout) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    return connect(transport.start(command), transport.host(), timeout);
  }

  /**
   * Shakes hands over an already running serving process; the client owns it from now on.
   *
   * @param process a process speaking the serve protocol
   * @param host its host, for messages
   * @return a connected client
   */
  public static ServeClient connect(RemoteProcess process, String host) {
    return connect(process, host, DEFAULT_TIMEOUT);
  }

  /**
   * @param process a process speaking the serve protocol
   * @param host its host, for messages
   * @param timeout how long the store may go without sending or taking a byte while the client waits
   * @return a connected client
   */
  public static ServeClient connect(RemoteProcess process, String host, Duration timeout) {
    ServeClient client = new ServeClient(host, process, timeout);
    try {
      client.handshake();
      return client;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private void handshake() {
    long magic;
    try {
      out.writeLong(CLIENT_MAGIC).writeLong(ServeVersion.NEWEST.toWire()).flush();
      magic = in.readLong();
    } catch (IOException e) {
      throw startFailure(e);
    }
    if (magic != SERVER_MAGIC) {
      throw new NixDeployException(host + " did not answer as nix-store --serve (it sent 0x"
          + Long.toHexString(magic) + " instead of 0x" + Long.toHexString(SERVER_MAGIC)
          + "). Does a shell start-up file print to standard output there?");
    }
    try {
      serverVersion = in.readLong();
    } catch (IOException e) {
      throw startFailure(e);
    }
    protocol = ServeVersion.negotiate(host, ServeVersion.fromWire(serverVersion));
  }

  private NixDeployException startFailure(IOException e) {
    if (stall.stalled()) {
      return new NixDeployException("Gave up starting nix-store --serve on " + host + ": it answered nothing"
          + " for " + seconds(stall.timeout()) + ". Check the host (a shell start-up file waiting for"
          + " input?), then run again (--timeout SECONDS allows more time).", e);
    }
    OptionalInt exit = exitCode();
    String err = stderr.text();
    if ((exit.isPresent() && exit.getAsInt() == 127) || err.contains("command not found")
        || err.contains("nix-store: not found") || err.contains("No such file or directory")) {
      return new NixNotInstalledException(host, err);
    }
    Optional<String> refused = DaemonAccess.refusal(err, host);
    if (refused.isPresent()) {
      return new NixDeployException(refused.get(), e);
    }
    return new NixDeployException("Could not start nix-store --serve on " + host
        + exit.stream().mapToObj(c -> " (exit code " + c + ")").findFirst().orElse("") + ": "
        + (err.isEmpty() ? e.getMessage() : err), e);
  }

  private OptionalInt exitCode() {
    stderr.awaitEnd(ERROR_WAIT);
    try {
      return process.waitFor(ERROR_WAIT);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    } catch (ConnectionLostException gone) {
      // The session itself died: there is no exit code to learn, but that is the reason to report.
      lostConnection = gone;
      return OptionalInt.empty();
    }
  }

  /** @return the host of the store, for messages and events */
  public String host() {
    return host;
  }

  /** @return the protocol version the server announced, e.g. {@code 0x207} (Nix 2.4 to 2.34) */
  public long serverVersion() {
    return serverVersion;
  }

  /**
   * @return the protocol version both sides speak: the lower of the server's and the newest this client
   *     knows, e.g. {@code 2.7} with Nix 2.8 to 2.34, {@code 2.8} with Nix 2.35
   */
  public String protocolVersion() {
    return protocol.toString();
  }

  /**
   * @param paths paths to ask about
   * @param lock keep the valid ones from garbage collection while this client is connected
   * @param substitute let the store first fetch missing paths from its own substituters
   * @return the paths among {@code paths} that the store holds
   */
  public Set<StorePath> queryValidPaths(Collection<StorePath> paths, boolean lock, boolean substitute) {
    String doing = "querying valid paths";
    ready();
    try {
      out.writeLong(QUERY_VALID_PATHS).writeBool(lock).writeBool(substitute).writeStrings(paths).flush();
      Set<StorePath> valid = readPathSet();
      Set<StorePath> asked = Set.copyOf(paths);
      for (StorePath p : valid) {
        if (!asked.contains(p)) {
          throw new WireInput.ProtocolException("the store called " + p + " valid, which was not asked about");
        }
      }
      return valid;
    } catch (IOException | IllegalArgumentException | ConnectionLostException e) {
      throw failure(doing, null, e);
    }
  }

  /**
   * @param paths paths to describe
   * @return the info of each path the store holds (paths it does not hold are left out)
   */
  public Map<StorePath, PathInfo> queryPathInfos(Collection<StorePath> paths) {
    ready();
    try {
      out.writeLong(QUERY_PATH_INFOS).writeStrings(paths).flush();
      Set<StorePath> asked = Set.copyOf(paths);
      Map<StorePath, PathInfo> infos = new LinkedHashMap<>();
      while (true) {
        String path = in.readString(MAX_PATH);
        if (path.isEmpty()) {
          return infos;
        }
        StorePath p = StorePath.parse(path);
        if (!asked.contains(p) || infos.containsKey(p)) {
          throw new WireInput.ProtocolException("the store described " + p + (infos.containsKey(p)
              ? " twice" : ", which was not asked about"));
        }
        PathInfo info = readPathInfo(p);
        infos.put(info.path(), info);
      }
    } catch (IOException | IllegalArgumentException | ConnectionLostException e) {
      throw failure("querying path infos", null, e);
    }
  }

  private PathInfo readPathInfo(StorePath path) throws IOException {
    String deriver = in.readString(MAX_PATH);
    List<StorePath> references = new ArrayList<>();
    for (String r : in.readStrings(MAX_REFERENCES, MAX_PATH)) {
      references.add(StorePath.parse(r));
    }
    in.readLong(); // download size
    long narSize = in.readLong();
    if (narSize <= 0) {
      throw new WireInput.ProtocolException("the store gave " + path + " a NAR size of "
          + Long.toUnsignedString(narSize));
    }
    NarHash narHash = NarHash.parse(in.readString(MAX_HASH));
    String ca = in.readString(MAX_CA);
    List<Signature> signatures = new ArrayList<>();
    for (String s : in.readStrings(MAX_SIGNATURES, MAX_SIGNATURE)) {
      signatures.add(Signature.parse(s));
    }
    return PathInfo.builder(path)
        .deriver(deriver.isEmpty() ? null : StorePath.parse(deriver))
        .references(references)
        .narSize(narSize)
        .narHash(narHash)
        .contentAddress(ca)
        .signatures(signatures)
        .build();
  }

  /**
   * @param paths starting points
   * @param includeOutputs also the outputs of derivations among them (ignored by Nix 2.8)
   * @return every path reachable from {@code paths} through references, {@code paths} included
   */
  public Set<StorePath> queryClosure(Collection<StorePath> paths, boolean includeOutputs) {
    ready();
    try {
      out.writeLong(QUERY_CLOSURE).writeBool(includeOutputs).writeStrings(paths).flush();
      return readPathSet();
    } catch (IOException | IllegalArgumentException | ConnectionLostException e) {
      throw failure("querying the closure", null, e);
    }
  }

  /**
   * The closure of {@code roots} in this store, with every path's info, in dependency order.
   *
   * @param roots paths the store must hold
   * @return the closure
   * @throws CopyFailedException if a root is not valid in this store
   */
  public Closure closure(Collection<StorePath> roots) {
    Set<StorePath> valid = queryValidPaths(roots, false, false);
    for (StorePath root : roots) {
      if (!valid.contains(root)) {
        throw new CopyFailedException(host, root, root + " is not valid in the Nix store on " + host
            + ": build or fetch it there first", null);
      }
    }
    Set<StorePath> all = queryClosure(roots, false);
    Map<StorePath, PathInfo> infos = queryPathInfos(all);
    for (StorePath p : all) {
      if (!infos.containsKey(p)) {
        throw new CopyFailedException(host, p, p + " vanished from the Nix store on " + host
            + " while its closure was read (garbage collected?); try again", null);
      }
    }
    return Closure.of(roots, infos.values());
  }

  /**
   * Asks for the NAR serialisation of a path. The returned stream gives exactly {@code narSize} bytes and
   * must be read to its end before the next request on this client. If the path was requested ahead with
   * {@link #requestDumps}, its answer is already on the way.
   *
   * @param path a valid path of this store
   * @param narSize its NAR size, from its info
   * @return the NAR bytes, read straight from the connection (nothing is buffered beyond a small window)
   * @throws IllegalStateException if other paths were requested ahead of this one
   */
  public InputStream dumpStorePath(StorePath path, long narSize) {
    readyForDump();
    if (requestedDumps.isEmpty()) {
      requestDumps(List.of(path));
    }
    StorePath next = requestedDumps.poll();
    if (!path.equals(next)) {
      throw new IllegalStateException("The NAR of " + next + " was requested from " + host
          + " before that of " + path + "; read them in the order requested");
    }
    DumpStream dump = new DumpStream(path, narSize);
    activeDump = dump;
    return dump;
  }

  /**
   * Sends DumpStorePath requests ahead, in one write, so that the store streams NARs back to back instead
   * of waiting for each request: this saves a round trip per path. Until every requested NAR has been read
   * with {@link #dumpStorePath}, in the same order, no other request may be made on this client.
   *
   * @param paths valid paths of this store
   */
  void requestDumps(List<StorePath> paths) {
    readyForDump();
    try {
      for (StorePath path : paths) {
        out.writeLong(DUMP_STORE_PATH).writeString(path.path());
      }
      out.flush();
    } catch (IOException e) {
      broken = true;
      throw failure("asking for " + paths.get(0), paths.get(0), e);
    }
    requestedDumps.addAll(paths);
  }

  /**
   * Adds one path: sends its info and NAR and waits for the store to confirm. See
   * {@link #sendAddToStoreNar} for the checks made on the NAR.
   *
   * @param info the path's info, with the signatures to register
   * @param nar its NAR serialisation, {@code info.narSize()} bytes
   */
  public void addToStoreNar(PathInfo info, InputStream nar) {
    sendAddToStoreNar(info, nar);
    flushSent();
    awaitAddToStoreNarReply(info.path());
  }

  /**
   * Sends an AddToStoreNar request without waiting for the answer, so that several can be in flight;
   * each must be matched by one {@link #awaitAddToStoreNarReply}, in order. Exactly
   * {@code info.narSize()} bytes are streamed from {@code nar}, and their SHA-256 is compared with
   * {@code info.narHash()} before the last chunk goes out: a NAR of the wrong size or hash is never
   * completed, the connection is cut, and the store registers nothing of that path.
   *
   * <p>The request stays in this client's buffer until it fills or {@link #flushSent} is called: paths
   * sent back to back then travel together instead of one packet each.
   *
   * @param info the path's info, with the signatures to register
   * @param nar its NAR serialisation
   * @throws CopyFailedException if the NAR is corrupt or either side's connection fails; this client is
   *     then unusable
   */
  void sendAddToStoreNar(PathInfo info, InputStream nar) {
    ready();
    StorePath path = info.path();
    try {
      out.writeLong(ADD_TO_STORE_NAR)
          .writeString(path.path())
          .writeString(info.deriver().map(StorePath::path).orElse(""))
          .writeString(info.narHash().toBase16())
          .writeStrings(info.references())
          .writeLong(0) // registration time: now
          .writeLong(info.narSize())
          .writeLong(0) // ultimate: we did not build it
          .writeStrings(info.signatures())
          .writeString(info.contentAddress().orElse(""));
    } catch (IOException e) {
      throw lostWhileSending(path, e);
    }
    streamNar(info, nar);
  }

  private void streamNar(PathInfo info, InputStream nar) {
    StorePath path = info.path();
    if (narBuffer == null || narDigest == null) {
      narBuffer = new byte[WireOutput.BUFFER];
      narDigest = sha256();
    }
    byte[] buffer = narBuffer;
    MessageDigest sha256 = narDigest;
    sha256.reset();
    unflushed = path;
    long remaining = info.narSize();
    while (remaining > 0) {
      int n;
      try {
        n = nar.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
      } catch (IOException | RuntimeException e) {
        abortUpload();
        throw e instanceof CopyFailedException c ? c : new CopyFailedException(host, path,
            "Could not read the NAR of " + path + ": " + e.getMessage(), e);
      }
      if (n == 0) {
        abortUpload();
        throw new CopyFailedException(host, path, "The NAR of " + path + " ended after "
            + (info.narSize() - remaining) + " of " + info.narSize() + " bytes; nothing was registered",
            null);
      }
      sha256.update(buffer, 0, n);
      remaining -= n;
      if (remaining == 0) {
        NarHash actual = NarHash.of(sha256.digest());
        if (!actual.equals(info.narHash())) {
          abortUpload();
          throw new CopyFailedException(host, path, "The NAR of " + path + " does not match its hash"
              + " (expected " + info.narHash() + ", got " + actual + "): the source store may be corrupt,"
              + " check it with nix-store --verify --check-contents; the path was not sent", null);
        }
      }
      try {
        out.writeRaw(buffer, 0, n);
      } catch (IOException e) {
        throw lostWhileSending(path, e);
      }
    }
  }

  /**
   * Sends what {@link #sendAddToStoreNar} left in the buffer. Call it before waiting for anything the
   * store can only answer once it has those requests.
   *
   * @throws CopyFailedException naming the last path sent if the connection fails
   */
  void flushSent() {
    StorePath path = unflushed;
    if (path == null) {
      return;
    }
    try {
      out.flush();
      unflushed = null;
    } catch (IOException e) {
      throw lostWhileSending(path, e);
    }
  }

  /**
   * Sends what is buffered now, also in the middle of a NAR: for a sender about to wait for more of the
   * NAR's bytes. {@link #flushSent} is still needed after the request's last bytes.
   *
   * @param path the path being sent, for messages
   * @throws CopyFailedException naming {@code path} if the connection fails
   */
  void flushBuffered(StorePath path) {
    try {
      out.flush();
    } catch (IOException e) {
      throw lostWhileSending(path, e);
    }
  }

  /**
   * @return true if the store's answer has bytes that can be read now without waiting (e.g. a NAR
   *     requested ahead is arriving); false if a read would wait, or if that cannot be told
   */
  boolean hasInputReady() {
    try {
      return in.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private CopyFailedException lostWhileSending(StorePath path, IOException e) {
    broken = true;
    lostWhileSending = true;
    return failure("sending " + path, path, e);
  }

  /** Cuts the upload mid-NAR: the server sees end-of-file inside the NAR and registers nothing of it. */
  private void abortUpload() {
    broken = true;
    try {
      // The complete requests before this one go out; this one's NAR stays incomplete.
      out.flush();
    } catch (IOException e) {
      // The store is gone: nothing more arrives there anyway.
    }
    try {
      process.stdin().close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  /**
   * Waits for the store's answer to the oldest AddToStoreNar request still unanswered.
   *
   * @param path the path of that request, for messages
   * @throws CopyFailedException (or {@link UntrustedSignatureException}) with what the store printed
   */
  void awaitAddToStoreNarReply(StorePath path) {
    try {
      long reply = in.readLong();
      if (reply != 1) {
        throw new WireInput.ProtocolException("AddToStoreNar answered " + reply + " instead of 1");
      }
    } catch (IOException | ConnectionLostException e) {
      broken = true;
      throw failure("adding " + path, path, e);
    }
  }

  /**
   * @return true if the server hung up while we were sending: its own error, read by whoever awaits its
   *     replies, says more than the broken pipe
   */
  boolean lostWhileSending() {
    return lostWhileSending;
  }

  private Set<StorePath> readPathSet() throws IOException {
    Set<StorePath> paths = new LinkedHashSet<>();
    for (String s : in.readStrings(WireInput.MAX_LIST, MAX_PATH)) {
      paths.add(StorePath.parse(s));
    }
    return paths;
  }

  private void ready() {
    if (!requestedDumps.isEmpty()) {
      throw new IllegalStateException("NARs requested from " + host + " are still to be read: "
          + requestedDumps.peek());
    }
    readyForDump();
  }

  private void readyForDump() {
    if (broken) {
      throw new IllegalStateException("The connection to " + host + " broke during an earlier transfer;"
          + " open a new one");
    }
    if (activeDump != null && activeDump.remaining > 0) {
      throw new IllegalStateException("The NAR of " + activeDump.path + " from " + host
          + " must be read to its end before the next request");
    }
  }

  /** Builds the exception for a failed exchange, with what the server printed before it closed. */
  CopyFailedException failure(String doing, @Nullable StorePath path, Exception cause) {
    if (stall.stalled()) {
      return new CopyFailedException(host, path, "Gave up " + doing + " on " + host + ": it sent and took"
          + " nothing for " + seconds(stall.timeout()) + ". The host or its nix-store is stuck, or the"
          + " network is; check the host, then run again (--timeout SECONDS allows more time).", cause);
    }
    // After a malformed answer the server may still run: only a lost connection is worth waiting on.
    boolean lost = cause instanceof IOException && !(cause instanceof WireInput.ProtocolException);
    OptionalInt exit = lost ? exitCode() : OptionalInt.empty();
    String err = stderr.text();
    if (path != null && UNTRUSTED.stream().anyMatch(err::contains)) {
      return new UntrustedSignatureException(host, path, err);
    }
    String said = err.isEmpty() ? "" : " The host said: " + err;
    ConnectionLostException gone = cause instanceof ConnectionLostException c ? c : lostConnection;
    if (gone != null) {
      if (gone != cause) {
        gone.addSuppressed(cause);
      }
      return new CopyFailedException(host, path, "Failed " + doing + " on " + host + ": "
          + gone.getMessage() + said, gone);
    }
    String how = exit.isPresent() ? " (nix-store exited with code " + exit.getAsInt() + ")" : "";
    return new CopyFailedException(host, path, "Failed " + doing + " on " + host + ": "
        + cause.getMessage() + how + "." + said, cause);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  /**
   * Ends the conversation: closes the server's input so it exits, then releases the process. A server
   * still streaming NARs nobody will read never sees that end-of-file (it is blocked writing), so then
   * the process is ended at once instead of waited for.
   */
  @Override
  public void close() {
    stall.close();
    try {
      out.close();
    } catch (IOException e) {
      // The server is gone already.
    }
    boolean unreadOutput = broken || !requestedDumps.isEmpty()
        || (activeDump != null && activeDump.remaining > 0);
    if (unreadOutput) {
      process.close();
      return;
    }
    try {
      process.waitFor(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ConnectionLostException e) {
      // The session died: nothing left to wait for, and closing must not hide the copy's own failure.
    }
    process.close();
  }

  @Override
  public String toString() {
    return "ServeClient{" + host + "}";
  }

  /** Exactly narSize bytes of a DumpStorePath answer, read straight from the connection. */
  private final class DumpStream extends InputStream {
    private final StorePath path;
    private final long narSize;
    private long remaining;

    DumpStream(StorePath path, long narSize) {
      this.path = path;
      this.narSize = narSize;
      this.remaining = narSize;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      try {
        int n = in.readSome(b, off, (int) Math.min(len, remaining));
        remaining -= n;
        return n;
      } catch (IOException | ConnectionLostException e) {
        broken = true;
        throw failure("sending the NAR of " + path + " (" + (narSize - remaining) + " of " + narSize
            + " bytes read)", path, e);
      }
    }
  }
}
