package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.FleetDeployment;
import dev.nixdeploy.FleetListener;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.internal.deploy.ProfileRequest;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable fleet deployment; a terminal call hands it to a {@link FleetRun}.
 *
 * @param batchSize 0 for one batch of every host
 * @param maxFailures 0 for no limit
 */
public record FleetPlan(
    DeployerSettings settings,
    List<Target> hosts,
    boolean ensuresKeys,
    List<StorePath> roots,
    @Nullable ProfileRequest profileRequest,
    int parallelism,
    int batchSize,
    int maxFailures,
    @Nullable HealthCheck check,
    @Nullable BinaryCache cache,
    FleetListener fleetListener)
    implements FleetDeployment {

  /** Copies the lists. */
  public FleetPlan {
    hosts = List.copyOf(hosts);
    roots = List.copyOf(roots);
  }

  /**
   * @param settings the deployer's settings
   * @param targets the hosts
   * @return an empty fleet deployment to them
   * @throws IllegalArgumentException if {@code targets} is empty or names a host twice
   */
  public static FleetPlan of(DeployerSettings settings, Collection<Target> targets) {
    Objects.requireNonNull(targets, "targets");
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("A fleet deployment needs at least one host");
    }
    Set<Target> seen = new HashSet<>();
    for (Target t : targets) {
      if (!seen.add(Objects.requireNonNull(t, "target"))) {
        throw new IllegalArgumentException(t + " is named twice among the fleet's hosts: name each host once");
      }
    }
    return new FleetPlan(settings, List.copyOf(targets), false, List.of(), null, DEFAULT_PARALLELISM, 0, 0,
        null, null, FleetListener.NONE);
  }

  @Override
  public FleetDeployment ensureKeys() {
    return new FleetPlan(settings, hosts, true, roots, profileRequest, parallelism, batchSize, maxFailures,
        check, cache, fleetListener);
  }

  @Override
  public FleetDeployment copy(Collection<StorePath> more) {
    Objects.requireNonNull(more, "roots");
    LinkedHashSet<StorePath> all = new LinkedHashSet<>(roots);
    more.forEach(root -> all.add(Objects.requireNonNull(root, "root")));
    return new FleetPlan(settings, hosts, ensuresKeys, List.copyOf(all), profileRequest, parallelism,
        batchSize, maxFailures, check, cache, fleetListener);
  }

  @Override
  public FleetDeployment profile(String name, String directory, RunAs runAs) {
    return new FleetPlan(settings, hosts, ensuresKeys, roots, new ProfileRequest(name, directory, runAs),
        parallelism, batchSize, maxFailures, check, cache, fleetListener);
  }

  @Override
  public FleetDeployment parallelism(int hosts) {
    return new FleetPlan(settings, this.hosts, ensuresKeys, roots, profileRequest,
        atLeastOne("parallelism", hosts), batchSize, maxFailures, check, cache, fleetListener);
  }

  @Override
  public FleetDeployment batchSize(int hosts) {
    return new FleetPlan(settings, this.hosts, ensuresKeys, roots, profileRequest, parallelism,
        atLeastOne("batchSize", hosts), maxFailures, check, cache, fleetListener);
  }

  @Override
  public FleetDeployment maxFailures(int failures) {
    return new FleetPlan(settings, hosts, ensuresKeys, roots, profileRequest, parallelism, batchSize,
        atLeastOne("maxFailures", failures), check, cache, fleetListener);
  }

  @Override
  public FleetDeployment healthCheck(HealthCheck check) {
    return new FleetPlan(settings, hosts, ensuresKeys, roots, profileRequest, parallelism, batchSize,
        maxFailures, Objects.requireNonNull(check, "check"), cache, fleetListener);
  }

  @Override
  public FleetDeployment viaCache(BinaryCache cache) {
    return new FleetPlan(settings, hosts, ensuresKeys, roots, profileRequest, parallelism, batchSize,
        maxFailures, check, Objects.requireNonNull(cache, "cache"), fleetListener);
  }

  @Override
  public FleetDeployment listener(FleetListener listener) {
    return new FleetPlan(settings, hosts, ensuresKeys, roots, profileRequest, parallelism, batchSize,
        maxFailures, check, cache, Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public FleetResult deploy() {
    if (profileRequest != null) {
      singleRoot("profile()");
    }
    return new FleetRun(this, null).run();
  }

  @Override
  public FleetResult activate(ActivationOptions options) {
    Objects.requireNonNull(options, "options");
    singleRoot("activate()");
    return new FleetRun(this, options).run();
  }

  /** The one root a profile or an activation applies to. */
  StorePath singleRoot(String step) {
    if (roots.size() != 1) {
      throw new IllegalStateException(step + " needs exactly one store path to apply to, and this fleet"
          + " deployment copies " + roots.size() + ": call copy(path) with the one path first");
    }
    return roots.get(0);
  }

  private static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, not " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "FleetDeployment{" + hosts.size() + " hosts" + (ensuresKeys ? ", ensure keys" : "") + ", copy "
        + roots + ", parallelism " + parallelism + (batchSize > 0 ? ", batches of " + batchSize : "")
        + (maxFailures > 0 ? ", max failures " + maxFailures : "") + (check != null ? ", " + check : "")
        + (cache != null ? ", via cache " + cache.url() : "") + "}";
  }
}
