package dev.nixdeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Ed25519 ssh keys made with ssh-keygen, and their fingerprints. */
final class SshKeys {
  private SshKeys() {}

  /**
   * Writes a new key pair without passphrase: {@code privateKey} (mode 0600) and {@code privateKey.pub}.
   *
   * @return the public key line
   */
  static String generate(Path privateKey, String comment) {
    LocalCommand.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", privateKey.toString())
        .run().orThrow();
    return readPublicKey(privateKey);
  }

  /** @return the public key line of a key written by {@link #generate} */
  static String readPublicKey(Path privateKey) {
    try {
      return Files.readString(privateKey.resolveSibling(privateKey.getFileName() + ".pub")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param publicKeyLine {@code type base64-blob [comment]}
   * @return the key's fingerprint as {@code ssh-keygen -l} shows it: {@code SHA256:} and the unpadded
   *     base64 of the SHA-256 of the key blob
   * @throws IllegalArgumentException if the line has no base64 key blob
   */
  static String fingerprint(String publicKeyLine) {
    String[] fields = publicKeyLine.strip().split("\\s+");
    if (fields.length < 2) {
      throw new IllegalArgumentException("not a public key line: " + publicKeyLine);
    }
    byte[] blob = Base64.getDecoder().decode(fields[1].getBytes(StandardCharsets.US_ASCII));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
