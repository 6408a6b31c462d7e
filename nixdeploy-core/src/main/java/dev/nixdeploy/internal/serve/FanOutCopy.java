package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Copies one closure from one source store to several destinations at once, reading each NAR from the
 * source once and streaming it to every destination that lacks the path, each path signed once. Every
 * destination has a writer thread fed through a small bounded queue of chunks and a thread reading its
 * confirmations, so memory stays flat (at most {@value #QUEUED_CHUNKS} chunks of {@value #CHUNK} bytes
 * per destination) whatever the closure's size; the source goes as fast as the slowest destination still
 * copying. A destination that fails is dropped and the others go on; if the source fails, every
 * destination stops before completing the NAR at hand, so no store registers a partial path.
 *
 * <pre>{@code
 * List<FanOutCopy.Outcome> outcomes = FanOutCopy.builder().signer(key::sign).build()
 *     .copy(local, local.closure(roots), List.of(web1, web2, web3));
 * }</pre>
 */
public final class FanOutCopy {
  static final int CHUNK = 64 * 1024;
  static final int QUEUED_CHUNKS = 16;
  private static final Object END = new Object();
  private static final Object ABORT = new Object();
  private static final long OFFER_POLL_MS = 50;

  private final @Nullable Function<PathInfo, Signature> signer;
  private final DeployListener listener;
  private final BooleanSupplier cancelled;

  private FanOutCopy(Builder b) {
    this.signer = b.signer;
    this.listener = b.listener;
    this.cancelled = b.cancelled;
  }

  /** @return a builder: no signer, no listener, never cancelled */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What one destination got.
   *
   * @param result what was sent, if its copy succeeded
   * @param error why it failed, if it did
   * @param cancelled whether it stopped because the copy was cancelled
   */
  public record Outcome(Optional<CopyResult> result, Optional<RuntimeException> error, boolean cancelled) {}

  /**
   * @param source the store holding the closure
   * @param closure the closure to copy, read from {@code source}
   * @param destinations the stores to fill; each is used by this call alone until it returns
   * @return one outcome per destination, in the same order; a destination whose copy failed is unusable
   * @throws CopyFailedException never for a destination's failure; only if the source's closure is
   *     empty
   */
  public List<Outcome> copy(ServeClient source, Closure closure, List<ServeClient> destinations) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(closure, "closure");
    List<Sink> sinks = new ArrayList<>();
    for (ServeClient destination : destinations) {
      sinks.add(new Sink(destination, closure));
    }
    List<PathInfo> needed = new ArrayList<>();
    for (PathInfo info : closure.infos()) {
      if (sinks.stream().anyMatch(s -> s.alive() && s.needs.contains(info.path()))) {
        needed.add(info);
      }
    }
    sinks.forEach(Sink::start);
    RuntimeException sourceFailure = null;
    try {
      feed(source, needed, sinks);
    } catch (RuntimeException e) {
      sourceFailure = e;
    }
    for (Sink sink : sinks) {
      sink.offer(sourceFailure == null && !sink.cancelled ? END : ABORT);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Sink sink : sinks) {
      sink.join();
      outcomes.add(sink.outcome(sourceFailure));
    }
    return outcomes;
  }

  private void feed(ServeClient source, List<PathInfo> needed, List<Sink> sinks) {
    int requested = 0;
    for (int i = 0; i < needed.size(); i++) {
      if (cancelled.getAsBoolean()) {
        sinks.forEach(s -> s.cancelled = true);
        return;
      }
      if (requested - i < CopyEngine.DUMPS_AHEAD / 2 && requested < needed.size()) {
        int upTo = Math.min(needed.size(), i + CopyEngine.DUMPS_AHEAD);
        source.requestDumps(needed.subList(requested, upTo).stream().map(PathInfo::path).toList());
        requested = upTo;
      }
      PathInfo info = needed.get(i);
      List<Sink> targets = sinks.stream().filter(s -> s.alive() && s.needs.contains(info.path())).toList();
      PathInfo signed = targets.isEmpty() || signer == null ? info : info.withSignature(signer.apply(info));
      targets.forEach(t -> t.offer(signed));
      InputStream nar = source.dumpStorePath(info.path(), info.narSize());
      long remaining = info.narSize();
      while (remaining > 0) {
        byte[] chunk;
        try {
          chunk = nar.readNBytes((int) Math.min(CHUNK, remaining));
        } catch (IOException e) {
          throw new CopyFailedException(source.host(), info.path(), "Could not read the NAR of "
              + info.path() + " from " + source.host() + ": " + e.getMessage(), e);
        }
        if (chunk.length == 0) {
          throw new CopyFailedException(source.host(), info.path(), "The NAR of " + info.path() + " from "
              + source.host() + " ended " + remaining + " bytes early", null);
        }
        remaining -= chunk.length;
        targets.forEach(t -> t.offer(chunk));
      }
    }
  }

  /** One destination: its queue of chunks, its writer and its reply reader. */
  private final class Sink {
    private final ServeClient store;
    private final String host;
    private final List<PathInfo> missing = new ArrayList<>();
    private final Set<StorePath> needs = new HashSet<>();
    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final long started = System.nanoTime();
    private final List<PathInfo> sent = new ArrayList<>();
    private int alreadyPresent;
    private int confirmed;
    private @Nullable Thread writer;
    private volatile @Nullable RuntimeException failure;
    private volatile boolean cancelled;
    private @Nullable CopyResult result;

    Sink(ServeClient store, Closure closure) {
      this.store = store;
      this.host = store.host();
      listener.closureComputed(host, closure);
      try {
        Set<StorePath> present = store.queryValidPaths(closure.paths(), true, false);
        for (PathInfo info : closure.infos()) {
          if (!present.contains(info.path())) {
            missing.add(info);
            needs.add(info.path());
          }
        }
        alreadyPresent = closure.size() - missing.size();
        listener.missingPathsFound(host, missing.size(), missing.stream().mapToLong(PathInfo::narSize).sum());
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    boolean alive() {
      return failure == null && !cancelled;
    }

    void start() {
      if (failure != null) {
        return;
      }
      Thread t = new Thread(this::write, "nix-deploy fan-out " + host);
      t.setDaemon(true);
      writer = t;
      t.start();
    }

    /** Hands an item to the writer, unless it has failed meanwhile (then it reads no more). */
    void offer(Object item) {
      try {
        while (failure == null && writer != null && !chunks.offer(item, OFFER_POLL_MS, TimeUnit.MILLISECONDS)) {
          // The writer is busy sending; wait for room.
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancelled = true;
      }
    }

    private void write() {
      Thread reader = new Thread(this::readReplies, "nix-deploy replies " + host);
      reader.setDaemon(true);
      reader.start();
      try {
        for (PathInfo expected : missing) {
          Object item = take(expected.path());
          if (!(item instanceof PathInfo info) || !info.path().equals(expected.path())) {
            throw new CopyFailedException(host, expected.path(), "The copy to " + host + " stopped before "
                + expected.path() + (cancelled ? ": cancelled" : ""), null);
          }
          sent.add(info);
          listener.pathCopyStarted(host, info);
          store.sendAddToStoreNar(info, new QueuedNar(info.path()));
          drain(false);
        }
        Object last = take(null);
        if (last != END) {
          throw new CopyFailedException(host, null, "The copy to " + host + " was stopped"
              + (cancelled ? ": cancelled" : ""), null);
        }
        store.flushSent();
        while (confirmed < missing.size()) {
          drain(true);
        }
        long bytes = missing.stream().mapToLong(PathInfo::narSize).sum();
        CopyResult done = new CopyResult(missing.stream().map(PathInfo::path).toList(), bytes, alreadyPresent,
            Duration.ofNanos(System.nanoTime() - started));
        result = done;
        listener.copyFinished(host, done);
      } catch (RuntimeException e) {
        failure = CopyEngine.betterCause(store, replies, e);
        if (confirmed < missing.size()) {
          // Stops its reply reader; the paths it confirmed stay registered.
          store.close();
        }
      }
    }

    private Object take(@Nullable StorePath path) {
      Object item = chunks.poll();
      if (item == null) {
        // About to wait for the source: let the destination work on what it has meanwhile.
        if (path != null || !sent.isEmpty()) {
          store.flushBuffered(path != null ? path : sent.get(sent.size() - 1).path());
        }
        try {
          item = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CopyFailedException(host, path, "Interrupted while copying to " + host, e);
        }
      }
      return item;
    }

    private void readReplies() {
      for (PathInfo info : missing) {
        try {
          store.awaitAddToStoreNarReply(info.path());
          replies.add(Boolean.TRUE);
        } catch (RuntimeException e) {
          replies.add(e);
          return;
        }
      }
    }

    private void drain(boolean block) {
      try {
        Object reply;
        while ((reply = block ? replies.take() : replies.poll()) != null) {
          if (reply instanceof RuntimeException e) {
            throw e;
          }
          listener.pathCopied(host, sent.get(confirmed));
          confirmed++;
          block = false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CopyFailedException(host, null, "Interrupted while copying to " + host, e);
      }
    }

    void join() {
      Thread t = writer;
      if (t == null) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          // The writer ends by itself once fed END or ABORT; wait for it.
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    Outcome outcome(@Nullable RuntimeException sourceFailure) {
      CopyResult done = result;
      if (done != null) {
        return new Outcome(Optional.of(done), Optional.empty(), false);
      }
      RuntimeException error = sourceFailure != null ? sourceFailure : failure;
      return new Outcome(Optional.empty(), Optional.of(error != null ? error
          : new CopyFailedException(host, null, "The copy to " + host + " did not finish", null)), cancelled);
    }

    /** The NAR of one path as the writer reads it: the chunks the source fed, up to the path's size. */
    private final class QueuedNar extends InputStream {
      private final StorePath path;
      private byte @Nullable [] chunk;
      private int offset;

      QueuedNar(StorePath path) {
        this.path = path;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        byte[] current = chunk;
        if (current == null || offset == current.length) {
          Object item = take(path);
          if (!(item instanceof byte[] next)) {
            throw new IOException("the source stopped sending the NAR"
                + (cancelled ? " (cancelled)" : "") + "; nothing of " + path + " was registered");
          }
          current = next;
          chunk = next;
          offset = 0;
        }
        int n = Math.min(len, current.length - offset);
        System.arraycopy(current, offset, b, off, n);
        offset += n;
        return n;
      }
    }
  }

  /** Configures a {@link FanOutCopy}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Function<PathInfo, Signature> signer;
    private DeployListener listener = DeployListener.NONE;
    private BooleanSupplier cancelled = () -> false;

    private Builder() {}

    /** @param signer signs each path once, for every destination; null: none. @return this */
    public Builder signer(@Nullable Function<PathInfo, Signature> signer) {
      this.signer = signer;
      return this;
    }

    /** @param listener told about every destination's progress, with its host. @return this */
    public Builder listener(DeployListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param cancelled asked before each path; once true, no further path is read and every destination
     *     stops (what it confirmed stays registered)
     * @return this
     */
    public Builder cancelled(BooleanSupplier cancelled) {
      this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
      return this;
    }

    /** @return the fan-out copy */
    public FanOutCopy build() {
      return new FanOutCopy(this);
    }
  }
}
