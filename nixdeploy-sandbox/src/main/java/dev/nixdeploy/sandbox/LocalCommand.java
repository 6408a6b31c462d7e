package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command to run on this machine, as an argument vector (no shell), with its output captured. Immutable:
 * every {@code with…} method returns a changed copy, so a configured command can be run many times.
 *
 * <pre>{@code
 * ExecResult r = LocalCommand.of("nix-copy-closure", "--to", host.destination(SandboxUsers.ROOT), path.path())
 *     .withEnv("NIX_SSHOPTS", hosts.sshOptions())
 *     .run();
 * host.ssh(SandboxUsers.OPERATOR, "sudo -S -p '' true").withStdin(SandboxUsers.OPERATOR_PASSWORD + "\n").run();
 * }</pre>
 *
 * <p>A command that outlives its timeout is killed with its descendants and makes {@link #run()} throw.
 * Processes it starts in the background must not keep its standard output or error open, else
 * {@link #run()} waits for them until the timeout.
 */
public final class LocalCommand {
  /** The timeout of a command unless {@link #withTimeout} sets another. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(LocalCommand.class);
  private static final ExecutorService IO = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "sandbox-command-io");
    thread.setDaemon(true);
    return thread;
  });

  private final List<String> argv;
  private final boolean inheritEnvironment;
  // A null value removes the variable.
  private final Map<String, String> environment;
  private final byte[] stdin;
  private final Duration timeout;

  private LocalCommand(List<String> argv, boolean inheritEnvironment, Map<String, String> environment,
      byte[] stdin, Duration timeout) {
    this.argv = argv;
    this.inheritEnvironment = inheritEnvironment;
    this.environment = environment;
    this.stdin = stdin;
    this.timeout = timeout;
  }

  /**
   * @param argv the program (looked up on {@code PATH}) and its arguments
   * @return a command that inherits this JVM's environment, reads nothing and may run for
   *     {@link #DEFAULT_TIMEOUT}
   * @throws IllegalArgumentException if {@code argv} is empty
   */
  public static LocalCommand of(String... argv) {
    return of(List.of(argv));
  }

  /**
   * @param argv the program (looked up on {@code PATH}) and its arguments
   * @return a command that inherits this JVM's environment, reads nothing and may run for
   *     {@link #DEFAULT_TIMEOUT}
   * @throws IllegalArgumentException if {@code argv} is empty
   */
  public static LocalCommand of(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    return new LocalCommand(List.copyOf(argv), true, Map.of(), new byte[0], DEFAULT_TIMEOUT);
  }

  /**
   * @param name an environment variable
   * @param value its value for this command
   * @return a copy of this command with the variable set
   */
  public LocalCommand withEnv(String name, String value) {
    Objects.requireNonNull(value, "value");
    return withVariable(name, value);
  }

  /**
   * @param name an environment variable to remove, for example {@code NIX_REMOTE}
   * @return a copy of this command without that variable
   */
  public LocalCommand withoutEnv(String name) {
    return withVariable(name, null);
  }

  private LocalCommand withVariable(String name, String value) {
    Objects.requireNonNull(name, "name");
    Map<String, String> changed = new LinkedHashMap<>(environment);
    changed.put(name, value);
    return new LocalCommand(argv, inheritEnvironment, changed, stdin, timeout);
  }

  /**
   * @param variables the whole environment of the command
   * @return a copy of this command that inherits nothing from this JVM's environment
   */
  public LocalCommand withOnlyEnv(Map<String, String> variables) {
    return new LocalCommand(argv, false, new LinkedHashMap<>(variables), stdin, timeout);
  }

  /**
   * @param text what the command reads on standard input, encoded as UTF-8 (then end of file)
   * @return a copy of this command with that input
   */
  public LocalCommand withStdin(String text) {
    return new LocalCommand(argv, inheritEnvironment, environment,
        text.getBytes(StandardCharsets.UTF_8), timeout);
  }

  /**
   * @param limit how long the command may run
   * @return a copy of this command with that timeout
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public LocalCommand withTimeout(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return new LocalCommand(argv, inheritEnvironment, environment, stdin, limit);
  }

  /** @return the program and its arguments */
  public List<String> argv() {
    return argv;
  }

  /**
   * Runs the command and waits for it.
   *
   * @return its exit code and output; a non-zero exit code is not an error here (see
   *     {@link ExecResult#orThrow()})
   * @throws NixDeployException if it cannot be started or outlives its timeout
   */
  public ExecResult run() {
    Process process = start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), IO);
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), IO);
    CompletableFuture.runAsync(() -> feed(process.getOutputStream()), IO);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw new NixDeployException("timed out after " + timeout + ": " + argv);
      }
      long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
      String stdout = decode(out.get(left, TimeUnit.NANOSECONDS));
      String stderr = decode(err.get(left, TimeUnit.NANOSECONDS));
      LOG.debug("exit {} from {}", process.exitValue(), argv);
      return new ExecResult(process.exitValue(), stdout, stderr);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new NixDeployException("interrupted while running " + argv, e);
    } catch (TimeoutException e) {
      throw new NixDeployException("a process started by " + argv
          + " still holds its output open; redirect the output of background processes", e);
    } catch (ExecutionException e) {
      throw new NixDeployException("cannot read the output of " + argv, e.getCause());
    }
  }

  private Process start() {
    ProcessBuilder builder = new ProcessBuilder(argv);
    Map<String, String> env = builder.environment();
    if (!inheritEnvironment) {
      env.clear();
    }
    environment.forEach((name, value) -> {
      if (value == null) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    });
    try {
      return builder.start();
    } catch (IOException e) {
      throw new NixDeployException("cannot start " + argv + ": " + e.getMessage(), e);
    }
  }

  private void feed(OutputStream in) {
    try (in) {
      in.write(stdin);
    } catch (IOException e) {
      // The command exited or closed its input without reading it all: nothing to do.
    }
  }

  private static byte[] drain(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
