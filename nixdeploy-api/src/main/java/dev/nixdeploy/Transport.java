package dev.nixdeploy;

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
   *     {@code sudo -S}: never put one in an argument); written while the output is read, each stream on
   *     a thread of its own (never a shared pool), so a command that prints before it has read all its
   *     input, or prints much to standard error, does not block
   * @return its exit code and output
   * @throws NixDeployException if the command cannot be started or its output not read
   */
  default CommandResult run(Command command, byte[] stdin) {
    return CommandRun.run(this, command, stdin);
  }

  /** Ends every command still running and releases the connection. Idempotent. */
  @Override
  void close();
}
