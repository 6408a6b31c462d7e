package dev.nixdeploy;

/** A command on a host exited with a non-zero status. Carries the host and the whole result. */
public class CommandFailedException extends NixDeployException {
  private static final long serialVersionUID = 1L;
  private static final int STDERR_TAIL = 2000;

  private final String host;
  private final transient CommandResult result;

  /**
   * @param host where the command ran
   * @param result how it ended
   */
  public CommandFailedException(String host, CommandResult result) {
    super("Command failed on " + host + " with exit code " + result.exitCode() + ": "
        + result.command().toShellString() + tail(result.stderr()));
    this.host = host;
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
  public String host() {
    return host;
  }

  /** @return the command's exit code, output and error output */
  public CommandResult result() {
    return result;
  }
}
