package dev.nixdeploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nix-deploy keys}: the signing keys targets trust. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage Ed25519 signing keys in Nix's format.",
    subcommands = {
        KeysGenerateCommand.class,
        KeysPublicCommand.class,
    })
final class KeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: generate or public");
  }
}
