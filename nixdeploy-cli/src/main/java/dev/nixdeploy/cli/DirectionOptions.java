package dev.nixdeploy.cli;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.Direction;
import dev.nixdeploy.Target;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --to HOST} (repeatable), {@code --hosts FILE} or {@code --from HOST}, exactly one kind, as the
 * original nix-deploy takes them plus many hosts at once.
 */
final class DirectionOptions {
  @Option(names = "--to", paramLabel = "[USER@]HOST[:PORT]", required = true,
      description = "Deploy from the local store to this host (an ssh config alias works). Repeat it to"
          + " deploy to several hosts in parallel.")
  List<String> to;

  @Option(names = "--hosts", paramLabel = "FILE", required = true,
      description = "Deploy from the local store to every host listed in FILE, one target per line"
          + " (# starts a comment), in parallel.")
  Path hostsFile;

  @Option(names = "--from", paramLabel = "[USER@]HOST[:PORT]", required = true,
      description = "Deploy from this host into the local store.")
  String from;

  Direction direction() {
    return from != null ? Direction.FROM : Direction.TO;
  }

  /** @return true if the deployment goes to several hosts (or a hosts file), as a fleet */
  boolean fleet() {
    return hostsFile != null || to != null && to.size() > 1;
  }

  /**
   * @return the hosts to deploy to, in order
   * @throws InvalidInputException for {@code --from}, which takes one host, a malformed target or a bad
   *     hosts file
   */
  List<Target> targets() {
    if (from != null) {
      throw new InvalidInputException("--from pulls from one host: the options of a deployment to many hosts"
          + " (--parallel, --batch-size, --max-failures, --health-check, --health-url, --health-timeout,"
          + " --via-cache, --cache-upload) need --to or --hosts");
    }
    if (hostsFile != null) {
      return HostsFile.read(hostsFile);
    }
    return to.stream().map(t -> parse("--to", t)).toList();
  }

  /** @return the one host of a deployment to or from one host */
  Target target() {
    return from != null ? parse("--from", from) : parse("--to", to.get(0));
  }

  private static Target parse(String flag, String target) {
    try {
      return Target.parse(target);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(flag + ": " + e.getMessage());
    }
  }

  /** @return the deployment to {@code target} (one of {@link #targets()}), or from it for {@code --from} */
  Deployment plan(Deployer deployer, Target target) {
    return from != null ? deployer.deployFrom(target) : deployer.deployTo(target);
  }
}
