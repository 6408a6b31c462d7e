package dev.nixdeploy.cli;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.Direction;
import picocli.CommandLine.Option;

/** {@code --to HOST} or {@code --from HOST}, exactly one, as the original nix-deploy takes them. */
final class DirectionOptions {
  @Option(names = "--to", paramLabel = "[USER@]HOST[:PORT]", required = true,
      description = "Deploy from the local store to this host (an ssh config alias works).")
  String to;

  @Option(names = "--from", paramLabel = "[USER@]HOST[:PORT]", required = true,
      description = "Deploy from this host into the local store.")
  String from;

  /** @return the host as given */
  String host() {
    return to != null ? to : from;
  }

  Direction direction() {
    return to != null ? Direction.TO : Direction.FROM;
  }

  Deployment plan(Deployer deployer) {
    return to != null ? deployer.deployTo(to) : deployer.deployFrom(from);
  }
}
