package dev.nixdeploy.internal.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Key fingerprints in OpenSSH's format, as {@code ssh-keygen -l} prints them. */
final class Fingerprints {
  private Fingerprints() {}

  /**
   * @param keyBlob the public key in SSH wire format (the base64-decoded middle field of a
   *     {@code .pub} or known_hosts line)
   * @return {@code SHA256:} followed by the unpadded base64 of the blob's SHA-256
   */
  static String sha256(byte[] keyBlob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
