package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetListener;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Target;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Shows a fleet deployment on standard error: on a terminal, one live line per host, redrawn in place;
 * otherwise plain {@code [+] host: …} lines as each host changes step or ends. Then the summary: each
 * host's outcome, and the totals.
 */
final class FleetConsole implements FleetListener, DeployListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final String ESC = "\033[";

  private final PrintWriter err;
  private final boolean live;
  private final boolean quiet;
  private final boolean verbose;
  private final int width;
  private final Map<String, Status> hosts = new LinkedHashMap<>();
  private int drawn;
  private long lastDraw;

  /** What one host is doing, for its line. */
  private static final class Status {
    String text = "waiting";
    /** While the host's copy runs and its missing paths are known: the bar's numbers. */
    ProgressBar.@Nullable Copy copy;
    boolean copying;
  }

  /**
   * @param output how much to print ({@code -q}: only the summary of a failed deployment; {@code -v}: every
   *     path) and where: live lines on a terminal, plain lines elsewhere
   */
  FleetConsole(PrintWriter err, List<Target> targets, Output output) {
    this.err = err;
    this.quiet = output.quiet();
    this.live = output.terminal() && !quiet;
    this.verbose = output.level() == Output.Level.VERBOSE;
    this.width = live ? ProgressBar.columns() : 120;
    targets.forEach(t -> hosts.put(t.toString(), new Status()));
  }

  @Override
  public synchronized void batchStarted(int index, List<Target> batch) {
    if (!live && batch.size() < hosts.size()) {
      plain("[+] batch %d%s: %d host(s)", index, index == 0 ? " (canary)" : "", batch.size());
    }
  }

  @Override
  public synchronized void cacheFilled(BinaryCache cache) {
    plain("[+] closure written to the binary cache %s", cache.uploadUrl());
  }

  @Override
  public synchronized void hostStep(Target host, Step step) {
    Status s = status(host.toString());
    s.text = step.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    s.copying = step == Step.COPYING;
    if (!s.copying) {
      s.copy = null;
    }
    changed(host.toString(), true);
  }

  @Override
  public synchronized void missingPathsFound(String host, int paths, long narBytes) {
    status(host).copy = new ProgressBar.Copy(paths, narBytes, System.nanoTime());
    // The bar's first drawing is a new step: never skipped by the redraw limit.
    changed(host, true);
  }

  @Override
  public synchronized void pathCopied(String host, PathInfo path) {
    ProgressBar.Copy copy = status(host).copy;
    if (copy == null) {
      return;
    }
    copy.pathsDone++;
    copy.bytesDone += path.narSize();
    if (verbose && !live) {
      plain("[+] %s: %d/%d %s", host, copy.pathsDone, copy.pathsTotal, path.path());
    }
    changed(host, false);
  }

  @Override
  public synchronized void rolledBack(String host, ActivationResult.Rollback rollback) {
    status(host).text = "rolled back: " + rollback.reason();
    changed(host, true);
  }

  @Override
  public synchronized void hostFinished(FleetHostResult result) {
    Status s = status(result.host().toString());
    s.copying = false;
    s.copy = null;
    s.text = outcome(result);
    changed(result.host().toString(), true);
  }

  private Status status(String host) {
    return hosts.computeIfAbsent(host, h -> new Status());
  }

  /** @return a copying host's bar (paths, bytes, rate, time left) on a terminal, else its step or outcome */
  private String line(String host, Status s) {
    String full;
    if (s.copying && s.copy != null && live) {
      full = ProgressBar.bar(host, s.copy, System.nanoTime());
    } else if (s.copying && s.copy != null) {
      full = String.format(Locale.ROOT, "%s: copying %d/%d paths, %s of %s", host, s.copy.pathsDone,
          s.copy.pathsTotal, ConsoleProgress.bytes(s.copy.bytesDone), ConsoleProgress.bytes(s.copy.bytesTotal));
    } else {
      full = host + ": " + s.text;
    }
    return full.length() > width - 1 ? full.substring(0, width - 2) + "…" : full;
  }

  /** A host's line changed: redraw (at most ten times a second unless it is a new step), or print it. */
  private void changed(String host, boolean important) {
    if (quiet) {
      return;
    }
    if (!live) {
      if (important) {
        plain("[+] %s", line(host, status(host)));
      }
      return;
    }
    long now = System.nanoTime();
    if (!important && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    StringBuilder b = new StringBuilder();
    if (drawn > 0) {
      b.append(ESC).append(drawn).append('F');
    }
    for (Map.Entry<String, Status> e : hosts.entrySet()) {
      b.append(ESC).append("2K").append(line(e.getKey(), e.getValue())).append('\n');
    }
    drawn = hosts.size();
    err.print(b);
    err.flush();
  }

  private void plain(String format, Object... args) {
    if (quiet) {
      return;
    }
    always(format, args);
  }

  private void always(String format, Object... args) {
    err.println(String.format(Locale.ROOT, format, args));
    err.flush();
  }

  static String outcome(FleetHostResult r) {
    StringBuilder b = new StringBuilder(r.state().label());
    r.copy().ifPresent(c -> b.append(", ").append(c.pathsSent()).append(" paths (")
        .append(ConsoleProgress.bytes(c.bytesSent())).append(") copied"));
    r.activation().ifPresent(a -> b.append(", ").append(a.mode().action()).append(' ')
        .append(a.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
    r.rolledBackTo().ifPresent(p -> b.append(", back on ").append(p));
    r.error().ifPresent(e -> b.append(": ").append(e.replace('\n', ' ')));
    return b.toString();
  }

  /**
   * Prints the summary: the totals, then every host's outcome; with {@code -q}, only when a host did not
   * succeed, and only those hosts.
   */
  synchronized void finish(FleetResult result) {
    if (live) {
      lastDraw = 0;
      changed("", true);
    }
    boolean ok = result.succeeded();
    if (quiet && ok) {
      return;
    }
    always("%s %s", ok ? "[+]" : "[x]", result.summary());
    for (FleetHostResult h : result.hosts()) {
      if (!quiet || !h.succeeded()) {
        always("    %s %s: %s", h.succeeded() ? "+" : "x", h.host(), outcome(h));
      }
    }
    result.stopReason().ifPresent(reason -> always("[x] stopped: %s", reason));
  }
}
