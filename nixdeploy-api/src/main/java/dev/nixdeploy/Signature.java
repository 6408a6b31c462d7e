package dev.nixdeploy;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A detached Ed25519 signature of a store path's {@linkplain PathInfo#fingerprint() fingerprint}, in
 * Nix's text form {@code KEYNAME:BASE64}. A verifier finds the public key by its name among the keys it
 * trusts.
 */
public final class Signature {
  /** Bytes in an Ed25519 signature. */
  public static final int SIZE = 64;

  private final String keyName;
  private final byte[] bytes;

  private Signature(String keyName, byte[] bytes) {
    this.keyName = keyName;
    this.bytes = bytes;
  }

  /**
   * @param keyName the name of the key that made it, as in {@code cache.example.org-1}
   * @param bytes the 64 signature bytes (copied)
   * @return the signature
   * @throws IllegalArgumentException if the name is not a valid key name or the length is wrong
   */
  public static Signature of(String keyName, byte[] bytes) {
    KeyNames.check(keyName);
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException(
          "An Ed25519 signature has " + SIZE + " bytes, not " + bytes.length);
    }
    return new Signature(keyName, bytes.clone());
  }

  /**
   * @param text {@code KEYNAME:BASE64}, as Nix prints signatures
   * @return the signature
   * @throws IllegalArgumentException saying what part of {@code text} is malformed
   */
  public static Signature parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "Not a Nix signature: expected KEYNAME:BASE64, found no ':' in \"" + shorten(t) + "\"");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(t.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Not a Nix signature: the part after ':' is not base64 in \"" + shorten(t) + "\"", e);
    }
    return of(t.substring(0, colon), decoded);
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  /** @return the name of the key that made this signature */
  public String keyName() {
    return keyName;
  }

  /** @return a copy of the 64 signature bytes */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature other && keyName.equals(other.keyName)
        && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * keyName.hashCode() + Arrays.hashCode(bytes);
  }

  /** @return {@code KEYNAME:BASE64}, as Nix writes it */
  @Override
  public String toString() {
    return keyName + ":" + Base64.getEncoder().encodeToString(bytes);
  }
}
