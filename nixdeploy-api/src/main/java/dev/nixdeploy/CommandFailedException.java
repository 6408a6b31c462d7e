package dev.nixdeploy;

import java.util.Objects;

/** A command on a host exited with a non-zero status. Carries the host and the whole result. */
public class CommandFailedException extends NixDeployException {
  private static final long serialVersionUID = 2L;
  private static final int STDERR_TAIL = 2000;

  private final CommandResult result;

  /**
   * @param host where the command ran
   * @param result how it ended
   */
  public CommandFailedException(String host, CommandResult result) {
    super(host, "Command failed on " + host + " with exit code " + result.exitCode() + ": "
        + result.command().toShellString() + tail(result.stderr()), null);
    this.result = result;
  }

  private static String tail(String stderr) {
    String s = stderr.strip();
    if (s.isEmpty()) {
      return "";
    }
    return "\n" + (s.length() > STDERR_TAIL ? "…" + s.substring(s.length() - STDERR_TAIL) : s);
  }

  /** @return where the command ran */
  @Override
  public String host() {
    return Objects.requireNonNull(super.host());
  }

  /** @return the command's exit code, output and error output */
  public CommandResult result() {
    return result;
  }
}
