package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import java.util.Objects;

/**
 * What a finished command left behind: its exit code and everything it wrote, decoded as UTF-8.
 *
 * <pre>{@code
 * ExecResult r = host.exec("nix-store", "--version");
 * if (r.succeeded()) { ... }
 * String version = host.exec("nix-store", "--version").orThrow().stdout().strip();
 * }</pre>
 *
 * @param exitCode the exit code (128 + n for a process killed by signal n)
 * @param stdout what it wrote to standard output
 * @param stderr what it wrote to standard error
 */
public record ExecResult(int exitCode, String stdout, String stderr) {
  private static final int SHOWN_STDERR = 2000;

  /**
   * @throws NullPointerException if an output is null
   */
  public ExecResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** @return true if the exit code is 0 */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * For chaining when a failure should end the test with a useful message.
   *
   * @return this result, if it {@link #succeeded()}
   * @throws NixDeployException naming the exit code and showing the end of standard error
   */
  public ExecResult orThrow() {
    if (succeeded()) {
      return this;
    }
    String shown = stderr.length() > SHOWN_STDERR
        ? "…" + stderr.substring(stderr.length() - SHOWN_STDERR) : stderr;
    throw new NixDeployException("command failed with exit code " + exitCode
        + (shown.isBlank() ? " and printed nothing on stderr" : ": " + shown.strip()));
  }
}
