package dev.nixdeploy.core.deploy;

import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** An immutable deployment plan; {@link #deploy()} hands it to a {@link DeploymentRun}. */
record Plan(
    DeployerSettings settings, Target host, Direction direction, boolean ensuresKeys, List<StorePath> roots)
    implements Deployment {

  Plan {
    roots = List.copyOf(roots);
  }

  static Plan empty(DeployerSettings settings, Target host, Direction direction) {
    return new Plan(settings, host, direction, false, List.of());
  }

  @Override
  public Deployment ensureKeys() {
    return new Plan(settings, host, direction, true, roots);
  }

  @Override
  public Deployment copy(Collection<StorePath> more) {
    Objects.requireNonNull(more, "roots");
    LinkedHashSet<StorePath> all = new LinkedHashSet<>(roots);
    more.forEach(root -> all.add(Objects.requireNonNull(root, "root")));
    return new Plan(settings, host, direction, ensuresKeys, new ArrayList<>(all));
  }

  @Override
  public DeploymentResult deploy() {
    return new DeploymentRun(this).run();
  }

  @Override
  public String toString() {
    return "Deployment{" + direction.name().toLowerCase(Locale.ROOT) + " " + host
        + (ensuresKeys ? ", ensure keys" : "") + ", copy " + roots + "}";
  }
}
