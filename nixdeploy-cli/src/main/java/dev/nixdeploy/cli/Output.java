package dev.nixdeploy.cli;

import dev.nixdeploy.DeployListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How much a command prints on standard error: {@code -q} errors only, {@code -v} also every path and
 * the commands run on hosts; on a terminal a live progress bar, elsewhere plain {@code [+]} lines.
 */
final class Output {
  enum Level { QUIET, NORMAL, VERBOSE }

  private static final String LOG = "org.slf4j.simpleLogger.";

  private final Level level;
  private final PrintWriter err;
  private final boolean terminal;
  private ConsoleProgress progress;

  private Output(Level level, PrintWriter err, boolean terminal) {
    this.level = level;
    this.err = err;
    this.terminal = terminal;
  }

  /** Reads {@code -q} and {@code -v} wherever on the command line they were given. */
  static Output of(CommandSpec spec) {
    ParseResult root = spec.root().commandLine().getParseResult();
    boolean quiet = matched(root, "--quiet");
    boolean verbose = matched(root, "--verbose");
    if (quiet && verbose) {
      throw new ParameterException(spec.commandLine(), "--quiet and --verbose cannot be given together");
    }
    Level level = quiet ? Level.QUIET : verbose ? Level.VERBOSE : Level.NORMAL;
    configureLogging(level);
    return new Output(level, spec.commandLine().getErr(), stderrIsTerminal());
  }

  static boolean verbose(ParseResult parsed) {
    return matched(parsed, "--verbose");
  }

  private static boolean matched(ParseResult parsed, String option) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The library logs through SLF4J: warnings by default, errors alone with {@code -q}, and with
   * {@code -v} its debug lines, which name each command started on a host. No command line carries a
   * secret (sudo passwords go to standard input), and key files are named, never read out.
   */
  private static void configureLogging(Level level) {
    System.setProperty(LOG + "defaultLogLevel", level == Level.QUIET ? "error" : "warn");
    if (level == Level.VERBOSE) {
      System.setProperty(LOG + "log.dev.nixdeploy", "debug");
      // The SSH library's own debug lines (key exchange, ciphers) are noise here.
      System.setProperty(LOG + "log.dev.nixdeploy.internal.ssh.jsch", "warn");
    }
  }

  /**
   * Whether standard error is a terminal: Java tells only whether standard input and output are, so
   * this reads where file descriptor 2 points (Linux); without {@code /proc}, it trusts the console.
   */
  static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  Level level() {
    return level;
  }

  /** @return whether standard error is a terminal, where progress is drawn live */
  boolean terminal() {
    return terminal;
  }

  boolean quiet() {
    return level == Level.QUIET;
  }

  /** @return the listener that prints progress at this level: a bar on a terminal, else lines */
  DeployListener listener() {
    if (level == Level.QUIET) {
      return DeployListener.NONE;
    }
    boolean everyPath = level == Level.VERBOSE;
    progress = terminal ? new ProgressBar(err, everyPath, ProgressBar.columns()) : new ConsoleProgress(err, everyPath);
    return progress;
  }

  /** @return whether the activation's own lines were printed as they came */
  boolean activationOutputShown() {
    return progress != null && progress.activationOutputShown();
  }

  /** Prints a line for people (not with {@code -q}), above any progress bar. */
  void info(String line) {
    if (level == Level.QUIET) {
      return;
    }
    if (progress != null) {
      progress.print(line);
    } else {
      err.println(line);
      err.flush();
    }
  }
}
