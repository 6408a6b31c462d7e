package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Keeps docs/cli.md in step with the code: every command and flag documented, nothing documented that is not. */
class CliReferenceTest {
  private static final Path REFERENCE = Path.of("..", "docs", "cli.md");
  private static final Pattern DOCUMENTED_FLAG = Pattern.compile("`(--?[A-Za-z][A-Za-z-]*)");

  private static List<CommandSpec> commands(CommandLine cli) {
    List<CommandSpec> all = new ArrayList<>(List.of(cli.getCommandSpec()));
    cli.getSubcommands().values().forEach(sub -> all.addAll(commands(sub)));
    return all;
  }

  private static Set<String> flags(List<CommandSpec> commands) {
    Set<String> flags = new TreeSet<>();
    commands.forEach(c -> c.options().forEach(o -> flags.addAll(List.of(o.names()))));
    return flags;
  }

  @Test
  void everyCommandHasItsSectionAndEveryFlagIsDocumented() throws IOException {
    String doc = Files.readString(REFERENCE);
    List<CommandSpec> commands = commands(NixDeployCommand.commandLine());
    for (CommandSpec command : commands) {
      if (command.parent() != null) {
        assertThat(doc).as("a section for " + command.qualifiedName())
            .contains("\n## " + command.qualifiedName() + "\n");
      }
      for (OptionSpec option : command.options()) {
        assertThat(doc).as(command.qualifiedName() + " " + option.longestName())
            .contains("`" + option.longestName());
      }
    }
  }

  @Test
  void everyDocumentedFlagExists() throws IOException {
    String doc = Files.readString(REFERENCE);
    Set<String> flags = flags(commands(NixDeployCommand.commandLine()));
    Matcher m = DOCUMENTED_FLAG.matcher(doc);
    while (m.find()) {
      assertThat(flags).as("documented flag " + m.group(1)).contains(m.group(1));
    }
  }

  @Test
  void theExitCodesAreThoseDocumented() throws IOException {
    String doc = Files.readString(REFERENCE);
    for (int code : new int[] {ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.HOST_KEY, ExitCode.PARTIAL}) {
      assertThat(doc).contains("\n| " + code + " | ");
    }
  }
}
