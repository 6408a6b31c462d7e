package dev.nixdeploy;

import java.util.Objects;

/**
 * How a finished command ended: its exit code and what it printed.
 *
 * @param command the command that ran
 * @param exitCode its exit status (by convention 0 is success; -1 if the host reported none, e.g. the
 *     connection closed first)
 * @param stdout what it wrote to standard output, decoded as UTF-8
 * @param stderr what it wrote to standard error, decoded as UTF-8
 */
public record CommandResult(Command command, int exitCode, String stdout, String stderr)
    implements java.io.Serializable {
  /** Checks that no component is null. */
  public CommandResult {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** @return true when the exit code is 0 */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * @param host where the command ran, for the message
   * @return this result, if the command succeeded
   * @throws CommandFailedException naming the host, command, exit code and the end of stderr otherwise
   */
  public CommandResult orThrow(String host) {
    if (!succeeded()) {
      throw new CommandFailedException(host, this);
    }
    return this;
  }
}
