package dev.nixdeploy;

import java.util.Objects;

/** The rules for the name part of Nix keys and signatures, shared by every value that carries one. */
final class KeyNames {
  private KeyNames() {}

  /**
   * Nix splits {@code NAME:BASE64} at the first colon, so a name must be non-empty and contain no
   * colon; we also refuse white space and control characters, which would break nix.conf lines.
   */
  static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("A key name must not be empty (expected e.g. host-1)");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException("A key name must not contain "
            + (c == ':' ? "':'" : "white space or control characters") + ": \"" + printable(name) + "\"");
      }
    }
    return name;
  }

  /**
   * The rules for a key that is to be trusted: {@link #check} and no {@code '#'}, which starts a comment in
   * nix.conf, so that Nix would read {@code evil#x:KEY} as a key named {@code evil} with no key at all.
   */
  static String checkTrustable(String name) {
    check(name);
    if (name.indexOf('#') >= 0) {
      throw new IllegalArgumentException("A key name must not contain '#', which nix.conf reads as the start of "
          + "a comment: \"" + printable(name) + "\"; use letters, digits and . _ + - (e.g. host-1)");
    }
    return name;
  }

  private static String printable(String s) {
    String p = s.replaceAll("\\p{Cntrl}", "?");
    return p.length() > 100 ? p.substring(0, 100) + "…" : p;
  }
}
