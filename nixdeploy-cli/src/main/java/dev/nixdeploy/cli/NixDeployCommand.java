package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code nix-deploy} command line. Each subcommand is its own class; to add one, list it in
 * {@link #SUBCOMMANDS} and in docs/cli.md (a test keeps the two in step). A usage error prints one
 * {@code error:} line and a hint and exits with 2; a failure prints {@code error: MESSAGE} (a stack trace
 * too with {@code --verbose}) and exits with the code {@link ExitCode#of} gives it.
 */
@Command(
    name = "nix-deploy",
    mixinStandardHelpOptions = true,
    versionProvider = NixDeployCommand.Version.class,
    description = "Deploys Nix closures and NixOS systems over SSH, signed with your own key.",
    footer = {"%nExit codes: 0 done, 1 deploy failed, 2 usage error or invalid input,"
        + " 3 host key verification failed, 4 activation partly failed (--failOnPartialSuccess).",
        "Run 'nix-deploy help COMMAND' for a command's flags."})
public final class NixDeployCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Also print every path copied, the commands run on hosts, and stack traces of errors.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print nothing but errors (and what a command prints on standard output).")
  boolean quiet;

  /** Set by a deploying command once the activation's own output went to the terminal. */
  boolean activationOutputShown;

  /**
   * The subcommands by name, in the order the help lists them. Each is made only when a run needs it:
   * picocli reads every option of a command by reflection when the command is added, most of the
   * start-up time of {@code --help}.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("path", PathCommand::new);
    m.put("system", SystemCommand::new);
    m.put("keys", KeysCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return Collections.unmodifiableMap(m);
  }

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** @return the command line with every subcommand and nix-deploy's error handling, ready to {@code execute} */
  public static CommandLine commandLine() {
    return commandLine(SUBCOMMANDS.keySet());
  }

  /**
   * @param args the arguments the command line will be given
   * @return the command line for those arguments: only the subcommand they name when it is one (and not
   *     {@code help}), else every subcommand, so that help, usage errors and suggestions see them all
   */
  static CommandLine commandLine(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      if (!arg.startsWith("-")) {
        return SUBCOMMANDS.containsKey(arg) && !arg.equals("help") ? commandLine(Set.of(arg)) : commandLine();
      }
    }
    return commandLine();
  }

  private static CommandLine commandLine(Set<String> names) {
    NixDeployCommand root = new NixDeployCommand();
    CommandLine cli = new CommandLine(root);
    SUBCOMMANDS.forEach((name, command) -> {
      if (names.contains(name)) {
        cli.addSubcommand(name, command.get());
      }
    });
    cli.setExecutionExceptionHandler(root::handle);
    cli.setParameterExceptionHandler(NixDeployCommand::usageError);
    return cli;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command: path, system, keys or help");
  }

  /** One {@code error:} line naming what was wrong, and where to read more; never the whole help. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String message = e.getMessage().replaceFirst("^Error: ", "");
    err.println("error: " + message.replace('\n', ' '));
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        err.println("hint: did you mean " + String.join(" or ", suggestions) + "?");
      }
    }
    err.println(hint(cli.getCommandSpec()));
    err.flush();
    return ExitCode.USAGE;
  }

  private static String hint(CommandSpec command) {
    return "hint: run '" + command.qualifiedName() + " --help' for its flags";
  }

  private int handle(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    int code = ExitCode.of(e);
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof ActivationException a && a.result().isPresent()) {
      // The activation's output was streamed (unless quiet or --json): its tail is shown once.
      err.println("error: " + message.lines().findFirst().orElse(""));
      if (!activationOutputShown) {
        printTail(err, a.result().get());
      }
    } else {
      List<String> lines = message.lines().toList();
      err.println("error: " + (lines.isEmpty() ? "" : lines.get(0)));
      lines.stream().skip(1).forEach(err::println);
    }
    if (code == ExitCode.USAGE) {
      err.println(hint(cli.getCommandSpec()));
    }
    if (Output.verbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static void printTail(PrintWriter err, ActivationResult result) {
    List<String> output = result.output();
    List<String> tail = output.subList(Math.max(0, output.size() - 10), output.size());
    if (!tail.isEmpty()) {
      err.println("last lines of the activation on " + result.host() + ":");
      tail.forEach(line -> err.println("    " + line));
    }
  }

  /** The version Maven wrote into {@code version.properties}, and the Nix found on this machine. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = NixDeployCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
          "nix-deploy " + p.getProperty("version", "(unknown version)"),
          "local Nix: " + LocalNix.version()};
    }
  }
}
