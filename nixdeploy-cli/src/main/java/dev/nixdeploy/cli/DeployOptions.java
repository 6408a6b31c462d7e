package dev.nixdeploy.cli;

import picocli.CommandLine.Option;

/** What every deploying command can show instead of, or before, deploying. */
final class DeployOptions {
  @Option(names = {"-n", "--dry-run"},
      description = "Connect and print what would be copied (paths, bytes) and changed on the host (keys,"
          + " profile, activation); change nothing.")
  boolean dryRun;

  @Option(names = "--diff",
      description = "Print the packages added, removed and changed (old and new versions) against what the"
          + " host runs now (its current system, or the profile's path), and the size change.")
  boolean diff;

  @Option(names = "--json",
      description = "Print one JSON document on standard output, whatever happens (schema in docs/cli.md).")
  boolean json;

  /** Refuses what a deployment to many hosts does not do: a diff printed before it deploys. */
  void checkForFleet() {
    if (diff && !dryRun) {
      throw new InvalidInputException("--diff to many hosts works with --dry-run: run it with --dry-run --diff"
          + " first to see each host's diff, then without both to deploy");
    }
  }
}
