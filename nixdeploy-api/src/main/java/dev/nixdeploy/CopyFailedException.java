package dev.nixdeploy;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Copying a closure between two stores failed: a path is missing from the source, the destination refused a
 * path, the data of a path did not match its hash, or a connection was lost. The message includes what the
 * host printed. Nix registers each path atomically, so the destination holds every path it confirmed and
 * nothing of the others: running the copy again sends only what is still missing.
 */
public class CopyFailedException extends NixDeployException {
  private static final long serialVersionUID = 2L;

  private final @Nullable StorePath path;

  /**
   * @param host the host whose store failed
   * @param path the path being transferred, if any
   * @param message what went wrong and what to do
   * @param cause the underlying failure, or null
   */
  public CopyFailedException(String host, @Nullable StorePath path, String message,
      @Nullable Throwable cause) {
    super(host, message, cause);
    this.path = path;
  }

  /** @return the host whose store failed */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }

  /** @return the path being transferred when the copy failed, if any */
  public Optional<StorePath> path() {
    return Optional.ofNullable(path);
  }
}
