package dev.nixdeploy.internal.keys;

import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_INFO;
import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_PUBLIC;
import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_SECRET;
import static dev.nixdeploy.internal.keys.Ed25519VectorsTest.NIX_SIGNATURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Signature;
import dev.nixdeploy.SigningKeyException;
import dev.nixdeploy.SigningKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyFilesTest {
  private static final String SECRET_BASE64 = NIX_SECRET.substring("test-1:".length());
  private static final String SUFFIX = " (expected NAME:BASE64 as written by nix-store --generate-binary-cache-key)";

  @TempDir Path dir;

  private Path secretFile(String content, String mode) throws IOException {
    Path file = dir.resolve("key.sec");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void storesFilesByteForByteAsNixWritesThem() throws IOException {
    SigningKeyPair key = SigningKeyPair.parse(NIX_SECRET);
    Path sec = dir.resolve("a/b/key.sec");
    Path pub = dir.resolve("c/key.pub");
    key.store(sec, pub);
    assertThat(Files.readString(sec)).isEqualTo(NIX_SECRET); // no trailing newline, as Nix
    assertThat(Files.readString(pub)).isEqualTo(NIX_PUBLIC);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sec))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Stream.concat(Files.list(dir.resolve("a/b")), Files.list(dir.resolve("c")))) {
      assertThat(files).as("no temporary file left behind").containsExactlyInAnyOrder(sec, pub);
    }
  }

  @Test
  void storeReplacesAnExistingFileAndLoadRoundTrips() throws IOException {
    Path sec = secretFile("old content", "rw-r--r--");
    Path pub = dir.resolve("key.pub");
    SigningKeyPair key = SigningKeyPair.generate("round-trip");
    key.store(sec, pub);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sec))).isEqualTo("rw-------");
    SigningKeyPair loaded = SigningKeyPair.load(sec);
    assertThat(loaded.publicKey()).isEqualTo(key.publicKey());
    assertThat(loaded.sign(NIX_INFO)).isEqualTo(key.sign(NIX_INFO));
    assertThat(dev.nixdeploy.PublicKey.parse(Files.readString(pub))).isEqualTo(key.publicKey());
  }

  @Test
  void loadsNixsFileWithSurroundingWhiteSpace() throws IOException {
    SigningKeyPair key = SigningKeyPair.load(secretFile("  " + NIX_SECRET + "\n", "rw-------"));
    assertThat(key.sign(NIX_INFO)).isEqualTo(Signature.parse(NIX_SIGNATURE));
    assertThat(SigningKeyPair.load(secretFile(NIX_SECRET, "r--------")).publicKey().toString())
        .isEqualTo(NIX_PUBLIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw-rw-rw-"})
  void refusesASecretFileOthersCanReadOrWrite(String mode) throws IOException {
    Path file = secretFile(NIX_SECRET, mode);
    String octal = KeyFiles.octal(PosixFilePermissions.fromString(mode));
    assertNoSecret(() -> SigningKeyPair.load(file),
        "Secret key file " + file + " can be read or written by group or others (mode " + octal
            + "); restrict it with: chmod 600 " + file);
  }

  @Test
  void octalModes() {
    assertThat(KeyFiles.octal(PosixFilePermissions.fromString("rw-r-----"))).isEqualTo("0640");
    assertThat(KeyFiles.octal(PosixFilePermissions.fromString("rwxrwxrwx"))).isEqualTo("0777");
  }

  @Test
  void missingFileAndDirectory() {
    Path missing = dir.resolve("nope.sec");
    assertThatThrownBy(() -> SigningKeyPair.load(missing))
        .isInstanceOf(SigningKeyException.class)
        .hasMessage("Secret key file " + missing + " does not exist; create one with nix-deploy keys generate"
            + " or nix-store --generate-binary-cache-key")
        .satisfies(e -> assertThat(((SigningKeyException) e).file()).contains(missing));
    assertThatThrownBy(() -> SigningKeyPair.load(dir))
        .isInstanceOf(SigningKeyException.class)
        .hasMessage("Secret key file " + dir + " is a directory; pass the secret key file itself");
  }

  @Test
  void malformedFilesAreRefusedWithoutPrintingTheSecret() throws IOException {
    String prefix = "Secret key file " + dir.resolve("key.sec") + ": not a Nix secret key: ";
    assertMalformedFile("", prefix + "the text is empty" + SUFFIX);
    assertMalformedFile(" \n", prefix + "the text is empty" + SUFFIX);
    assertMalformedFile(SECRET_BASE64, prefix + "found no ':' between the key name and the key" + SUFFIX);
    assertMalformedFile(":" + SECRET_BASE64, prefix
        + "the key name before the first ':' is empty or contains white space or control characters" + SUFFIX);
    assertMalformedFile("my key:" + SECRET_BASE64, prefix
        + "the key name before the first ':' is empty or contains white space or control characters" + SUFFIX);
    assertMalformedFile("test-1:" + SECRET_BASE64.replace('r', '*'),
        prefix + "the part after ':' is not valid base64" + SUFFIX);
    assertMalformedFile("test-1:" + SECRET_BASE64.substring(0, 40) + " " + SECRET_BASE64.substring(40),
        prefix + "the part after ':' is not valid base64" + SUFFIX);
    assertMalformedFile(NIX_PUBLIC, prefix
        + "the key has 32 bytes, the length of a public key; pass the secret key (64 bytes)" + SUFFIX);
    byte[] decoded = Base64.getDecoder().decode(SECRET_BASE64);
    assertMalformedFile("test-1:" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(decoded, 63)),
        prefix + "the key has 63 bytes, expected 64 (a 32-byte seed followed by the 32-byte public key)" + SUFFIX);
    byte[] mismatched = decoded.clone();
    mismatched[40] ^= 1;
    assertMalformedFile("test-1:" + Base64.getEncoder().encodeToString(mismatched), prefix
        + "its public half does not match its seed; the key is corrupt or was put together from two"
        + " different keys" + SUFFIX);
  }

  @Test
  void malformedTextIsAnIllegalArgumentWithoutTheSecret() {
    byte[] decoded = Base64.getDecoder().decode(SECRET_BASE64);
    decoded[0] ^= 1; // another seed: the public half no longer matches
    String text = "test-1:" + Base64.getEncoder().encodeToString(decoded);
    assertNoSecret(() -> SigningKeyPair.parse(text), "not a Nix secret key: its public half does not match"
        + " its seed; the key is corrupt or was put together from two different keys" + SUFFIX, text);
    assertNoSecret(() -> SigningKeyPair.parse(SECRET_BASE64),
        "not a Nix secret key: found no ':' between the key name and the key" + SUFFIX);
  }

  @Test
  void writeFailuresNameTheFile() throws IOException {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    Path sec = blocker.resolve("key.sec"); // parent is a regular file
    assertThatThrownBy(() -> SigningKeyPair.generate("k").store(sec, dir.resolve("k.pub")))
        .isInstanceOf(SigningKeyException.class)
        .hasMessageStartingWith("Secret key file " + sec + " cannot be written: ");
    assertThatThrownBy(() -> SigningKeyPair.generate("k").store(dir, dir.resolve("k.pub")))
        .isInstanceOf(SigningKeyException.class)
        .hasMessage("Secret key file " + dir + " is a directory; pass a file name");
  }

  private void assertMalformedFile(String content, String message) throws IOException {
    Path file = secretFile(content, "rw-------");
    assertNoSecret(() -> SigningKeyPair.load(file), message, content);
  }

  private static void assertNoSecret(ThrowingCallable call, String message) {
    assertNoSecret(call, message, NIX_SECRET);
  }

  /** The message is as expected and holds no 8-character piece of the secret's base64. */
  private static void assertNoSecret(ThrowingCallable call, String message, String secretText) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOfAny(SigningKeyException.class, IllegalArgumentException.class)
        .hasMessage(message);
    String base64 = secretText.contains(":") ? secretText.substring(secretText.indexOf(':') + 1) : secretText;
    for (String candidate : new String[] {base64, SECRET_BASE64}) {
      for (int i = 0; i + 8 <= candidate.strip().length(); i++) {
        String piece = candidate.strip().substring(i, i + 8);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
          assertThat(String.valueOf(t.getMessage())).doesNotContain(piece);
          assertThat(t.toString()).doesNotContain(piece);
        }
      }
    }
  }

  @Test
  void keyNamesAreUtf8() throws IOException {
    SigningKeyPair key = SigningKeyPair.parse("n\u00e4me:" + SECRET_BASE64);
    assertThat(key.name()).isEqualTo("n\u00e4me");
    key.store(dir.resolve("u.sec"), dir.resolve("u.pub"));
    assertThat(Files.readAllBytes(dir.resolve("u.sec")))
        .startsWith("n\u00e4me:".getBytes(StandardCharsets.UTF_8));
    assertThat(SigningKeyPair.load(dir.resolve("u.sec")).name()).isEqualTo("n\u00e4me");
  }

  /** 65534 is nobody on Debian; the tests run as root, who may give files away. */
  private static void chown(Path path, int uid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid);
  }

  @Test
  void refusesASecretKeyOwnedByAnotherUser() throws IOException {
    Path file = secretFile(NIX_SECRET, "rw-------");
    chown(file, 65534);
    assertThatThrownBy(() -> SigningKeyPair.load(file)).isInstanceOf(SigningKeyException.class)
        .hasMessageContaining("belongs to another user").hasMessageContaining("chown");
  }

  @Test
  void refusesASecretKeyInADirectoryOthersMayWriteOrOwn() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("shared"));
    Path file = sub.resolve("key.sec");
    Files.writeString(file, NIX_SECRET);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertThatThrownBy(() -> SigningKeyPair.load(file)).isInstanceOf(SigningKeyException.class)
        .hasMessageContaining("which group or others may write").hasMessageContaining("chmod go-w " + sub);
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
    assertThat(SigningKeyPair.load(file).publicKey().toString()).isEqualTo(NIX_PUBLIC);
    chown(sub, 65534);
    assertThatThrownBy(() -> SigningKeyPair.load(file)).isInstanceOf(SigningKeyException.class)
        .hasMessageContaining("belongs to another user (65534)");
  }

  @Test
  void checksTheFileALinkPointsToAndItsDirectory() throws IOException {
    Path real = secretFile(NIX_SECRET, "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link.sec"), real);
    assertThat(SigningKeyPair.load(link).publicKey().toString()).isEqualTo(NIX_PUBLIC);
    chown(real, 65534);
    assertThatThrownBy(() -> SigningKeyPair.load(link)).hasMessageContaining("belongs to another user");
  }
}
