package dev.nixdeploy;

/**
 * Nix's own base-32 encoding, used for store path hashes and for {@code sha256:} hashes in path info.
 * It differs from RFC 4648: the alphabet omits {@code e o u t}, and characters are emitted from the most
 * significant end of a little-endian bit string.
 *
 * <pre>{@code
 * NixBase32.encode(sha256("abc")); // "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
 * }</pre>
 */
public final class NixBase32 {
  /** The 32 characters of nix-base32, in value order. */
  public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

  private NixBase32() {}

  /**
   * @param bytes any byte string
   * @return its nix-base32 text, {@link #encodedLength} characters long
   */
  public static String encode(byte[] bytes) {
    int length = encodedLength(bytes.length);
    StringBuilder out = new StringBuilder(length);
    for (int n = length - 1; n >= 0; n--) {
      int b = n * 5;
      int i = b / 8;
      int j = b % 8;
      int value = (bytes[i] & 0xff) >>> j;
      if (i + 1 < bytes.length) {
        value |= (bytes[i + 1] & 0xff) << (8 - j);
      }
      out.append(ALPHABET.charAt(value & 0x1f));
    }
    return out.toString();
  }

  /**
   * @param text nix-base32 text
   * @param byteLength how many bytes it encodes (32 for a sha256 hash)
   * @return the decoded bytes
   * @throws IllegalArgumentException if the length does not match, a character is outside the alphabet,
   *     or the text carries bits beyond {@code byteLength}
   */
  public static byte[] decode(String text, int byteLength) {
    if (text.length() != encodedLength(byteLength)) {
      throw new IllegalArgumentException("nix-base32 text for " + byteLength + " bytes must have "
          + encodedLength(byteLength) + " characters, not " + text.length());
    }
    byte[] out = new byte[byteLength];
    for (int n = 0; n < text.length(); n++) {
      char c = text.charAt(text.length() - 1 - n);
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("'" + c + "' is not a nix-base32 character");
      }
      int b = n * 5;
      int i = b / 8;
      int j = b % 8;
      out[i] |= (byte) (digit << j);
      int carry = digit >>> (8 - j);
      if (i + 1 < byteLength) {
        out[i + 1] |= (byte) carry;
      } else if (carry != 0) {
        throw new IllegalArgumentException("nix-base32 text has bits beyond " + byteLength + " bytes");
      }
    }
    return out;
  }

  /**
   * @param byteLength a number of bytes
   * @return how many nix-base32 characters encode that many bytes
   */
  public static int encodedLength(int byteLength) {
    return byteLength == 0 ? 0 : (byteLength * 8 - 1) / 5 + 1;
  }
}
