package dev.nixdeploy;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A signing key file cannot be read or written: missing, unreadable, with unsafe permissions, or
 * malformed. The message names the file and says what to do; it never contains secret key material.
 */
public class SigningKeyException extends NixDeployException {
  private static final long serialVersionUID = 2L;

  private final @Nullable String file;

  /**
   * @param file the key file concerned, if any
   * @param message what is wrong and what to do; must not contain secret material
   */
  public SigningKeyException(@Nullable Path file, String message) {
    super(message);
    this.file = file == null ? null : file.toString();
  }

  /**
   * @param file the key file concerned, if any
   * @param message what is wrong and what to do; must not contain secret material
   * @param cause the underlying failure; its message must not contain secret material either
   */
  public SigningKeyException(@Nullable Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file == null ? null : file.toString();
  }

  /** @return the key file concerned, if the failure is about a file */
  public Optional<Path> file() {
    return Optional.ofNullable(file).map(Path::of);
  }
}
