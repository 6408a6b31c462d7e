package dev.nixdeploy.core.activation;

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
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to a host that an activation reads over: the caller's transport first, then, once that
 * drops, new ones from a supplier, tried again and again until a window of time has passed. Closes only
 * the transports it made itself.
 */
final class HostLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostLink.class);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final Transport original;
  private final Supplier<Transport> reconnect;
  private @Nullable Transport current;
  private boolean currentIsOurs;

  HostLink(Transport original, Supplier<Transport> reconnect) {
    this.original = original;
    this.reconnect = reconnect;
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
  Transport transport(long deadlineNanos) {
    return call(t -> t, deadlineNanos);
  }

  /**
   * Runs {@code action} on the transport in use; when it fails with a connection problem, drops that
   * transport and retries on a new one, until the deadline.
   *
   * @throws HostKeyException at once: a changed host key is never retried
   * @throws NixDeployException the last failure, once the deadline has passed
   */
  <T> T call(Function<Transport, T> action, long deadlineNanos) {
    NixDeployException last = null;
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
  @Nullable String readIfExists(String file, long deadlineNanos) {
    CommandResult r = call(t -> t.run(Command.of("sh", "-c", "[ ! -e \"$1\" ] || cat -- \"$1\"", "sh", file)),
        deadlineNanos);
    if (!r.succeeded()) {
      throw new NixDeployException("Cannot read " + file + " on " + host() + ": " + r.stderr().strip());
    }
    return r.stdout().isEmpty() ? null : r.stdout();
  }

  /**
   * Streams the run's log from where it was read up to, to {@code lines}, until {@code untilFile} of the
   * run exists, reconnecting as needed.
   */
  void follow(String dir, String untilFile, OutputLines lines, long deadlineNanos) {
    while (true) {
      boolean finished = call(t -> followOnce(t, dir, untilFile, lines), deadlineNanos);
      if (finished) {
        return;
      }
      drop();
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new NixDeployException("Lost the connection to " + host() + " while the activation ran,"
            + " and could not reconnect");
      }
    }
  }

  private static boolean followOnce(Transport t, String dir, String untilFile, OutputLines lines) {
    Command follow = Command.of("sh", "-c", Scripts.FOLLOW, "sh", dir, Long.toString(lines.offset()),
        untilFile);
    try (RemoteProcess p = t.start(follow)) {
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

  static Supplier<Transport> checked(Supplier<Transport> s) {
    return Objects.requireNonNull(s, "reconnect");
  }
}
