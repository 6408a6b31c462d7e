package dev.nixdeploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random tests. A property runs once for a fresh seed (or {@code -Dnixdeploy.fuzz.seed=N}) and once
 * for every seed kept for it in {@value #KEPT} (lines {@code NAME SEED}; {@code #} starts a comment):
 * seeds that once failed. A failing seed is printed and appended to that file, so that it stays a case of
 * the test after the fix; commit the line with the fix. Each property bounds its own work (a fixed
 * number of inputs of bounded size); the test classes add a JUnit timeout.
 */
public final class Fuzz {
  /** The kept seeds, relative to the module (the working directory of Surefire). */
  static final String KEPT = "src/test/resources/fuzz-seeds.txt";

  private Fuzz() {}

  /** A property of random inputs drawn from {@code random}. */
  @FunctionalInterface
  public interface Property {
    void check(Random random) throws Exception;
  }

  /**
   * Checks {@code property} for the kept seeds of {@code name} and one fresh seed.
   *
   * @param name the property's name in the kept-seeds file, e.g. {@code WireCodecTest.randomInput}
   * @throws AssertionError naming the first seed that failed, with the failure as its cause
   */
  public static void check(String name, Property property) {
    List<Long> seeds = new ArrayList<>(kept(name));
    seeds.add(Long.getLong("nixdeploy.fuzz.seed", System.nanoTime()));
    for (long seed : seeds) {
      try {
        property.check(new Random(seed));
      } catch (Exception | AssertionError e) {
        keep(name, seed);
        System.err.println("Fuzz: " + name + " failed for seed " + seed + " (kept in " + KEPT
            + "; rerun it alone with -Dnixdeploy.fuzz.seed=" + seed + ")");
        throw new AssertionError(name + " failed for seed " + seed + ": " + e, e);
      }
    }
  }

  static List<Long> kept(String name) {
    Path file = Path.of(KEPT);
    List<Long> seeds = new ArrayList<>();
    if (!Files.exists(file)) {
      return seeds;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] words = line.replaceAll("#.*", "").trim().split("\\s+");
        if (words.length == 2 && words[0].equals(name)) {
          seeds.add(Long.parseLong(words[1]));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return seeds;
  }

  private static void keep(String name, long seed) {
    Path file = Path.of(KEPT);
    if (!Files.isDirectory(file.getParent()) || kept(name).contains(seed)) {
      return;
    }
    try {
      Files.writeString(file, name + " " + seed + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("Fuzz: could not keep the seed in " + file + ": " + e.getMessage());
    }
  }

  /** Characters that break parsers and shells: quotes, separators, controls, non-ASCII, bidi. */
  private static final String NASTY =
      "aZ09-_.:@/[]!#$%&'\"`\\|;<>(){}*?~^,=+ \t\n\r\0\u00e9\u65e5\u202e";

  /** @return up to {@code max - 1} characters, mostly {@link #NASTY}, some anywhere below U+3000 */
  public static String text(Random random, int max) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(max);
    for (int i = 0; i < n; i++) {
      b.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : NASTY.charAt(random.nextInt(NASTY.length())));
    }
    return b.toString();
  }

  /** @return {@code s} as a Java string literal, control and non-ASCII characters escaped */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.chars().forEach(ch -> b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", ch) : String.valueOf((char) ch)));
    return b.append('"').toString();
  }
}
