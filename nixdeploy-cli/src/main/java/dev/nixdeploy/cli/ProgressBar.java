package dev.nixdeploy.cli;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.PathInfo;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress for a terminal: the lines {@link ConsoleProgress} prints, and below them, while a copy runs,
 * a live bar per receiving host (paths, bytes, rate, time left), redrawn in place with ANSI escapes at
 * most ten times a second. Every other line is printed above the bars.
 */
final class ProgressBar extends ConsoleProgress {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 24;

  /** One copy in progress. */
  static final class Copy {
    final int pathsTotal;
    final long bytesTotal;
    final long started;
    int pathsDone;
    long bytesDone;

    Copy(int pathsTotal, long bytesTotal, long started) {
      this.pathsTotal = pathsTotal;
      this.bytesTotal = bytesTotal;
      this.started = started;
    }
  }

  private final PrintWriter err;
  private final int columns;
  private final LongSupplier clock;
  private final Map<String, Copy> copies = new LinkedHashMap<>();
  private int drawn;
  private long lastDraw;

  ProgressBar(PrintWriter err, boolean everyPath, int columns) {
    this(err, everyPath, columns, System::nanoTime);
  }

  ProgressBar(PrintWriter err, boolean everyPath, int columns, LongSupplier clock) {
    super(err, everyPath);
    this.err = err;
    this.columns = Math.max(40, columns);
    this.clock = clock;
  }

  /** @return the terminal's width: from {@code COLUMNS}, else as {@code stty size} reads it, else 80 */
  static int columns() {
    String env = System.getenv("COLUMNS");
    if (env != null && env.strip().matches("[0-9]{1,4}")) {
      return Integer.parseInt(env.strip());
    }
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String size = new String(stty.getInputStream().readNBytes(64), StandardCharsets.US_ASCII).strip();
      if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0 && size.matches("[0-9]+ [0-9]{1,4}")) {
        return Integer.parseInt(size.substring(size.indexOf(' ') + 1));
      }
      stty.destroyForcibly();
    } catch (IOException e) {
      // No stty or no /dev/tty: the default below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 80;
  }

  @Override
  boolean drawsCopies() {
    return true;
  }

  @Override
  public synchronized void missingPathsFound(String host, int paths, long narBytes) {
    super.missingPathsFound(host, paths, narBytes);
    if (paths > 0) {
      copies.put(host, new Copy(paths, narBytes, clock.getAsLong()));
      redraw(true);
    }
  }

  @Override
  public synchronized void pathCopied(String host, PathInfo path) {
    super.pathCopied(host, path);
    Copy copy = copies.get(host);
    if (copy != null) {
      copy.pathsDone++;
      copy.bytesDone += path.narSize();
      redraw(copy.pathsDone == copy.pathsTotal);
    }
  }

  @Override
  public synchronized void copyFinished(String host, CopyResult result) {
    copies.remove(host);
    super.copyFinished(host, result);
    redraw(true);
  }

  @Override
  synchronized void print(String line) {
    erase();
    line.lines().forEach(l -> err.println(fit(l)));
    draw();
    err.flush();
  }

  private void redraw(boolean now) {
    long t = clock.getAsLong();
    if (!now && t - lastDraw < REDRAW_NANOS) {
      return;
    }
    erase();
    draw();
    err.flush();
  }

  private void erase() {
    if (drawn > 0) {
      // To the start of the first bar, then clear to the end of the screen.
      err.print("\r\033[" + drawn + "F\033[J");
      drawn = 0;
    }
  }

  private void draw() {
    lastDraw = clock.getAsLong();
    copies.forEach((host, copy) -> {
      err.print(fit(bar(host, copy, lastDraw)));
      err.print('\n');
      drawn++;
    });
  }

  /** @return e.g. {@code deploy@web-1 [##########..............] 12/40 paths 3.2 MiB/10.1 MiB 1.5 MiB/s 0:05 left} */
  static String bar(String host, Copy copy, long now) {
    double fraction = copy.bytesTotal == 0 ? 1 : Math.min(1.0, (double) copy.bytesDone / copy.bytesTotal);
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    double seconds = Math.max(1e-3, (now - copy.started) / 1e9);
    long rate = (long) (copy.bytesDone / seconds);
    String left = rate <= 0 ? "--:--" : clock((long) ((copy.bytesTotal - copy.bytesDone) / (double) rate));
    return String.format(Locale.ROOT, "%s [%s%s] %d/%d paths %s/%s %s/s %s left", host,
        "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), copy.pathsDone, copy.pathsTotal,
        bytes(copy.bytesDone), bytes(copy.bytesTotal), bytes(rate), left);
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  private String fit(String line) {
    return line.length() < columns ? line : line.substring(0, columns - 2) + "…";
  }
}
