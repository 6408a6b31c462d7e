package dev.nixdeploy.internal.activation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The fixed shell scripts that run on the host. Each takes everything variable as positional
 * parameters ({@code sh -c SCRIPT sh ARG...}): nothing from input is ever spliced into a script.
 */
final class Scripts {
  /** Makes the run directory and starts {@link #ACTIVATE} detached. */
  static final String LAUNCH = load("launch.sh");
  /** The activation itself, with its rollback and watchdog. */
  static final String ACTIVATE = load("activate.sh");
  /** Streams a run's log until a result file exists. */
  static final String FOLLOW = load("follow.sh");
  /** Confirms an activation by taking its token before the watchdog does. */
  static final String CONFIRM = load("confirm.sh");
  /** Prints the host's monotonic clock, in centiseconds. */
  static final String CLOCK = load("clock.sh");
  /** Starts, as root, the later rollback of a successful activation. */
  static final String ROLLBACK = load("rollback.sh");
  /** Sets a plain profile and prints the generations. */
  static final String PROFILE_SET = load("profile-set.sh");

  private Scripts() {}

  private static String load(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
