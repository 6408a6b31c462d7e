package dev.nixdeploy;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An Ed25519 public key in Nix's text form {@code NAME:BASE64}, as found in {@code trusted-public-keys}
 * and written by {@code nix-store --generate-binary-cache-key}. Immutable; equal when name and key bytes
 * are equal.
 *
 * <pre>{@code
 * PublicKey key = PublicKey.parse("cache.example.org-1:zNPIBsJCO0M0lydIUpDERJmoPWuzJrmbip3CKThpq4Q=");
 * if (key.verifies(info, signature)) { ... }
 * key.verify(info, signature); // or throw InvalidSignatureException
 * }</pre>
 *
 * <p>Verification uses the JDK's own Ed25519 ({@code java.security.Signature.getInstance("Ed25519")},
 * Java 15+, RFC 8032 with canonical {@code S} checked) rather than the signing provider of
 * {@code nixdeploy-core}: checking a signature needs no secret, so a public key is a plain value that
 * works with this API module alone, for example in a tool that only audits signatures. The core's
 * tests check that both implementations agree on the RFC 8032 vectors and on signatures made by Nix.
 */
public final class PublicKey {
  /** Bytes in an Ed25519 public key. */
  public static final int SIZE = 32;

  // DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410); the raw key follows.
  private static final byte[] X509_PREFIX = {
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private final String name;
  private final byte[] key;

  private PublicKey(String name, byte[] key) {
    this.name = name;
    this.key = key;
  }

  /**
   * @param name the key name, as in {@code cache.example.org-1}: non-empty, no {@code ':'}, no white space
   *     or control characters, no {@code '#'} (nix.conf, where trusted keys are listed, cannot carry these)
   * @param key the 32 bytes of the Ed25519 public key (copied)
   * @return the key
   * @throws IllegalArgumentException if the name is invalid or {@code key} is not 32 bytes long
   */
  public static PublicKey of(String name, byte[] key) {
    KeyNames.checkTrustable(name);
    Objects.requireNonNull(key, "key");
    if (key.length != SIZE) {
      throw new IllegalArgumentException(
          "An Ed25519 public key has " + SIZE + " bytes, not " + key.length);
    }
    return new PublicKey(name, key.clone());
  }

  /**
   * Parses Nix's text form. Surrounding white space (such as the trailing newline of a file) is ignored.
   *
   * @param text {@code NAME:BASE64}, the base64 of 32 bytes
   * @return the key
   * @throws IllegalArgumentException saying which part of {@code text} is malformed
   */
  public static PublicKey parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("Not a Nix public key: expected NAME:BASE64, found no ':' in \""
          + shorten(t) + "\"");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(t.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Not a Nix public key: the part after ':' is not base64 in \"" + shorten(t) + "\"", e);
    }
    if (decoded.length == 2 * SIZE) {
      // Never echo the text here: it is probably a secret key.
      throw new IllegalArgumentException("Not a Nix public key: the key has 64 bytes, which is the length"
          + " of a Nix secret key; pass the public key (32 bytes) instead");
    }
    if (decoded.length != SIZE) {
      throw new IllegalArgumentException("Not a Nix public key: the key has " + decoded.length
          + " bytes, expected " + SIZE + " in \"" + shorten(t) + "\"");
    }
    return of(t.substring(0, colon), decoded);
  }

  private static String shorten(String s) {
    String p = s.replaceAll("\\p{Cntrl}", "?");
    return p.length() > 200 ? p.substring(0, 200) + "…" : p;
  }

  /** @return the key name, which signatures made with the matching secret key carry */
  public String name() {
    return name;
  }

  /** @return a copy of the 32 key bytes */
  public byte[] bytes() {
    return key.clone();
  }

  /**
   * Whether {@code signature} was made by this key over {@code info}'s fingerprint. A signature carrying
   * another key name is not this key's and gives {@code false}, as in Nix.
   *
   * @param info the path info whose {@linkplain PathInfo#fingerprint() fingerprint} was signed
   * @param signature the signature to check
   * @return true if the signature is valid for this key and this path info
   */
  public boolean verifies(PathInfo info, Signature signature) {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(signature, "signature");
    return name.equals(signature.keyName()) && verifiesMessage(info.fingerprintBytes(), signature.bytes());
  }

  /**
   * Like {@link #verifies} but throws, with a message that says why, when the signature is not valid.
   *
   * @param info the path info whose fingerprint was signed
   * @param signature the signature to check
   * @throws InvalidSignatureException if the signature carries another key name or does not match
   */
  public void verify(PathInfo info, Signature signature) {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(signature, "signature");
    if (!name.equals(signature.keyName())) {
      throw new InvalidSignatureException(info.path(), signature.keyName(), "the signature of "
          + info.path() + " was made by key '" + signature.keyName() + "', not by '" + name + "'");
    }
    if (!verifiesMessage(info.fingerprintBytes(), signature.bytes())) {
      throw new InvalidSignatureException(info.path(), signature.keyName(), "the signature of "
          + info.path() + " by key '" + name + "' does not match its path info (NAR hash, size or"
          + " references differ from what was signed, or the key has the right name but other bytes)");
    }
  }

  /** Raw Ed25519 verification of any message; package-private for the RFC 8032 test vectors. */
  boolean verifiesMessage(byte[] message, byte[] sig) {
    byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + SIZE);
    System.arraycopy(key, 0, encoded, X509_PREFIX.length, SIZE);
    try {
      java.security.PublicKey jdkKey =
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
      java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
      verifier.initVerify(jdkKey);
      verifier.update(message);
      return verifier.verify(sig);
    } catch (java.security.InvalidKeyException | java.security.spec.InvalidKeySpecException
        | java.security.SignatureException e) {
      // Bytes that are no point on the curve, or a malformed signature: nothing verifies.
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no Ed25519 (Java 15 or later is required)", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && name.equals(other.name) && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(key);
  }

  /** @return {@code NAME:BASE64}, as Nix writes it (for {@code trusted-public-keys}) */
  @Override
  public String toString() {
    return name + ":" + Base64.getEncoder().encodeToString(key);
  }
}
