package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.util.List;
import java.util.Optional;
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
            + " (nix-build ... | nix-deploy path --to HOST). Prints the store path when done."})
final class PathCommand implements Callable<Integer>, DeployRun.Step {
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

  @Mixin DeployOptions deploy;

  @Mixin ConnectionOptions connection;

  @Mixin FleetOptions fleet;

  @ParentCommand NixDeployCommand root;

  @Override
  public Integer call() {
    if (profileName != null) {
      checkName("--profileName", profileName);
      if (!profilePath.startsWith("/") || List.of(profilePath.split("/")).contains("..")) {
        throw new InvalidInputException("--profilePath \"" + profilePath + "\" is not allowed: give an absolute"
            + " directory without '..', such as /nix/var/nix/profiles");
      }
    }
    fleet.check();
    if (direction.fleet() || fleet.given()) {
      // Targets are checked before the path is read: a bad host is reported first.
      Output output = Output.of(spec);
      List<Target> targets = direction.targets();
      deploy.checkForFleet();
      connection.check();
      StorePath storePath = StorePathArgument.resolve(path != null ? path : StorePathArgument.firstLine(System.in),
          direction.direction());
      if (deploy.dryRun) {
        return new DeployRun(spec, root, connection, direction, deploy).dryRun(output, targets, storePath, this);
      }
      return fleet.run(spec, output, connection, deploy.json, targets, storePath,
          f -> profileName == null ? f : f.profile(profileName, profilePath, runAs()), null);
    }
    return new DeployRun(spec, root, connection, direction, deploy)
        .run(() -> path != null ? path : StorePathArgument.firstLine(System.in), this);
  }

  private RunAs runAs() {
    return sudo ? RunAs.ROOT : RunAs.LOGIN_USER_IF_ALLOWED;
  }

  /** Checks a profile or system name as the library does, naming the flag. */
  static void checkName(String flag, String name) {
    try {
      ActivationOptions.checkName(flag, name);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  private String profile() {
    return profilePath.replaceAll("/+$", "") + "/" + profileName;
  }

  @Override
  public Optional<String> replaces() {
    return Optional.ofNullable(profileName).map(n -> profile());
  }

  @Override
  public List<String> plan(String host, StorePath storePath, Optional<StorePath> current) {
    if (profileName == null) {
      return List.of("profile: none (no --profileName)");
    }
    return List.of("profile: would point " + profile() + " (now "
        + current.map(StorePath::path).orElse("not set") + ") at " + storePath
        + (sudo ? ", as root" : ""));
  }

  @Override
  public void run(DeploymentSession session, StorePath storePath, DeployRun.Done done) {
    if (profileName != null) {
      done.profile = Optional.of(session.setProfile(storePath, profileName, profilePath, runAs()));
    }
  }
}
