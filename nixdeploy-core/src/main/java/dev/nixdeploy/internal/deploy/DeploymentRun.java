package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.ProfileUpdate;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs a plan's steps in order over one session, closed whatever happens: keys, copy, profile, activation.
 * Tells the listeners that the deployment started, then that it finished or failed.
 */
final class DeploymentRun {
  private DeploymentRun() {}

  static DeploymentResult run(Plan plan, @Nullable ActivationOptions activation) {
    long started = System.nanoTime();
    DeployListener listener = plan.events();
    listener.deploymentStarted(plan.host(), plan.direction());
    DeploymentResult result;
    try (CoreSession session = CoreSession.open(plan.settings(), plan.host(), plan.direction(), listener)) {
      Optional<KeyExchangeResult> keys = plan.ensuresKeys()
          ? Optional.of(session.ensureKeys())
          : Optional.empty();
      Optional<CopyResult> copy = plan.roots().isEmpty()
          ? Optional.empty()
          : Optional.of(session.copy(plan.roots()));
      Optional<ProfileUpdate> profile = Optional.ofNullable(plan.profileRequest())
          .map(p -> session.setProfile(plan.singleRoot("profile()"), p.name(), p.directory(), p.runAs()));
      Optional<ActivationResult> activated = Optional.ofNullable(activation)
          .map(options -> session.activate(plan.singleRoot("activate()"), options));
      result = new DeploymentResult(plan.host(), plan.direction(), keys, copy, profile, activated,
          Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException e) {
      listener.deploymentFailed(plan.host(), e);
      throw e;
    }
    listener.deploymentFinished(result);
    return result;
  }
}
