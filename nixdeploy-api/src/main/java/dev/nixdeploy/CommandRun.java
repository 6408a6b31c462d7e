package dev.nixdeploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@link Transport#run(Command, byte[])}: feeds standard input and drains standard error each on a thread
 * of its own while the caller reads standard output, so that no pipe fills up with nobody to empty it.
 * Never on a shared pool: a caller that is itself a pool worker (a parallel stream, say) must not wait
 * for a task queued behind it.
 */
final class CommandRun {
  private CommandRun() {}

  static CommandResult run(Transport transport, Command command, byte[] stdin) {
    try (RemoteProcess process = transport.start(command)) {
      FutureTask<byte[]> err = new FutureTask<>(() -> readAll(process.stderr()));
      daemon(err, "nix-deploy stderr of a command on " + transport.host()).start();
      Thread feeder = null;
      if (stdin.length == 0) {
        feed(process.stdin(), stdin);
      } else {
        feeder = daemon(() -> feed(process.stdin(), stdin), "nix-deploy stdin of a command on "
            + transport.host());
        feeder.start();
      }
      byte[] out = readAll(process.stdout());
      int exit = process.waitFor(Duration.ofDays(365)).orElse(-1);
      if (feeder != null) {
        // Done or failing now that the command ended: once run returns, its input was given.
        feeder.join();
      }
      return new CommandResult(command, exit, new String(out, StandardCharsets.UTF_8),
          new String(err.get(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("Interrupted while running " + command + " on " + transport.host(), e);
    } catch (UncheckedIOException | ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      throw new NixDeployException("Lost the output of " + command + " on " + transport.host() + ": "
          + cause.getMessage(), cause);
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void feed(OutputStream in, byte[] bytes) {
    try (in) {
      in.write(bytes);
    } catch (IOException e) {
      // The command may exit without reading its input; what it printed still tells what happened.
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
}
