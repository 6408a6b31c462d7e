package dev.nixdeploy;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-256 hash of a store path's NAR serialisation, as Nix records it in path info and signs it in
 * the {@linkplain PathInfo#fingerprint() fingerprint}.
 *
 * <p>Nix writes it in several forms; {@link #parse} accepts all of them and {@link #toString()} gives
 * the form Nix uses in fingerprints and in the {@code nix-store --serve} protocol:
 *
 * <pre>{@code
 * NarHash h = NarHash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
 * h.toString(); // "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
 * h.toBase16(); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * h.toSri();    // "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
 * }</pre>
 */
public final class NarHash {
  /** Bytes in a SHA-256 digest. */
  public static final int SIZE = 32;

  private static final String PREFIX = "sha256:";
  private static final String SRI_PREFIX = "sha256-";

  private final byte[] digest;

  private NarHash(byte[] digest) {
    this.digest = digest;
  }

  /**
   * @param digest the 32 bytes of a SHA-256 digest (copied)
   * @return the hash
   * @throws IllegalArgumentException if {@code digest} is not 32 bytes long
   */
  public static NarHash of(byte[] digest) {
    Objects.requireNonNull(digest, "digest");
    if (digest.length != SIZE) {
      throw new IllegalArgumentException(
          "A NAR hash is a SHA-256 digest of 32 bytes, not " + digest.length + " bytes");
    }
    return new NarHash(digest.clone());
  }

  /**
   * Parses any form Nix writes: {@code sha256:} followed by 52 nix-base32 or 64 hexadecimal characters,
   * or the SRI form {@code sha256-} followed by base64.
   *
   * @param text the hash text
   * @return the hash
   * @throws IllegalArgumentException naming the form expected, if {@code text} is none of these
   */
  public static NarHash parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    try {
      if (t.startsWith(SRI_PREFIX)) {
        return of(Base64.getDecoder().decode(t.substring(SRI_PREFIX.length())));
      }
      if (t.startsWith(PREFIX)) {
        String body = t.substring(PREFIX.length());
        if (body.length() == 2 * SIZE) {
          return of(HexFormat.of().parseHex(body));
        }
        return new NarHash(NixBase32.decode(body, SIZE));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Not a valid sha256 NAR hash: \"" + shorten(t) + "\": "
          + e.getMessage(), e);
    }
    throw new IllegalArgumentException("Not a valid sha256 NAR hash: \"" + shorten(t)
        + "\": expected sha256:<nix-base32>, sha256:<hex> or sha256-<base64>");
  }

  private static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }

  /** @return a copy of the 32 digest bytes */
  public byte[] digest() {
    return digest.clone();
  }

  /** @return the 52 nix-base32 characters, without the {@code sha256:} prefix */
  public String toNixBase32() {
    return NixBase32.encode(digest);
  }

  /** @return the 64 lower-case hexadecimal characters, without prefix */
  public String toBase16() {
    return HexFormat.of().formatHex(digest);
  }

  /** @return the SRI form {@code sha256-<base64>} */
  public String toSri() {
    return SRI_PREFIX + Base64.getEncoder().encodeToString(digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NarHash other && Arrays.equals(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  /** @return {@code sha256:<nix-base32>}, the form used in fingerprints */
  @Override
  public String toString() {
    return PREFIX + toNixBase32();
  }
}
