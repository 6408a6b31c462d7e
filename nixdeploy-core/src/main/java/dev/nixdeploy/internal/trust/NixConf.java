package dev.nixdeploy.internal.trust;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code nix.conf} read the way Nix 2.x reads it ({@code AbstractConfig::applyConfig} in
 * {@code src/libutil/config.cc}): each line is cut at its first {@code #}, split on blanks, and is then
 * empty, {@code include PATH}, {@code !include PATH} (a missing file is fine) or {@code NAME = VALUE...}.
 * There are no continuation lines and no quoting. Included files are read in place, their relative paths
 * resolved against the including file's directory. Pure: files come from a {@link Source}.
 */
final class NixConf {
  /** Deeper than any sane configuration; Nix itself would recurse forever on a cycle. */
  static final int MAX_INCLUDE_DEPTH = 16;

  /** Reads configuration files. */
  @FunctionalInterface
  interface Source {
    /**
     * @param absolutePath a file
     * @return its text, or empty if it does not exist
     * @throws RuntimeException if it exists but cannot be read
     */
    Optional<String> read(String absolutePath);
  }

  /**
   * One {@code NAME = VALUE} line.
   *
   * @param file the file it is in
   * @param line its line number, from 1
   * @param name the setting's name, e.g. {@code extra-trusted-public-keys}
   * @param value the words after {@code =}, joined by single spaces
   */
  record Setting(String file, int line, String name, String value) {
    List<String> words() {
      return value.isEmpty() ? List.of() : List.of(value.split(" "));
    }
  }

  private NixConf() {}

  /**
   * @param file the top file, absolute, e.g. {@code /etc/nix/nix.conf}
   * @param text its contents
   * @param source where to read included files
   * @return every setting, includes expanded in place, in the order Nix applies them
   * @throws IllegalArgumentException for a line Nix refuses, a missing {@code include}, an include cycle
   *     or includes nested too deep; the message names file and line
   */
  static List<Setting> settings(String file, String text, Source source) {
    List<Setting> out = new ArrayList<>();
    parse(file, text, source, new ArrayDeque<>(List.of(file)), out);
    return out;
  }

  private static void parse(String file, String text, Source source, Deque<String> stack,
      List<Setting> out) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      List<String> tokens = tokens(line);
      if (tokens.isEmpty()) {
        continue;
      }
      int number = i + 1;
      if (tokens.size() < 2) {
        throw illegal(file, number, line);
      }
      String first = tokens.get(0);
      if (first.equals("include") || first.equals("!include")) {
        if (tokens.size() != 2) {
          throw illegal(file, number, line);
        }
        include(file, number, tokens.get(1), first.equals("!include"), source, stack, out);
        continue;
      }
      if (!tokens.get(1).equals("=")) {
        throw illegal(file, number, line);
      }
      out.add(new Setting(file, number, first, String.join(" ", tokens.subList(2, tokens.size()))));
    }
  }

  private static void include(String file, int line, String target, boolean optional, Source source,
      Deque<String> stack, List<Setting> out) {
    String path = resolve(file, target);
    if (stack.contains(path)) {
      throw new IllegalArgumentException(file + " line " + line + " includes " + path
          + ", which is already being read (an include cycle: " + String.join(" -> ", reversed(stack))
          + " -> " + path + "); Nix cannot read this configuration either: remove the cycle");
    }
    if (stack.size() >= MAX_INCLUDE_DEPTH) {
      throw new IllegalArgumentException(file + " line " + line + " includes " + path
          + " at a depth of more than " + MAX_INCLUDE_DEPTH + " files; flatten the includes");
    }
    Optional<String> text = source.read(path);
    if (text.isEmpty()) {
      if (optional) {
        return;
      }
      throw new IllegalArgumentException("file '" + path + "' included from '" + file + "' line " + line
          + " does not exist; Nix refuses this configuration too: create the file or use !include");
    }
    stack.push(path);
    parse(path, text.get(), source, stack, out);
    stack.pop();
  }

  private static List<String> reversed(Deque<String> stack) {
    List<String> order = new ArrayList<>(stack);
    java.util.Collections.reverse(order);
    return order;
  }

  /** Nix's {@code absPath(p, dirOf(file))}: relative to the including file's directory, {@code .}/{@code ..} folded. */
  static String resolve(String file, String target) {
    Path dir = Path.of(file).getParent();
    Path p = Path.of(target);
    Path resolved = p.isAbsolute() || dir == null ? p : dir.resolve(p);
    return resolved.normalize().toString();
  }

  // Nix's tokenizeString with its default separators " \t\n\r".
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && isSeparator(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSeparator(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static IllegalArgumentException illegal(String file, int line, String text) {
    return new IllegalArgumentException("illegal configuration line '" + text.strip() + "' in " + file
        + " line " + line + " (Nix expects 'name = value', 'include FILE' or '!include FILE'; it refuses"
        + " this file too): fix the line");
  }

  /** Names that set the trusted keys, replacing the list; {@code extra-} before any of them appends. */
  static final Set<String> TRUSTED_KEYS_NAMES = Set.of("trusted-public-keys", "binary-cache-public-keys");
}
