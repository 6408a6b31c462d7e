package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.HostKeyException;

/** The exit codes of {@code nix-deploy}, as docs/cli.md lists them. */
final class ExitCode {
  /** Everything asked was done. */
  static final int OK = 0;
  /** The deployment failed (connection, keys, copy, profile, activation). */
  static final int FAILED = 1;
  /** A usage error or invalid input: a flag, a target, a store path, a profile or system name. */
  static final int USAGE = 2;
  /** The host's key is unknown, changed or revoked: nothing was sent. */
  static final int HOST_KEY = 3;
  /** The activation partly failed (some units) and {@code --failOnPartialSuccess} made that a failure. */
  static final int PARTIAL = 4;

  private ExitCode() {}

  /** @return the exit code for a failure */
  static int of(Throwable e) {
    if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
      return USAGE;
    }
    if (e instanceof HostKeyException) {
      return HOST_KEY;
    }
    if (e instanceof ActivationException a && a.result().map(ExitCode::partial).orElse(false)) {
      return PARTIAL;
    }
    return FAILED;
  }

  private static boolean partial(ActivationResult result) {
    return result.exitCode() == 4 && result.outcome() == ActivationResult.Outcome.FAILED;
  }
}
