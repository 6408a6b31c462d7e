package dev.nixdeploy.internal.keys;

import dev.nixdeploy.SigningKeyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads and writes key files: secret files are written atomically with mode 0600 and only read when
 * neither group nor others may read or write them.
 */
final class KeyFiles {
  static final Set<PosixFilePermission> SECRET_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC_MODE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> SECRET_DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> UNSAFE = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
  /** Far more than any key file; refuses to read a wrong file (a disk image…) into memory. */
  private static final long MAX_SIZE = 64 * 1024;

  private KeyFiles() {}

  /** @return the file's bytes; the caller wipes them */
  static byte[] readSecret(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new SigningKeyException(file, "Secret key file " + file + " is a directory; pass the"
            + " secret key file itself");
      }
      if (posix(file)) {
        checkOwnership(file);
      }
      long size = Files.size(file);
      if (size > MAX_SIZE) {
        throw new SigningKeyException(file, "Secret key file " + file + " has " + size
            + " bytes, far too many for a Nix secret key (about 100); is it the right file?");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SigningKeyException(file, "Secret key file " + file + " does not exist; create one with"
          + " nix-deploy keys generate or nix-store --generate-binary-cache-key", e);
    } catch (AccessDeniedException e) {
      throw new SigningKeyException(file, "Secret key file " + file + " cannot be read: permission"
          + " denied; run as the user who owns it", e);
    } catch (IOException e) {
      throw new SigningKeyException(file, "Secret key file " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * Refuses a secret key that someone else could have written or swapped: the file (after links) must be
   * owned by this process's user and closed to group and others, and its directory owned by this user or
   * root and writable by nobody else.
   */
  private static void checkOwnership(Path file) throws IOException {
    Path real = file.toRealPath();
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(real);
    if (mode.stream().anyMatch(UNSAFE::contains)) {
      throw new SigningKeyException(file, "Secret key file " + file + " can be read or written by"
          + " group or others (mode " + octal(mode) + "); restrict it with: chmod 600 " + real);
    }
    Object me = currentUser();
    Object owner = ownerOf(real);
    if (!owner.equals(me)) {
      throw new SigningKeyException(file, "Secret key file " + file + " belongs to another user (" + owner
          + ", not " + me + "): someone else could have written it. Use a key file of your own, or take it"
          + " over after checking it: chown " + System.getProperty("user.name") + " " + real);
    }
    Path dir = real.getParent();
    Set<PosixFilePermission> dirMode = Files.getPosixFilePermissions(dir);
    Object dirOwner = ownerOf(dir);
    if (dirMode.contains(PosixFilePermission.GROUP_WRITE) || dirMode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new SigningKeyException(file, "Secret key file " + file + " is in " + dir + ", which group or others"
          + " may write (mode " + octal(dirMode) + "): they could replace the key. Restrict it with: chmod go-w "
          + dir + " -- or keep the key in a directory of your own (the default is ~/.config/nix-deploy)");
    }
    if (!dirOwner.equals(me) && !dirOwner.equals(ROOT)) {
      throw new SigningKeyException(file, "Secret key file " + file + " is in " + dir + ", which belongs to"
          + " another user (" + dirOwner + "), who could replace the key; keep it in a directory of your own");
    }
  }

  private static final Object ROOT = 0;

  /** @return this process's uid (Linux: the owner of /proc/self), else its user name */
  private static Object currentUser() {
    try {
      return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return System.getProperty("user.name");
    }
  }

  private static Object ownerOf(Path path) throws IOException {
    try {
      return currentUser() instanceof Integer ? Files.getAttribute(path, "unix:uid")
          : Files.getOwner(path).getName();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.getOwner(path).getName();
    }
  }

  /** Writes {@code text} (not wiped here) to {@code file} with mode 0600, atomically. */
  static void writeSecret(Path file, byte[] text) {
    write(file, text, SECRET_MODE, "Secret key file");
  }

  /** Writes {@code text} to {@code file} with mode 0644, atomically. */
  static void writePublic(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8), PUBLIC_MODE, "Public key file");
  }

  private static void write(Path file, byte[] content, Set<PosixFilePermission> mode, String what) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path temp = null;
    try {
      if (Files.isDirectory(target)) {
        throw new SigningKeyException(file, what + " " + file + " is a directory; pass a file name");
      }
      boolean posix = posix(dir);
      if (!Files.isDirectory(dir)) {
        if (posix && mode == SECRET_MODE) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(SECRET_DIR_MODE));
        } else {
          Files.createDirectories(dir);
        }
      }
      // Created 0600 from the start so that the secret is never readable by others, even briefly.
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SECRET_MODE)}
          : new FileAttribute<?>[0];
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attrs);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (posix) {
        Files.setPosixFilePermissions(temp, mode); // exact mode, whatever the umask
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (AccessDeniedException e) {
      throw new SigningKeyException(file, what + " " + file + " cannot be written: permission denied on "
          + e.getFile(), e);
    } catch (FileSystemException e) {
      throw new SigningKeyException(file, what + " " + file + " cannot be written: "
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
          + (e.getFile() == null ? "" : " (" + e.getFile() + ")"), e);
    } catch (IOException e) {
      throw new SigningKeyException(file, what + " " + file + " cannot be written: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The original failure matters more.
        }
      }
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", bits);
  }
}
