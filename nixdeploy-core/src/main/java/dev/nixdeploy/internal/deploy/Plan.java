package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable deployment plan; a terminal call hands it to a {@link DeploymentRun}.
 *
 * @param listener the plan's own listeners (NONE if none), told after the deployer's
 */
record Plan(
    DeployerSettings settings,
    Target host,
    Direction direction,
    boolean ensuresKeys,
    List<StorePath> roots,
    @Nullable ProfileRequest profileRequest,
    DeployListener listener)
    implements Deployment {

  Plan {
    roots = List.copyOf(roots);
    Objects.requireNonNull(listener, "listener");
  }

  static Plan empty(DeployerSettings settings, Target host, Direction direction) {
    return new Plan(settings, host, direction, false, List.of(), null, DeployListener.NONE);
  }

  /** @return the deployer's listener and this plan's, in that order */
  DeployListener events() {
    return Listeners.both(settings.listener(), listener);
  }

  @Override
  public Deployment ensureKeys() {
    return new Plan(settings, host, direction, true, roots, profileRequest, listener);
  }

  @Override
  public Deployment copy(Collection<StorePath> more) {
    Objects.requireNonNull(more, "roots");
    LinkedHashSet<StorePath> all = new LinkedHashSet<>(roots);
    more.forEach(root -> all.add(Objects.requireNonNull(root, "root")));
    return new Plan(settings, host, direction, ensuresKeys, new ArrayList<>(all), profileRequest, listener);
  }

  @Override
  public Deployment profile(String name, String directory, RunAs runAs) {
    return new Plan(settings, host, direction, ensuresKeys, roots, new ProfileRequest(name, directory, runAs),
        listener);
  }

  @Override
  public Deployment listener(DeployListener more) {
    Objects.requireNonNull(more, "listener");
    return new Plan(settings, host, direction, ensuresKeys, roots, profileRequest,
        listener == DeployListener.NONE ? more : Listeners.both(listener, more));
  }

  @Override
  public DeploymentSession open() {
    return CoreSession.open(settings, host, direction, events());
  }

  @Override
  public DeploymentResult deploy() {
    if (profileRequest != null) {
      singleRoot("profile()");
    }
    return DeploymentRun.run(this, null);
  }

  @Override
  public DeploymentResult activate(ActivationOptions options) {
    Objects.requireNonNull(options, "options");
    singleRoot("activate()");
    return DeploymentRun.run(this, options);
  }

  /** The one root a profile or an activation applies to. */
  StorePath singleRoot(String step) {
    if (roots.size() != 1) {
      throw new IllegalStateException(step + " needs exactly one store path to apply to, and this plan"
          + " copies " + roots.size() + ": call copy(path) with the one path first");
    }
    return roots.get(0);
  }

  @Override
  public String toString() {
    return "Deployment{" + direction.name().toLowerCase(Locale.ROOT) + " " + host
        + (ensuresKeys ? ", ensure keys" : "") + ", copy " + roots
        + (profileRequest != null ? ", profile " + profileRequest.name() : "") + "}";
  }
}
