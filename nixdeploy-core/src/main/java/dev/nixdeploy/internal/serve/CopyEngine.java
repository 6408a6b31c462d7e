package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the closure of store paths from one store into another, sending only the paths the destination
 * lacks, in dependency order, each NAR streamed straight from the source's connection into the
 * destination's (memory use does not grow with path size). Requests are pipelined: the next path is sent
 * while the destination still registers the previous ones, and a second thread reads its confirmations.
 * With a signer, each path is signed on the fly (the source store is not modified).
 *
 * <p>Immutable and reusable; one {@link #copy} call per pair of connections at a time.
 *
 * <pre>{@code
 * CopyEngine engine = CopyEngine.builder().signer(key::sign).listener(progress).build();
 * try (ServeClient local = ServeClient.open(LocalTransport.create());
 *      ServeClient remote = ServeClient.open(ssh)) {
 *   engine.copy(local, remote, List.of(path));   // --to;  swap the clients for --from
 * }
 * }</pre>
 */
public final class CopyEngine {
  private static final Logger log = LoggerFactory.getLogger(CopyEngine.class);
  /**
   * How many DumpStorePath requests the source may have queued: it then streams NARs back to back. Each
   * request is under 300 bytes, so they fit in a pipe's or channel's buffer and never block us.
   */
  static final int DUMPS_AHEAD = 64;

  private final @Nullable Function<PathInfo, Signature> signer;
  private final boolean substitute;
  private final DeployListener listener;

  private CopyEngine(Builder b) {
    this.signer = b.signer;
    this.substitute = b.substitute;
    this.listener = b.listener;
  }

  /** @return a builder: no signer, no substitution, no listener */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Copies the closure of {@code roots} from {@code source} to {@code destination}.
   *
   * @param source the store holding the paths
   * @param destination the store to fill
   * @param roots the paths to copy, with everything they reference
   * @return what was sent
   * @throws CopyFailedException naming the host and path that failed; every path the destination
   *     confirmed stays registered, so a new copy sends only what is still missing
   */
  public CopyResult copy(ServeClient source, ServeClient destination, Collection<StorePath> roots) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(roots, "roots");
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("Nothing to copy: roots is empty");
    }
    long start = System.nanoTime();
    String to = destination.host();
    Closure closure = source.closure(roots);
    listener.closureComputed(to, closure);
    Set<StorePath> present = destination.queryValidPaths(closure.paths(), true, substitute);
    List<PathInfo> missing = new ArrayList<>();
    for (PathInfo info : closure.infos()) {
      if (!present.contains(info.path())) {
        missing.add(info);
      }
    }
    long bytes = missing.stream().mapToLong(PathInfo::narSize).sum();
    log.debug("{}: {} of {} paths missing ({} bytes)", to, missing.size(), closure.size(), bytes);
    listener.missingPathsFound(to, missing.size(), bytes);
    if (!missing.isEmpty()) {
      new Transfer(source, destination, missing).run();
    }
    CopyResult result = new CopyResult(missing.stream().map(PathInfo::path).toList(), bytes,
        closure.size() - missing.size(), Duration.ofNanos(System.nanoTime() - start));
    listener.copyFinished(to, result);
    return result;
  }

  private PathInfo signed(PathInfo info) {
    return signer == null ? info : info.withSignature(signer.apply(info));
  }

  /** One pipelined transfer: this thread sends, a reader thread collects the confirmations in order. */
  private final class Transfer {
    private final ServeClient source;
    private final ServeClient destination;
    private final List<PathInfo> missing;
    private final PathInfo[] sent;
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private int confirmed;

    Transfer(ServeClient source, ServeClient destination, List<PathInfo> missing) {
      this.source = source;
      this.destination = destination;
      this.missing = missing;
      this.sent = new PathInfo[missing.size()];
    }

    void run() {
      Thread reader = new Thread(this::readReplies, "nix-deploy replies " + destination.host());
      reader.setDaemon(true);
      reader.start();
      try {
        int requested = 0;
        for (int i = 0; i < missing.size(); i++) {
          if (requested - i < DUMPS_AHEAD / 2 && requested < missing.size()) {
            int upTo = Math.min(missing.size(), i + DUMPS_AHEAD);
            source.requestDumps(missing.subList(requested, upTo).stream().map(PathInfo::path).toList());
            requested = upTo;
          }
          drain(false);
          if (!source.hasInputReady()) {
            // We are about to wait for the source: let the destination work on what we have meanwhile.
            destination.flushSent();
          }
          PathInfo info = signed(missing.get(i));
          sent[i] = info;
          listener.pathCopyStarted(destination.host(), info);
          InputStream nar = source.dumpStorePath(info.path(), info.narSize());
          destination.sendAddToStoreNar(info, nar);
        }
        destination.flushSent();
        while (confirmed < missing.size()) {
          drain(true);
        }
      } catch (CopyFailedException | IllegalStateException e) {
        // An IllegalStateException here means the reply reader found the connection broken meanwhile.
        throw betterCause(e);
      } finally {
        if (reader.isAlive() && confirmed < missing.size()) {
          // Our failure, not the destination's: stop it reading. Confirmed paths stay registered.
          destination.close();
        }
      }
    }

    /** Confirmations arrive in request order; a failure ends the reader. */
    private void readReplies() {
      for (int i = 0; i < missing.size(); i++) {
        try {
          destination.awaitAddToStoreNarReply(missing.get(i).path());
          replies.add(i);
        } catch (RuntimeException e) {
          replies.add(e);
          return;
        }
      }
    }

    private void drain(boolean block) {
      Object reply;
      while ((reply = block ? take() : replies.poll()) != null) {
        if (reply instanceof RuntimeException e) {
          throw e;
        }
        confirmed++;
        listener.pathCopied(destination.host(), sent[(Integer) reply]);
        block = false;
      }
    }

    private Object take() {
      try {
        return replies.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CopyFailedException(destination.host(), null, "Interrupted while copying to "
            + destination.host(), e);
      }
    }

    private RuntimeException betterCause(RuntimeException e) {
      return CopyEngine.betterCause(destination, replies, e);
    }
  }

  /**
   * A write that fails because the destination hung up says little; the destination's answer to the
   * request it was processing (its error message), which its reply reader puts in {@code replies}, says why.
   */
  static RuntimeException betterCause(ServeClient destination, BlockingQueue<Object> replies,
      RuntimeException e) {
    if (!destination.lostWhileSending() && !(e instanceof IllegalStateException)) {
      return e;
    }
    try {
      Object reply;
      while ((reply = replies.poll(30, java.util.concurrent.TimeUnit.SECONDS)) != null) {
        if (reply instanceof CopyFailedException c) {
          if (c != e) {
            c.addSuppressed(e);
          }
          return c;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return e;
  }

  /** Configures a {@link CopyEngine}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Function<PathInfo, Signature> signer;
    private boolean substitute;
    private DeployListener listener = DeployListener.NONE;

    private Builder() {}

    /**
     * @param signer signs each path sent (e.g. {@code key::sign}); the signature is added to the path's
     *     info on the way, the source store is not modified. Without one, paths go with the signatures
     *     they already have.
     * @return this
     */
    public Builder signer(@Nullable Function<PathInfo, Signature> signer) {
      this.signer = signer;
      return this;
    }

    /**
     * @param substitute let the destination first fetch missing paths from its own substituters (its
     *     binary caches), as {@code nix-copy-closure --use-substitutes}
     * @return this
     */
    public Builder substitute(boolean substitute) {
      this.substitute = substitute;
      return this;
    }

    /** @param listener receives progress events; {@link DeployListener#NONE} by default. @return this */
    public Builder listener(DeployListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** @return the engine */
    public CopyEngine build() {
      return new CopyEngine(this);
    }
  }
}
