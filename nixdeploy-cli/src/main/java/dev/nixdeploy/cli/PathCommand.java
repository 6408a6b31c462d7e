package dev.nixdeploy.cli;

import dev.nixdeploy.Deployment;
import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nix-deploy path}: copy the closure of a store path to or from a host, signed. */
@Command(
    name = "path",
    mixinStandardHelpOptions = true,
    description = {
        "Copy the closure of a store path to or from a host, signed.",
        "%nCopies to (--to) or from (--from) a host only what the receiving store lacks, every path"
            + " signed, over one SSH session. Keys are generated where missing and the receiving store is"
            + " made to trust the sender's key first (with sudo where needed), unless --noSign. Without"
            + " --path, the store path is read from the first line of standard input"
            + " (nix-build ... | nix-deploy path --to HOST)."})
final class PathCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  DirectionOptions direction;

  @Option(names = "--path", paramLabel = "FILEPATH",
      description = "Store path, or a link to one such as ./result (default: first line of stdin).")
  String path;

  @Option(names = "--profileName", paramLabel = "NAME",
      description = "Then point the profile PROFILEPATH/NAME on the receiving side at the path.")
  String profileName;

  @Option(names = "--profilePath", paramLabel = "DIR", defaultValue = "/nix/var/nix/profiles",
      description = "Directory of the --profileName profile (default /nix/var/nix/profiles).")
  String profilePath;

  @Option(names = "--sudo", description = "Set the profile as root even where the user could write it.")
  boolean sudo;

  @Mixin ConnectionOptions connection;

  @Mixin FleetOptions fleet;

  @ParentCommand NixDeployCommand root;

  @Override
  public Integer call() {
    ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), root.verbose);
    boolean many = direction.fleet() || fleet.given();
    // Targets are checked before the path is read: a bad host is reported first.
    List<Target> targets = many || direction.direction() == Direction.TO ? direction.targets() : List.of();
    String given = path != null ? path : StorePathArgument.firstLine(System.in);
    StorePath storePath = StorePathArgument.resolve(given, direction.direction());
    if (many) {
      return fleet.run(spec, root.verbose, connection, targets, storePath,
          f -> profileName == null ? f : f.profile(profileName, profilePath, sudo), null);
    }
    Deployment plan = direction.plan(connection.deployer(progress));
    if (!connection.noSign) {
      plan = plan.ensureKeys();
    }
    plan = plan.copy(storePath);
    if (profileName != null) {
      plan = plan.profile(profileName, profilePath, sudo);
    }
    plan.deploy();
    spec.commandLine().getOut().println(storePath);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
