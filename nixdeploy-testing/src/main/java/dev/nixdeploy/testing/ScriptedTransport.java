package dev.nixdeploy.testing;

import dev.nixdeploy.Command;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * A scripted {@link Transport} for unit tests: no ssh, no processes. Script the commands the code under
 * test must run and what each one answers; the fake records every command it sees and fails the test with
 * an {@link AssertionError} naming the command as soon as one was not expected.
 *
 * <pre>{@code
 * ScriptedTransport web = ScriptedTransport.forHost("deploy@web-1")
 *     .expect(Command.of("nix-store", "--version")).thenSucceed("nix-store (Nix) 2.8.0\n")
 *     .expect(Command.of("systemctl", "is-system-running")).thenRespond(1, "degraded\n", "")
 *     .stub(Command.of("uname", "-m")).thenSucceed("x86_64\n");
 *
 * myCode.checkHost(web);
 *
 * web.verifyAllConsumed();
 * assertThat(web.commands()).startsWith(Command.of("nix-store", "--version"));
 * }</pre>
 *
 * <p>{@link #expect(Command)} scripts one run, consumed in the order scripted; {@link #stub(Command)}
 * answers a command any number of times, in any order. An expectation that matches the next command wins
 * over a stub. A command that matches neither fails with an {@link AssertionError} (not a
 * {@link dev.nixdeploy.NixDeployException}, so the code under test cannot swallow it) and the failure is
 * also rethrown by {@link #verifyAllConsumed()}. Thread-safe.
 */
@NullMarked
public final class ScriptedTransport implements Transport {
  private final String host;
  private final Deque<Expectation> expected = new ArrayDeque<>();
  private final List<Expectation> stubs = new ArrayList<>();
  private final List<Invocation> invocations = new ArrayList<>();
  private @Nullable AssertionError failure;
  private boolean closed;

  private ScriptedTransport(String host) {
    this.host = host;
  }

  /**
   * @param host what {@link #host()} returns, e.g. {@code deploy@web-1}
   * @return a transport with nothing scripted
   */
  public static ScriptedTransport forHost(String host) {
    return new ScriptedTransport(Objects.requireNonNull(host, "host"));
  }

  /**
   * Scripts one run of {@code command}, after those scripted before.
   *
   * @param command the exact command the code under test must start next
   * @return the expectation, to say how the command answers
   */
  public synchronized Expectation expect(Command command) {
    Expectation e = new Expectation(Objects.requireNonNull(command, "command"), true);
    expected.add(e);
    return e;
  }

  /**
   * Answers {@code command} whenever it is started, any number of times (also never).
   *
   * @param command the exact command
   * @return the expectation, to say how the command answers
   */
  public synchronized Expectation stub(Command command) {
    Expectation e = new Expectation(Objects.requireNonNull(command, "command"), false);
    stubs.add(e);
    return e;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public RemoteProcess start(Command command) {
    Objects.requireNonNull(command, "command");
    Expectation match;
    Invocation invocation;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("The scripted transport to " + host + " is closed; started " + command);
      }
      Expectation next = expected.peek();
      if (next != null && next.command.equals(command)) {
        match = expected.remove();
      } else {
        match = stubs.stream().filter(s -> s.command.equals(command)).findFirst().orElse(null);
      }
      if (match == null) {
        AssertionError error = new AssertionError("Unexpected command on " + host + ": " + command
            + "\n  expected next: " + (next == null ? "nothing more" : next.command.toString())
            + (stubs.isEmpty() ? "" : "\n  stubbed: " + stubs.stream().map(s -> s.command.toString())
                .collect(Collectors.joining(" | ")))
            + "\n  commands so far: " + invocations.stream().map(i -> i.command().toString())
                .collect(Collectors.joining(" | ", "[", "]")));
        if (failure == null) {
          failure = error;
        }
        invocations.add(new Invocation(command));
        throw error;
      }
      if (match.response == null) {
        throw new IllegalStateException("The expectation for " + command + " says no answer: call thenRespond, "
            + "thenSucceed, thenExit or thenThrow on it");
      }
      invocation = new Invocation(command);
      invocations.add(invocation);
    }
    if (match.response.failure != null) {
      throw match.response.failure;
    }
    return new ScriptedProcess(invocation, match.response);
  }

  /**
   * @return every command started so far, in order, including unexpected ones and those scripted to throw
   */
  public synchronized List<Command> commands() {
    return invocations.stream().map(Invocation::command).collect(Collectors.toUnmodifiableList());
  }

  /** @return every run so far, with what the code under test wrote to its standard input */
  public synchronized List<Invocation> invocations() {
    return List.copyOf(invocations);
  }

  /**
   * @throws AssertionError if a command was not expected, or an {@link #expect(Command) expected} command
   *     was never started
   */
  public synchronized void verifyAllConsumed() {
    if (failure != null) {
      throw failure;
    }
    if (!expected.isEmpty()) {
      throw new AssertionError("Expected commands on " + host + " that never ran: " + expected.stream()
          .map(e -> e.command.toString()).collect(Collectors.joining(" | ", "[", "]"))
          + "\n  commands that ran: " + invocations.stream().map(i -> i.command().toString())
              .collect(Collectors.joining(" | ", "[", "]")));
    }
  }

  /** @return true once {@link #close()} was called */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "ScriptedTransport{" + host + "}";
  }

  /** How one scripted command answers. Each {@code then...} method returns the transport, to script on. */
  public final class Expectation {
    private final Command command;
    private final boolean once;
    private @Nullable Response response;

    private Expectation(Command command, boolean once) {
      this.command = command;
      this.once = once;
    }

    /**
     * @param exitCode the exit status
     * @param stdout what the command prints on standard output (UTF-8)
     * @param stderr what it prints on standard error (UTF-8)
     * @return the transport
     */
    public ScriptedTransport thenRespond(int exitCode, String stdout, String stderr) {
      return thenRespond(exitCode, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param exitCode the exit status
     * @param stdout the bytes the command prints on standard output
     * @param stderr the bytes it prints on standard error
     * @return the transport
     */
    public ScriptedTransport thenRespond(int exitCode, byte[] stdout, byte[] stderr) {
      return answer(new Response(exitCode, stdout.clone(), stderr.clone(), null));
    }

    /**
     * @param stdout what the command prints; it exits with 0 and prints nothing on standard error
     * @return the transport
     */
    public ScriptedTransport thenSucceed(String stdout) {
      return thenRespond(0, stdout, "");
    }

    /**
     * @param exitCode the exit status; the command prints nothing
     * @return the transport
     */
    public ScriptedTransport thenExit(int exitCode) {
      return thenRespond(exitCode, "", "");
    }

    /**
     * @param failure thrown by {@link Transport#start(Command)}, e.g. a {@code ConnectionLostException}
     * @return the transport
     */
    public ScriptedTransport thenThrow(RuntimeException failure) {
      return answer(new Response(-1, new byte[0], new byte[0], Objects.requireNonNull(failure, "failure")));
    }

    private ScriptedTransport answer(Response r) {
      synchronized (ScriptedTransport.this) {
        if (response != null) {
          throw new IllegalStateException("The answer to " + command + " is already scripted"
              + (once ? "; call expect() again to script another run" : ""));
        }
        response = r;
      }
      return ScriptedTransport.this;
    }
  }

  private static final class Response {
    final int exitCode;
    final byte[] stdout;
    final byte[] stderr;
    final @Nullable RuntimeException failure;

    Response(int exitCode, byte[] stdout, byte[] stderr, @Nullable RuntimeException failure) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
      this.failure = failure;
    }
  }

  /** One started command and the bytes written to its standard input. */
  public static final class Invocation {
    private final Command command;
    private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();

    private Invocation(Command command) {
      this.command = command;
    }

    /** @return the command */
    public Command command() {
      return command;
    }

    /** @return what was written to its standard input so far */
    public byte[] stdin() {
      synchronized (stdin) {
        return stdin.toByteArray();
      }
    }

    /** @return {@link #stdin()} decoded as UTF-8 */
    public String stdinAsString() {
      return new String(stdin(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return command.toString();
    }
  }

  private static final class ScriptedProcess implements RemoteProcess {
    private final Invocation invocation;
    private final Response response;
    private final InputStream stdout;
    private final InputStream stderr;
    private final OutputStream stdin;
    private volatile boolean closed;

    ScriptedProcess(Invocation invocation, Response response) {
      this.invocation = invocation;
      this.response = response;
      this.stdout = new ByteArrayInputStream(response.stdout);
      this.stderr = new ByteArrayInputStream(response.stderr);
      this.stdin = new OutputStream() {
        @Override
        public void write(int b) {
          synchronized (invocation.stdin) {
            invocation.stdin.write(b);
          }
        }

        @Override
        public void write(byte[] b, int off, int len) {
          synchronized (invocation.stdin) {
            invocation.stdin.write(b, off, len);
          }
        }
      };
    }

    @Override
    public OutputStream stdin() {
      return stdin;
    }

    @Override
    public InputStream stdout() {
      return stdout;
    }

    @Override
    public InputStream stderr() {
      return stderr;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) {
      return OptionalInt.of(response.exitCode);
    }

    @Override
    public boolean isAlive() {
      return false;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String toString() {
      return "ScriptedProcess{" + invocation.command + (closed ? ", closed" : "") + "}";
    }
  }
}
