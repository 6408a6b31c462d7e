package dev.nixdeploy.internal.trust;

import dev.nixdeploy.PublicKey;
import dev.nixdeploy.SigningKeyException;
import dev.nixdeploy.SigningKeyPair;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The deploying machine's key pair: loaded from its secret key file, or generated with Tink and stored
 * there (0600, public key beside it, 0644) on first use. A lock file beside the key keeps two processes
 * (and a JVM-wide lock two threads) from generating two different keys at once.
 */
final class LocalKeyPair {
  private static final ReentrantLock IN_JVM = new ReentrantLock();

  /**
   * The key pair, and whether it was generated now.
   *
   * @param pair the key pair; the caller destroys it
   * @param generated true if this call generated it
   */
  record Loaded(SigningKeyPair pair, boolean generated) {}

  private LocalKeyPair() {}

  /**
   * @param secretKeyFile where the secret key is, or is to be
   * @param name the key name to generate with, asked only when generating
   * @throws SigningKeyException if the file cannot be read or written (the message says what to do)
   */
  static Loaded loadOrGenerate(Path secretKeyFile, Supplier<String> name) {
    Path file = secretKeyFile.toAbsolutePath();
    if (Files.exists(file)) {
      return new Loaded(SigningKeyPair.load(file), false);
    }
    IN_JVM.lock();
    try (FileChannel lockFile = openLock(file); FileLock ignored = lockFile.lock()) {
      // Re-check under the lock: another thread or process may have generated it meanwhile.
      if (Files.exists(file)) {
        return new Loaded(SigningKeyPair.load(file), false);
      }
      SigningKeyPair pair = SigningKeyPair.generate(name.get());
      pair.store(file, KeyLocations.publicKeyFileFor(file));
      return new Loaded(pair, true);
    } catch (IOException e) {
      throw new SigningKeyException(file, "Cannot lock " + file + ".lock to generate a signing key: " + e
          + "; check that its directory is writable", e);
    } finally {
      IN_JVM.unlock();
    }
  }

  /**
   * @param secretKeyFile where the secret key is, or is to be
   * @return its public key, if the file exists; nothing is generated
   * @throws SigningKeyException if the file exists but cannot be read
   */
  static Optional<PublicKey> existing(Path secretKeyFile) {
    Path file = secretKeyFile.toAbsolutePath();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    SigningKeyPair pair = SigningKeyPair.load(file);
    try {
      return Optional.of(pair.publicKey());
    } finally {
      pair.destroy();
    }
  }

  private static FileChannel openLock(Path file) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    }
    // Never through a link: a link planted there would have us create or truncate the file it names.
    return FileChannel.open(dir.resolve(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }
}
