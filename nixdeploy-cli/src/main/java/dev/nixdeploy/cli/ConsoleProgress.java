package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.StorePath;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders deployment progress as {@code [+] …} lines on standard error, like the original nix-deploy:
 * keys, what is copied (a line each tenth of the bytes, or each path with {@code --verbose}), totals,
 * then the activation's own output, indented, and its outcome. {@link ProgressBar} draws the copy as a
 * live bar instead, on a terminal.
 */
class ConsoleProgress implements DeployListener {
  private final PrintWriter err;
  private final boolean everyPath;
  private boolean activationOutputShown;
  private long bytesTotal;
  private long bytesDone;
  private int pathsTotal;
  private int pathsDone;
  private int lastTenth;

  ConsoleProgress(PrintWriter err, boolean everyPath) {
    this.err = err;
    this.everyPath = everyPath;
  }

  @Override
  public synchronized void keyGenerated(String host, PublicKey key) {
    line("[+] %s: generated signing key %s", host, key);
  }

  @Override
  public synchronized void keyTrusted(String host, PublicKey key, boolean daemonRestarted) {
    line("[+] %s: now trusts %s%s", host, key.name(), daemonRestarted ? " (nix-daemon restarted)" : "");
  }

  @Override
  public synchronized void closureComputed(String host, Closure closure) {
    line("[+] %s: closure of %d paths, %s", host, closure.size(), bytes(closure.totalNarSize()));
  }

  @Override
  public synchronized void missingPathsFound(String host, int paths, long narBytes) {
    pathsTotal = paths;
    bytesTotal = narBytes;
    pathsDone = 0;
    bytesDone = 0;
    lastTenth = 0;
    line(paths == 0 ? "[+] %s: already has everything" : "[+] %s: sending %d paths, %s", host,
        paths, bytes(narBytes));
  }

  @Override
  public synchronized void pathCopied(String host, PathInfo path) {
    pathsDone++;
    bytesDone += path.narSize();
    int tenth = bytesTotal == 0 ? 10 : (int) (bytesDone * 10 / bytesTotal);
    if (everyPath) {
      line("[+] %s: %d/%d %s", host, pathsDone, pathsTotal, path.path());
    } else if (tenth > lastTenth && pathsDone < pathsTotal && !drawsCopies()) {
      line("[+] %s: %d/%d paths, %s of %s", host, pathsDone, pathsTotal, bytes(bytesDone),
          bytes(bytesTotal));
    }
    lastTenth = tenth;
  }

  @Override
  public synchronized void copyFinished(String host, CopyResult result) {
    line("[+] %s: sent %d paths, %s in %.1f s (%d already there)", host, result.pathsSent(),
        bytes(result.bytesSent()), result.duration().toMillis() / 1000.0, result.alreadyPresent());
  }

  @Override
  public synchronized void activationStarted(String host, StorePath system, ActivationMode mode) {
    line("[+] %s: %s %s", host, mode.action(), system);
  }

  @Override
  public synchronized void activationOutput(String host, String output) {
    activationOutputShown = true;
    line("    %s", output);
  }

  /** @return whether the activation's lines were printed as they came */
  synchronized boolean activationOutputShown() {
    return activationOutputShown;
  }

  @Override
  public synchronized void rolledBack(String host, ActivationResult.Rollback rollback) {
    line("[x] %s: rolled back: %s", host, rollback.reason());
  }

  @Override
  public synchronized void rebooting(String host) {
    line("[+] %s: rebooting, waiting for it to come back", host);
  }

  @Override
  public synchronized void activationFinished(String host, ActivationResult result) {
    line("[%s] %s", result.succeeded() ? "+" : "x", result.summary());
  }

  /** @return whether copies are drawn otherwise (a bar), so the tenth-of-the-bytes lines are left out */
  boolean drawsCopies() {
    return false;
  }

  private void line(String format, Object... args) {
    print(String.format(Locale.ROOT, format, args));
  }

  /** Prints one line of progress. */
  synchronized void print(String line) {
    err.println(line);
    err.flush();
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int unit = -1;
    while (v >= 1024 && unit < units.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
  }
}
