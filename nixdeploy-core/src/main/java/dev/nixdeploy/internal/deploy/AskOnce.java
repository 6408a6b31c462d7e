package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.SudoPasswordSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Asks the user's {@link SudoPasswordSource} at most once per host and user during one deployment,
 * however many steps need root, and wipes what it kept when the deployment ends.
 */
final class AskOnce implements SudoPasswordSource, AutoCloseable {
  private final SudoPasswordSource source;
  private final Map<String, char[]> answers = new HashMap<>();

  private AskOnce(SudoPasswordSource source) {
    this.source = source;
  }

  static @Nullable AskOnce wrap(@Nullable SudoPasswordSource source) {
    return source == null ? null : new AskOnce(source);
  }

  @Override
  public synchronized char[] passwordFor(String host, String user) {
    char[] kept = answers.computeIfAbsent(user + "@" + host, k -> {
      char[] given = source.passwordFor(host, user);
      char[] copy = given.clone();
      Arrays.fill(given, '\0');
      return copy;
    });
    return kept.clone();
  }

  @Override
  public synchronized void close() {
    answers.values().forEach(answer -> Arrays.fill(answer, '\0'));
    answers.clear();
  }
}
