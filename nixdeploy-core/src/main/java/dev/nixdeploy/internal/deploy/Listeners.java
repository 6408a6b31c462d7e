package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;

/** Two listeners told every event in turn: the deployer's, then a plan's own. */
final class Listeners implements DeployListener {
  private final DeployListener first;
  private final DeployListener second;

  private Listeners(DeployListener first, DeployListener second) {
    this.first = first;
    this.second = second;
  }

  /** @return a listener telling {@code first}, then {@code second}; one alone where the other is NONE */
  static DeployListener both(DeployListener first, DeployListener second) {
    if (second == DeployListener.NONE) {
      return first;
    }
    return first == DeployListener.NONE ? second : new Listeners(first, second);
  }

  @Override
  public void deploymentStarted(Target host, Direction direction) {
    first.deploymentStarted(host, direction);
    second.deploymentStarted(host, direction);
  }

  @Override
  public void connected(String host) {
    first.connected(host);
    second.connected(host);
  }

  @Override
  public void closureComputed(String host, Closure closure) {
    first.closureComputed(host, closure);
    second.closureComputed(host, closure);
  }

  @Override
  public void missingPathsFound(String host, int paths, long narBytes) {
    first.missingPathsFound(host, paths, narBytes);
    second.missingPathsFound(host, paths, narBytes);
  }

  @Override
  public void pathCopyStarted(String host, PathInfo path) {
    first.pathCopyStarted(host, path);
    second.pathCopyStarted(host, path);
  }

  @Override
  public void pathCopied(String host, PathInfo path) {
    first.pathCopied(host, path);
    second.pathCopied(host, path);
  }

  @Override
  public void copyFinished(String host, CopyResult result) {
    first.copyFinished(host, result);
    second.copyFinished(host, result);
  }

  @Override
  public void copyFailed(String host, CopyFailedException failure) {
    first.copyFailed(host, failure);
    second.copyFailed(host, failure);
  }

  @Override
  public void keyGenerated(String host, PublicKey key) {
    first.keyGenerated(host, key);
    second.keyGenerated(host, key);
  }

  @Override
  public void keyTrusted(String host, PublicKey key, boolean daemonRestarted) {
    first.keyTrusted(host, key, daemonRestarted);
    second.keyTrusted(host, key, daemonRestarted);
  }

  @Override
  public void activationStarted(String host, StorePath system, ActivationMode mode) {
    first.activationStarted(host, system, mode);
    second.activationStarted(host, system, mode);
  }

  @Override
  public void activationOutput(String host, String line) {
    first.activationOutput(host, line);
    second.activationOutput(host, line);
  }

  @Override
  public void rolledBack(String host, ActivationResult.Rollback rollback) {
    first.rolledBack(host, rollback);
    second.rolledBack(host, rollback);
  }

  @Override
  public void rebooting(String host) {
    first.rebooting(host);
    second.rebooting(host);
  }

  @Override
  public void activationFinished(String host, ActivationResult result) {
    first.activationFinished(host, result);
    second.activationFinished(host, result);
  }

  @Override
  public void deploymentFinished(DeploymentResult result) {
    first.deploymentFinished(result);
    second.deploymentFinished(result);
  }

  @Override
  public void deploymentFailed(Target host, RuntimeException failure) {
    first.deploymentFailed(host, failure);
    second.deploymentFailed(host, failure);
  }
}
