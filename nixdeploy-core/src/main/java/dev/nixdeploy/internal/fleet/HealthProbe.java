package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.Transport;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a {@link HealthCheck} on one host until it passes or its deadline has passed. An HTTP check is
 * fetched by the host itself, with curl or else wget, the URL given as an argument.
 */
final class HealthProbe {
  /** Arguments: the URL, the seconds one try may take. */
  private static final String FETCH = """
      url=$1 seconds=$2
      if command -v curl >/dev/null 2>&1; then
        exec curl -fsS -o /dev/null --max-time "$seconds" "$url"
      elif command -v wget >/dev/null 2>&1; then
        exec wget -q -O /dev/null -T "$seconds" "$url"
      fi
      echo "neither curl nor wget is installed on this host: install one, or check health with a command" >&2
      exit 127
      """;
  private static final long MAX_TRY_SECONDS = 10;
  private static final int MAX_DETAIL = 300;

  private HealthProbe() {}

  /**
   * @return empty if the check passed in time, else what the last try said
   */
  static Optional<String> check(Transport host, HealthCheck check) {
    long deadline = System.nanoTime() + check.deadline().toNanos();
    int tries = 0;
    String last = "";
    while (true) {
      tries++;
      long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toSeconds());
      try {
        CommandResult r = host.run(command(check, Math.min(MAX_TRY_SECONDS, left)));
        if (r.succeeded()) {
          return Optional.empty();
        }
        last = "exit code " + r.exitCode() + detail(r);
      } catch (NixDeployException e) {
        last = HostWork.message(e);
      }
      if (System.nanoTime() + check.interval().toNanos() > deadline) {
        return Optional.of(describe(check) + " did not pass within " + check.deadline().toSeconds() + " s ("
            + tries + " tries; last: " + last + ")");
      }
      sleep(check.interval());
    }
  }

  private static Command command(HealthCheck check, long seconds) {
    return check.command().orElseGet(() -> Command.of("sh", "-c", FETCH, "sh",
        check.url().orElseThrow().toString(), Long.toString(seconds)));
  }

  private static String describe(HealthCheck check) {
    return check.command().map(c -> "'" + c.toShellString() + "'")
        .orElseGet(() -> "GET " + check.url().orElseThrow());
  }

  private static String detail(CommandResult r) {
    String err = r.stderr().strip();
    if (err.isEmpty()) {
      err = r.stdout().strip();
    }
    if (err.isEmpty()) {
      return "";
    }
    String line = err.lines().reduce((a, b) -> b).orElse("");
    return ": " + (line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line);
  }

  /** Sleeps, keeping an interrupt for the run to see: a started check is seen through to its end. */
  private static void sleep(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    boolean interrupted = false;
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(Math.max(1, Duration.ofNanos(end - System.nanoTime()).toMillis()));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
