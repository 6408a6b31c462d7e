package dev.nixdeploy;

import java.util.Objects;

/**
 * A path in the Nix store: {@code /nix/store/} followed by a 32-character nix-base32 hash, a dash and a
 * name. Instances are validated on creation, so a {@code StorePath} is always safe to pass to a remote
 * command (it contains no shell metacharacter beyond what the name rules allow, and never starts with
 * {@code -}).
 *
 * <pre>{@code
 * StorePath p = StorePath.parse("/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-hello-2.12");
 * p.hashPart(); // "3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj"
 * p.name();     // "hello-2.12"
 * }</pre>
 */
public final class StorePath implements Comparable<StorePath>, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The store directory every path lives in. */
  public static final String STORE_DIR = "/nix/store";

  static final int HASH_LENGTH = 32;
  static final int MAX_NAME_LENGTH = 211;
  private static final String NAME_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=";

  private final String path;

  private StorePath(String path) {
    this.path = path;
  }

  /** Checks a deserialized path as {@link #parse} does: the bytes may come from anywhere. */
  private Object readResolve() {
    return parse(path);
  }

  /**
   * Parses a full store path. A trailing slash is not accepted, nor is a path below a store path
   * ({@code /nix/store/…-x/bin/y}): resolve that to its store path first.
   *
   * @param path for example {@code /nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-hello-2.12}
   * @return the validated store path
   * @throws IllegalArgumentException with a message that says which rule {@code path} breaks
   */
  public static StorePath parse(String path) {
    Objects.requireNonNull(path, "path");
    String prefix = STORE_DIR + "/";
    if (!path.startsWith(prefix)) {
      throw invalid(path, "it does not start with " + prefix);
    }
    String base = path.substring(prefix.length());
    if (base.length() < HASH_LENGTH + 2 || base.charAt(HASH_LENGTH) != '-') {
      throw invalid(path, "expected " + prefix + "<32-character hash>-<name>");
    }
    String hash = base.substring(0, HASH_LENGTH);
    for (int i = 0; i < hash.length(); i++) {
      if (NixBase32.ALPHABET.indexOf(hash.charAt(i)) < 0) {
        throw invalid(path, "the hash part contains '" + hash.charAt(i)
            + "', which is not a nix-base32 character");
      }
    }
    checkName(path, base.substring(HASH_LENGTH + 1));
    return new StorePath(path);
  }

  /**
   * Whether {@code path} is a valid store path; {@link #parse} says why not.
   *
   * @param path any string
   * @return true when {@link #parse} would accept it
   */
  public static boolean isValid(String path) {
    try {
      parse(path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void checkName(String path, String name) {
    if (name.length() > MAX_NAME_LENGTH) {
      throw invalid(path, "the name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (name.startsWith(".")) {
      throw invalid(path, "the name starts with '.'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (NAME_CHARS.indexOf(c) < 0) {
        throw invalid(path, "the name contains " + describe(c)
            + "; allowed are letters, digits and + - . _ ? =");
      }
    }
  }

  private static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format("the character U+%04X", (int) c) : "'" + c + "'";
  }

  private static IllegalArgumentException invalid(String path, String why) {
    String shown = path.length() > 300 ? path.substring(0, 300) + "…" : path;
    return new IllegalArgumentException(
        "Not a Nix store path: \"" + shown.replaceAll("\\p{Cntrl}", "?") + "\": " + why);
  }

  /** @return the 32-character nix-base32 hash part */
  public String hashPart() {
    return path.substring(STORE_DIR.length() + 1, STORE_DIR.length() + 1 + HASH_LENGTH);
  }

  /** @return the name after the hash, for example {@code hello-2.12} */
  public String name() {
    return path.substring(STORE_DIR.length() + 2 + HASH_LENGTH);
  }

  /** @return the base name, {@code <hash>-<name>} */
  public String baseName() {
    return path.substring(STORE_DIR.length() + 1);
  }

  /** @return the full path, as {@link #toString()} */
  public String path() {
    return path;
  }

  /** Orders paths byte-wise by their full text, as Nix sorts references. */
  @Override
  public int compareTo(StorePath other) {
    return path.compareTo(other.path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorePath other && path.equals(other.path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** @return the full path */
  @Override
  public String toString() {
    return path;
  }
}
