package dev.nixdeploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs commands on one host: over SSH for a remote target, as subprocesses for the local machine. It is
 * the seam between nix-deploy's logic and the network, so code that uses nix-deploy can be unit-tested
 * with a mock or the scripted fake from {@code nixdeploy-testing}:
 *
 * <pre>{@code
 * Transport t = mock(Transport.class);
 * when(t.run(Command.of("nix-store", "--version")))
 *     .thenReturn(new CommandResult(Command.of("nix-store", "--version"), 0, "nix-store (Nix) 2.8.0\n", ""));
 * }</pre>
 *
 * <p>Implementations are thread-safe: several commands may run at once (over SSH, each on its own
 * channel of one session). Closing the transport ends every command still running.
 */
public interface Transport extends AutoCloseable {
  /** @return where commands run, for messages and events: e.g. {@code deploy@web-1} or {@code local} */
  String host();

  /**
   * Starts a command with its streams open.
   *
   * @param command what to run
   * @return the running command
   * @throws NixDeployException if the command cannot be started (e.g. the connection is lost)
   */
  RemoteProcess start(Command command);

  /**
   * Runs a command to its end with empty standard input and collects what it printed. Does not throw
   * for a non-zero exit code: use {@link CommandResult#orThrow(String)} for that.
   *
   * @param command what to run
   * @return its exit code and output
   * @throws NixDeployException if the command cannot be started or its output not read
   */
  default CommandResult run(Command command) {
    return run(command, new byte[0]);
  }

  /**
   * Runs a command to its end, feeding it {@code stdin}, and collects what it printed.
   *
   * @param command what to run
   * @param stdin bytes to write to its standard input, which is then closed (e.g. a password for
   *     {@code sudo -S}: never put one in an argument)
   * @return its exit code and output
   * @throws NixDeployException if the command cannot be started or its output not read
   */
  default CommandResult run(Command command, byte[] stdin) {
    try (RemoteProcess process = start(command)) {
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.stderr()));
      try (var in = process.stdin()) {
        in.write(stdin);
      } catch (IOException e) {
        // The command may exit without reading its input; what it printed still tells what happened.
      }
      byte[] out = readAll(process.stdout());
      int exit = process.waitFor(Duration.ofDays(365)).orElse(-1);
      return new CommandResult(command, exit, new String(out, StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("Interrupted while running " + command + " on " + host(), e);
    } catch (UncheckedIOException | java.util.concurrent.CompletionException e) {
      throw new NixDeployException("Lost the output of " + command + " on " + host() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends every command still running and releases the connection. Idempotent. */
  @Override
  void close();
}
