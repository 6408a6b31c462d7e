package dev.nixdeploy.internal.keys;

import dev.nixdeploy.PublicKey;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Nix's secret key text, {@code NAME:BASE64} of 64 bytes (the 32-byte Ed25519 seed, then the 32-byte
 * public key, as libsodium stores it). Works on byte arrays so that every copy of the secret can be
 * wiped; error messages never quote the input.
 */
final class SecretKeyText {
  static final int SECRET_SIZE = 64;
  static final int SEED_SIZE = 32;

  private SecretKeyText() {}

  /**
   * @param text the UTF-8 text (not modified; the caller wipes it)
   * @return the key
   * @throws IllegalArgumentException saying what is malformed, without quoting the text
   */
  static TinkSigningKeyPair parse(byte[] text) {
    int start = 0;
    int end = text.length;
    while (start < end && isSpace(text[start])) {
      start++;
    }
    while (end > start && isSpace(text[end - 1])) {
      end--;
    }
    if (start == end) {
      throw malformed("the text is empty");
    }
    int colon = -1;
    for (int i = start; i < end; i++) {
      if (text[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      throw malformed("found no ':' between the key name and the key");
    }
    String name = new String(text, start, colon - start, StandardCharsets.UTF_8);
    try {
      PublicKey.of(name, new byte[PublicKey.SIZE]);
    } catch (IllegalArgumentException e) {
      throw malformed("the key name before the first ':' is empty or contains white space or control"
          + " characters");
    }
    byte[] decoded;
    try {
      ByteBuffer out = Base64.getDecoder().decode(ByteBuffer.wrap(text, colon + 1, end - colon - 1));
      decoded = new byte[out.remaining()];
      out.get(decoded);
      wipe(out);
    } catch (IllegalArgumentException e) {
      // Base64's own message may quote a character of the secret: leave it out.
      throw malformed("the part after ':' is not valid base64");
    }
    try {
      if (decoded.length == PublicKey.SIZE) {
        throw malformed("the key has 32 bytes, the length of a public key; pass the secret key (64 bytes)");
      }
      if (decoded.length != SECRET_SIZE) {
        throw malformed("the key has " + decoded.length + " bytes, expected " + SECRET_SIZE
            + " (a 32-byte seed followed by the 32-byte public key)");
      }
      return TinkSigningKeyPair.fromSecretKey(name, decoded);
    } finally {
      wipe(decoded);
    }
  }

  /**
   * @return the secret key text for {@code name} and the 64-byte secret; the caller wipes it
   */
  static byte[] format(String name, byte[] secretKey) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] body = Base64.getEncoder().encode(secretKey);
    byte[] out = new byte[nameBytes.length + 1 + body.length];
    System.arraycopy(nameBytes, 0, out, 0, nameBytes.length);
    out[nameBytes.length] = ':';
    System.arraycopy(body, 0, out, nameBytes.length + 1, body.length);
    wipe(body);
    return out;
  }

  /** @return the UTF-8 encoding of {@code text}, with the encoder's buffer wiped */
  static byte[] utf8(CharSequence text) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    wipe(encoded);
    return out;
  }

  static void wipe(byte[] bytes) {
    Arrays.fill(bytes, (byte) 0);
  }

  private static void wipe(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      Arrays.fill(buffer.array(), (byte) 0);
    }
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0b;
  }

  static IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException("not a Nix secret key: " + why
        + " (expected NAME:BASE64 as written by nix-store --generate-binary-cache-key)");
  }
}
