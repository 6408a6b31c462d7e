package dev.nixdeploy;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * A command running on a host, with its standard streams open: the streaming half of a
 * {@link Transport}. The {@code nix-store --serve} protocol runs over one of these, locally (a
 * subprocess) as remotely (an SSH exec channel).
 *
 * <p>Read {@link #stdout()} and {@link #stderr()} concurrently or the command may block on a full
 * pipe. {@link #close()} ends the command if it still runs and releases its channel.
 */
public interface RemoteProcess extends AutoCloseable {
  /** @return the command's standard input; closing it sends end-of-file */
  OutputStream stdin();

  /** @return the command's standard output */
  InputStream stdout();

  /** @return the command's standard error */
  InputStream stderr();

  /**
   * Waits for the command to end.
   *
   * @param timeout how long to wait at most
   * @return its exit status, or empty if it did not end in time or the host reported none
   * @throws InterruptedException if the waiting thread is interrupted
   */
  OptionalInt waitFor(Duration timeout) throws InterruptedException;

  /** @return true while the command runs and its channel is open */
  boolean isAlive();

  /** Ends the command if it still runs and releases its resources. Idempotent. */
  @Override
  void close();
}
