package dev.nixdeploy.examples;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetDeployment;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.StorePath;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rolls one NixOS system out to a fleet the way a careful operator would, with the library's fleet
 * deployment: keys exchanged and the closure copied signed on every host, a first batch as the canary,
 * then the others batch by batch; after each batch an optional health check must pass on its hosts, or
 * the batch goes back to what it ran and the rollout stops with later hosts untouched.
 *
 * <pre>{@code
 * FleetResult r = new FleetRollout(Deployer.builder().build(), 2)
 *     .rollOut(List.of("admin@web-1", "admin@web-2", "admin@web-3"), system, ActivationMode.SWITCH,
 *         Optional.of(HealthCheck.http("http://127.0.0.1/health")));
 * }</pre>
 *
 * Run it: {@code java -cp nix-deploy.jar dev.nixdeploy.examples.FleetRollout switch /nix/store/…-system
 * http://127.0.0.1/health admin@web-1 admin@web-2} (with your {@code ~/.ssh/config} and known hosts).
 * The same guide in Kotlin is in docs/fleets.md.
 */
public final class FleetRollout {
  private final Deployer deployer;
  private final int batchSize;

  /**
   * @param deployer the configured deployer all hosts share (it is thread-safe)
   * @param batchSize how many hosts each batch has, the canary included; at least 1
   */
  public FleetRollout(Deployer deployer, int batchSize) {
    this.deployer = Objects.requireNonNull(deployer, "deployer");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * @param hosts the targets; the first {@code batchSize} are the canary
   * @param system the system closure, in the local store
   * @param mode the activation action
   * @param check what must hold on each host of a batch before the next batch starts
   * @return one result per host, in the order given
   */
  public FleetResult rollOut(List<String> hosts, StorePath system, ActivationMode mode,
      Optional<HealthCheck> check) {
    FleetDeployment fleet = deployer.fleetOf(hosts)
        .ensureKeys()
        .copy(system)
        .batchSize(batchSize);
    if (check.isPresent()) {
      fleet = fleet.healthCheck(check.get().withDeadline(Duration.ofSeconds(30)));
    }
    return fleet.activate(mode);
  }

  /**
   * {@code FleetRollout ACTION SYSTEM HEALTH-URL HOST...}: rolls out with the default deployer settings,
   * two hosts per batch; {@code -} as HEALTH-URL checks nothing. Exits with 1 unless every host succeeded.
   */
  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: FleetRollout switch|boot|test|dry-activate /nix/store/…-system HEALTH-URL|-"
          + " HOST...");
      System.exit(2);
    }
    Optional<HealthCheck> check = args[2].equals("-") ? Optional.empty()
        : Optional.of(HealthCheck.http(args[2]));
    FleetResult result = new FleetRollout(Deployer.builder().build(), 2)
        .rollOut(List.of(args).subList(3, args.length), StorePath.parse(args[1]),
            ActivationMode.fromAction(args[0]), check);
    for (FleetHostResult h : result.hosts()) {
      System.out.println(h.host() + ": " + h.state().label()
          + h.error().map(e -> " (" + e.lines().findFirst().orElse("") + ")").orElse(""));
    }
    System.out.println(result.summary());
    System.exit(result.succeeded() ? 0 : 1);
  }
}
