package dev.nixdeploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code nix-deploy} command line. Each subcommand is its own class; to add one, list it in
 * {@code subcommands} below. Failures print one line, {@code error: MESSAGE}, on standard error and
 * exit with 1 (a stack trace too with {@code --verbose}); usage mistakes exit with 2.
 */
@Command(
    name = "nix-deploy",
    mixinStandardHelpOptions = true,
    versionProvider = NixDeployCommand.Version.class,
    description = "Deploys Nix closures and NixOS systems over SSH, signed with your own key.",
    subcommands = {
        PathCommand.class,
        SystemCommand.class,
        KeysCommand.class,
    })
public final class NixDeployCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print every path copied, and stack traces of errors.")
  boolean verbose;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** @return the command line with nix-deploy's error handling, ready to {@code execute} */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new NixDeployCommand());
    cli.setExecutionExceptionHandler(NixDeployCommand::handle);
    return cli;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  private static int handle(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    err.println("error: " + message.replace('\n', ' '));
    if (verbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Reads the version Maven wrote into {@code version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = NixDeployCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"nix-deploy " + p.getProperty("version", "(unknown version)")};
    }
  }
}
