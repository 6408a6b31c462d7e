package dev.nixdeploy.internal.local;

import dev.nixdeploy.Command;
import dev.nixdeploy.RemoteProcess;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A local subprocess seen as a {@link RemoteProcess}; or, for a missing program, a process that exited 127. */
final class LocalProcess implements RemoteProcess {
  private final @Nullable Process process;
  private final Consumer<LocalProcess> onClose;
  private final InputStream notFoundStderr;

  LocalProcess(Process process, Consumer<LocalProcess> onClose) {
    this.process = process;
    this.onClose = onClose;
    this.notFoundStderr = InputStream.nullInputStream();
  }

  private LocalProcess(String message) {
    this.process = null;
    this.onClose = p -> { };
    this.notFoundStderr = new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8));
  }

  static LocalProcess notFound(Command command) {
    return new LocalProcess(command.program() + ": command not found\n");
  }

  @Override
  public OutputStream stdin() {
    return process == null ? OutputStream.nullOutputStream() : process.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return process == null ? InputStream.nullInputStream() : process.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return process == null ? notFoundStderr : process.getErrorStream();
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    if (process == null) {
      return OptionalInt.of(LocalTransport.COMMAND_NOT_FOUND);
    }
    if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    return OptionalInt.empty();
  }

  @Override
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    if (process != null) {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
      closeQuietly(process.getErrorStream());
    }
    onClose.accept(this);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Nothing to do: the process is gone.
    }
  }
}
