package dev.nixdeploy.internal.activation;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to a host that an activation reads over: the caller's transport first, then, once that
 * drops, new ones from a supplier, tried again and again. Each drop gets its own reconnect window,
 * measured from the moment of that drop, however long the activation has run. Closes only the transports
 * it made itself.
 */
final class HostLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostLink.class);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  /**
   * How long a log follower must have run (or how much it must have read) for its end to count as a new
   * drop; one that ends sooner is a failed attempt of the current drop, so a host that takes the
   * connection and ends it at once cannot keep the follower retrying forever.
   */
  private static final Duration WORKED = Duration.ofSeconds(5);

  private final Transport original;
  private final Supplier<Transport> reconnect;
  private final Duration reconnectWindow;
  private @Nullable Transport current;
  private boolean currentIsOurs;

  /**
   * @param reconnectWindow how long to keep trying after each drop of the connection
   */
  HostLink(Transport original, Supplier<Transport> reconnect, Duration reconnectWindow) {
    this.original = original;
    this.reconnect = reconnect;
    this.reconnectWindow = reconnectWindow;
    this.current = original;
  }

  String host() {
    return original.host();
  }

  /** @return whether the caller's transport is still the one in use */
  boolean onOriginal() {
    return current == original;
  }

  /** @return the transport in use, connecting a new one if the last one was dropped */
  Transport transport() {
    return call(t -> t);
  }

  /**
   * Runs {@code action} on the transport in use; when it fails with a connection problem, drops that
   * transport and retries on a new one, for the reconnect window from that first failure.
   *
   * @throws HostKeyException at once: a changed host key is never retried
   * @throws NixDeployException the last failure, once the window has passed
   */
  <T> T call(Function<Transport, T> action) {
    return call(action, null);
  }

  /**
   * As {@link #call(Function)}, retrying until a fixed deadline instead (e.g. a host's reboot timeout).
   */
  <T> T call(Function<Transport, T> action, long deadlineNanos) {
    return call(action, Long.valueOf(deadlineNanos));
  }

  private <T> T call(Function<Transport, T> action, @Nullable Long fixedDeadline) {
    NixDeployException last = null;
    long deadlineNanos = 0;
    boolean failing = false;
    while (true) {
      try {
        if (current == null) {
          current = reconnect.get();
          currentIsOurs = true;
          LOG.debug("reconnected to {}", current.host());
        }
        return action.apply(current);
      } catch (HostKeyException e) {
        throw e;
      } catch (NixDeployException | UncheckedIOException e) {
        last = e instanceof NixDeployException n ? n
            : new NixDeployException("Lost the connection to " + host() + ": " + e.getMessage(), e);
        LOG.debug("connection to {} failed: {}", host(), e.getMessage());
        drop();
      }
      if (!failing) {
        failing = true;
        deadlineNanos = fixedDeadline != null ? fixedDeadline : System.nanoTime() + reconnectWindow.toNanos();
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw last;
      }
      pause(RETRY_PAUSE);
    }
  }

  /** Forgets the transport in use (closing it if it is ours): the next call reconnects. */
  void drop() {
    Transport t = current;
    current = null;
    if (t != null && currentIsOurs) {
      closeQuietly(t);
    }
    currentIsOurs = false;
  }

  /** @return a file's content, or null if it does not exist (yet) */
  @Nullable String readIfExists(String file) {
    CommandResult r = call(t -> t.run(Command.of("sh", "-c", "[ ! -e \"$1\" ] || cat -- \"$1\"", "sh", file)));
    if (!r.succeeded()) {
      throw new NixDeployException("Cannot read " + file + " on " + host() + ": " + r.stderr().strip());
    }
    return r.stdout().isEmpty() ? null : r.stdout();
  }

  /**
   * Streams the run's log from where it was read up to, to {@code lines}, until {@code untilFile} of the
   * run exists, reconnecting as needed: after each drop, for the reconnect window from that drop.
   *
   * @throws HostKeyException at once: a changed host key is never retried
   * @throws NixDeployException if the host could not be reached again within the window of a drop
   */
  void follow(String dir, String untilFile, OutputLines lines) {
    long lostAt = 0;
    boolean lost = false;
    while (true) {
      Attempt attempt = new Attempt(lines.offset());
      String why;
      try {
        if (followOnce(transport(), dir, untilFile, lines, attempt)) {
          return;
        }
        why = "the log follower ended early";
      } catch (HostKeyException e) {
        throw e;
      } catch (NixDeployException | UncheckedIOException e) {
        why = e.getMessage();
      }
      LOG.debug("following the activation on {} stopped: {}", host(), why);
      drop();
      long now = System.nanoTime();
      if (!lost || attempt.worked(lines.offset(), now)) {
        lost = true;
        lostAt = now;
      }
      if (now - lostAt - reconnectWindow.toNanos() > 0) {
        throw new NixDeployException("Lost the connection to " + host() + " while the activation ran, and"
            + " could not reconnect within " + reconnectWindow.toSeconds() + "s (" + why + ")");
      }
      pause(RETRY_PAUSE);
    }
  }

  /** One run of the log follower: when it started streaming, and from which byte. */
  private static final class Attempt {
    private final long fromOffset;
    private long startedNanos;
    private boolean started;

    Attempt(long fromOffset) {
      this.fromOffset = fromOffset;
    }

    void started() {
      started = true;
      startedNanos = System.nanoTime();
    }

    boolean worked(long offset, long now) {
      return started && (offset > fromOffset || now - startedNanos >= WORKED.toNanos());
    }
  }

  private static boolean followOnce(Transport t, String dir, String untilFile, OutputLines lines,
      Attempt attempt) {
    Command follow = Command.of("sh", "-c", Scripts.FOLLOW, "sh", dir, Long.toString(lines.offset()),
        untilFile);
    try (RemoteProcess p = t.start(follow)) {
      attempt.started();
      p.stdin().close();
      InputStream out = p.stdout();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = out.read(buffer)) > 0) {
        lines.accept(buffer, n);
      }
      return p.waitFor(Duration.ofSeconds(30)).orElse(-1) == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("Interrupted while following the activation on " + t.host(), e);
    }
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("Interrupted", e);
    }
  }

  private static void closeQuietly(Transport t) {
    try {
      t.close();
    } catch (RuntimeException e) {
      LOG.debug("closing {} failed: {}", t.host(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (currentIsOurs) {
      drop();
    }
  }

  @Override
  public String toString() {
    return "HostLink{" + host() + (onOriginal() ? "" : ", reconnected") + "}";
  }
}
