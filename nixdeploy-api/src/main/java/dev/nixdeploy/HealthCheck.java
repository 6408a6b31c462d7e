package dev.nixdeploy;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What must hold on every host of a rollout batch before the next batch starts: a command that exits 0
 * on the host, or an HTTP URL that the host itself fetches with a 2xx answer (so {@code localhost} is the
 * host's own). A check that fails is tried again every {@link #interval()} until it passes or its
 * {@link #deadline()} (counted from the first try) has passed.
 *
 * <pre>{@code
 * HealthCheck.command("systemctl", "is-active", "nginx").withDeadline(Duration.ofSeconds(30));
 * HealthCheck.http(URI.create("http://127.0.0.1:8080/health"));
 * }</pre>
 *
 * <p>Immutable. A command runs as the login user over the deployment's own SSH session; the URL is
 * fetched with {@code curl} (else {@code wget}) on the host, given as an argument, never as shell text.
 */
public final class HealthCheck {
  /** How long a check is retried by default. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
  /** How long to wait between tries by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  private static final int MAX_URL_LENGTH = 2048;

  private final Optional<Command> command;
  private final Optional<URI> url;
  private final Duration deadline;
  private final Duration interval;

  private HealthCheck(Optional<Command> command, Optional<URI> url, Duration deadline, Duration interval) {
    this.command = command;
    this.url = url;
    this.deadline = deadline;
    this.interval = interval;
  }

  /**
   * @param command run on the host as the login user; healthy when it exits 0
   * @return a check with the default deadline and interval
   */
  public static HealthCheck command(Command command) {
    return new HealthCheck(Optional.of(Objects.requireNonNull(command, "command")), Optional.empty(),
        DEFAULT_DEADLINE, DEFAULT_INTERVAL);
  }

  /**
   * @param program the program to run on the host as the login user
   * @param args its arguments
   * @return a check with the default deadline and interval
   */
  public static HealthCheck command(String program, String... args) {
    return command(Command.of(program, args));
  }

  /**
   * @param url an {@code http} or {@code https} URL, fetched by the host itself; healthy on a 2xx answer
   * @return a check with the default deadline and interval
   * @throws IllegalArgumentException if the URL is not absolute http(s), has no host, is longer than 2048
   *     characters or holds whitespace or control characters
   */
  public static HealthCheck http(URI url) {
    Objects.requireNonNull(url, "url");
    String text = url.toString();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException("health check URL must be an absolute http:// or https:// URL"
          + " with a host, e.g. http://127.0.0.1:8080/health; got: " + text);
    }
    if (text.length() > MAX_URL_LENGTH || text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException("health check URL must be at most " + MAX_URL_LENGTH
          + " characters without whitespace or control characters (percent-encode them)");
    }
    return new HealthCheck(Optional.empty(), Optional.of(url), DEFAULT_DEADLINE, DEFAULT_INTERVAL);
  }

  /**
   * @param url as for {@link #http(URI)}, as text
   * @return a check with the default deadline and interval
   * @throws IllegalArgumentException if the URL is malformed or not allowed
   */
  public static HealthCheck http(String url) {
    return http(URI.create(Objects.requireNonNull(url, "url")));
  }

  /**
   * @param deadline how long after the first try the check may still pass; positive
   * @return a copy with that deadline
   * @throws IllegalArgumentException if {@code deadline} is not positive
   */
  public HealthCheck withDeadline(Duration deadline) {
    return new HealthCheck(command, url, positive("deadline", deadline), interval);
  }

  /**
   * @param interval how long to wait after a failed try; positive
   * @return a copy with that interval
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public HealthCheck withInterval(Duration interval) {
    return new HealthCheck(command, url, deadline, positive("interval", interval));
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
    return d;
  }

  /** @return the command to run, for a command check */
  public Optional<Command> command() {
    return command;
  }

  /** @return the URL to fetch, for an HTTP check */
  public Optional<URI> url() {
    return url;
  }

  /** @return how long after the first try the check may still pass */
  public Duration deadline() {
    return deadline;
  }

  /** @return how long to wait between tries */
  public Duration interval() {
    return interval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthCheck h && h.command.equals(command) && h.url.equals(url)
        && h.deadline.equals(deadline) && h.interval.equals(interval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, url, deadline, interval);
  }

  @Override
  public String toString() {
    return "HealthCheck{" + command.map(Command::toString).orElseGet(() -> "GET " + url.orElseThrow())
        + ", deadline " + deadline.toSeconds() + " s}";
  }
}
