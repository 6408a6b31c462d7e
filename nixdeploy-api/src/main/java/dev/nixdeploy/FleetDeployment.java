package dev.nixdeploy;

import java.util.Collection;
import java.util.List;

/**
 * One deployment to many hosts at once: the steps of a {@link Deployment} (keys, copy, profile,
 * activation), run on each host over its own SSH session, a bounded number of hosts at a time, with one
 * result per host. Made by {@link Deployer#fleet(Collection)}; immutable like a plan: every method
 * returns a new fleet deployment.
 *
 * <pre>{@code
 * FleetResult result = deployer.fleet(List.of("admin@web-1", "admin@web-2", "admin@web-3"))
 *     .ensureKeys()
 *     .copy(system)
 *     .parallelism(8)                       // hosts worked on at once (the default)
 *     .batchSize(1)                         // rolling: web-1 alone first, as the canary
 *     .healthCheck(HealthCheck.http("http://127.0.0.1/health").withDeadline(Duration.ofSeconds(30)))
 *     .activate(ActivationMode.SWITCH);
 * }</pre>
 *
 * <h2>How it runs</h2>
 * <ul>
 *   <li><b>Batches.</b> Without {@link #batchSize(int)}, all hosts form one batch. With it, the hosts go
 *       in batches of that size, in the order given; the first is the canary. Each batch must be done,
 *       health check included, before the next starts; if any host of a batch fails, no later batch
 *       starts.
 *   <li><b>Waves.</b> Within a batch, at most {@link #parallelism(int)} hosts are worked on at once.
 *       Each NAR is read from the local store once per wave and streamed to every host of the wave that
 *       lacks it, signed once (with the defaults, a fleet of up to {@value #DEFAULT_PARALLELISM} hosts
 *       without batches is one wave); memory stays flat whatever the fleet and closure size (a few chunks
 *       per host are buffered).
 *   <li><b>Failures.</b> A host that fails does not stop the others. With {@link #maxFailures(int)},
 *       once that many hosts failed no further host is started ({@code SKIPPED}); hosts already being
 *       worked on finish.
 *   <li><b>Health checks.</b> After a batch, the {@link #healthCheck(HealthCheck)} must pass on every
 *       host of it that succeeded, retried until its deadline. If it fails on any, every deployed host of
 *       that batch goes back to what was running ({@code ROLLED_BACK}) with the rollback a failed
 *       activation gets: the system that ran before the activation ({@code /run/current-system}) is
 *       re-activated, and the profile and boot entry return to what they were (a profile-only deploy
 *       points the profile back). No later batch starts: their hosts are left untouched
 *       ({@code SKIPPED}).
 *   <li><b>Cancellation.</b> Interrupting the thread that runs the deployment (e.g. on Ctrl-C) starts no
 *       further host and no further step that changes a host, aborts copies in progress (what a host
 *       confirmed stays registered), lets running activations finish or roll back, then returns the
 *       result with each host's final state ({@code CANCELLED} for those not started) and the thread's
 *       interrupt flag set again.
 *   <li><b>Binary cache.</b> With {@link #viaCache(BinaryCache)}, the closure is written once into the
 *       cache and every host substitutes it from there; see {@link BinaryCache}.
 * </ul>
 *
 * <p>The deployer's {@link DeployListener} gets every host's events (each names its host); a
 * {@link #listener(FleetListener)} follows the hosts' steps and final states.
 */
public interface FleetDeployment {
  /** The parallelism used unless {@link #parallelism(int)} says otherwise. */
  int DEFAULT_PARALLELISM = 8;

  /** @return the hosts, in the order given */
  List<Target> hosts();

  /**
   * As {@link Deployment#ensureKeys()}, on every host (with {@link #viaCache}, also trusting the cache).
   *
   * @return a fleet deployment that exchanges keys first
   */
  FleetDeployment ensureKeys();

  /**
   * @param roots local store paths whose closures every host gets
   * @return a fleet deployment that also copies these closures
   */
  FleetDeployment copy(Collection<StorePath> roots);

  /**
   * @param roots local store paths whose closures every host gets
   * @return a fleet deployment that also copies these closures
   */
  default FleetDeployment copy(StorePath... roots) {
    return copy(List.of(roots));
  }

  /**
   * As {@link Deployment#profile(String, String, RunAs)}, on every host.
   *
   * @param name the profile name
   * @param directory the absolute directory of the profile
   * @param runAs who sets it: the login user where it may write the directory, or root in any case
   * @return a fleet deployment that also sets the profile
   * @throws IllegalArgumentException if {@code name} is not allowed
   */
  FleetDeployment profile(String name, String directory, RunAs runAs);

  /**
   * @param name the profile name, in {@code /nix/var/nix/profiles}
   * @return a fleet deployment that also sets the profile
   * @throws IllegalArgumentException if {@code name} is not allowed
   */
  default FleetDeployment profile(String name) {
    return profile(name, "/nix/var/nix/profiles", RunAs.LOGIN_USER_IF_ALLOWED);
  }

  /**
   * @param hosts how many hosts are worked on at once, at least 1; default {@value #DEFAULT_PARALLELISM}
   * @return a copy with that limit
   * @throws IllegalArgumentException if {@code hosts} is below 1
   */
  FleetDeployment parallelism(int hosts);

  /**
   * @param hosts the size of each rolling batch, at least 1; the first batch is the canary
   * @return a copy that rolls out batch by batch
   * @throws IllegalArgumentException if {@code hosts} is below 1
   */
  FleetDeployment batchSize(int hosts);

  /**
   * @param failures after this many failed hosts (at least 1), start no further host
   * @return a copy with that policy; without it, every host is tried whatever fails
   * @throws IllegalArgumentException if {@code failures} is below 1
   */
  FleetDeployment maxFailures(int failures);

  /**
   * @param check what must pass on every host of a batch before the next batch starts
   * @return a copy with that check
   */
  FleetDeployment healthCheck(HealthCheck check);

  /**
   * @param cache the binary cache to fill once and have every host substitute from
   * @return a copy that copies through the cache instead of over each host's SSH session
   */
  FleetDeployment viaCache(BinaryCache cache);

  /**
   * @param listener told about every host's steps and final state
   * @return a copy with that listener
   */
  FleetDeployment listener(FleetListener listener);

  /**
   * Runs keys, copy and profile on every host, with the batches, health checks and policies set.
   *
   * @return one result per host; never throws for a host's failure
   * @throws IllegalStateException if a profile is set but the deployment does not copy exactly one path
   * @throws NixDeployException if the binary cache cannot be filled (no host was touched)
   */
  FleetResult deploy();

  /**
   * Runs the steps and activates the one copied system on every host with {@code options}.
   *
   * @param options the action and the safety nets, as for {@link Deployment#activate(ActivationOptions)}
   * @return one result per host; never throws for a host's failure
   * @throws IllegalStateException if the deployment does not copy exactly one path
   * @throws NixDeployException if the binary cache cannot be filled (no host was touched)
   */
  FleetResult activate(ActivationOptions options);

  /**
   * @param mode the action
   * @return one result per host
   * @throws IllegalStateException if the deployment does not copy exactly one path
   */
  default FleetResult activate(ActivationMode mode) {
    return activate(ActivationOptions.builder().mode(mode).build());
  }

  /**
   * Activates with {@link ActivationOptions#defaults()} ({@code switch}, rollback, confirmation).
   *
   * @return one result per host
   * @throws IllegalStateException if the deployment does not copy exactly one path
   */
  default FleetResult activate() {
    return activate(ActivationOptions.defaults());
  }
}
