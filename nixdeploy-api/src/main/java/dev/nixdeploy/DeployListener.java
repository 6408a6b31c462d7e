package dev.nixdeploy;

/**
 * Follows the progress of a deployment, e.g. to draw a progress bar or write a log. Every method has an
 * empty default, so a listener overrides only what it cares about; {@link #NONE} ignores everything.
 * More events will be added as default methods, so implementations keep compiling.
 *
 * <p>Every event names the host it concerns. For a closure copy that is the host receiving the paths (the
 * destination store), whichever way the copy goes. A run of a plan starts with
 * {@link #deploymentStarted} and ends with exactly one of {@link #deploymentFinished} and
 * {@link #deploymentFailed}; a failed copy is also told by {@link #copyFailed}, a failed activation by
 * {@link #activationFinished}.
 *
 * <p>Threads: the events of one deployment arrive in order, on the thread that runs it. A listener given
 * to the {@link Deployer.Builder#listener deployer} hears every deployment of that deployer, so when the
 * deployer is shared it is called from several threads at once and must be thread-safe; a listener given
 * to one {@link Deployment#listener deployment} hears that one alone. A listener must return quickly, must
 * not throw, and must not block on the deployment it listens to (nor start another one and wait for it).
 *
 * <pre>{@code
 * DeployListener progress = new DeployListener() {
 *   @Override public void missingPathsFound(String host, int paths, long narBytes) {
 *     System.out.printf("%s: sending %d paths (%d bytes)%n", host, paths, narBytes);
 *   }
 *   @Override public void pathCopied(String host, PathInfo path) {
 *     bar.advance(path.narSize());
 *   }
 * };
 * }</pre>
 */
public interface DeployListener {
  /** A listener that ignores every event. */
  DeployListener NONE = new DeployListener() {};

  /**
   * A plan's terminal call started; nothing is connected yet.
   *
   * @param host the remote host
   * @param direction whether paths go to the host or come from it
   */
  default void deploymentStarted(Target host, Direction direction) {}

  /**
   * The deployment holds a connection to its host: its steps run now. Also told for a session
   * {@link Deployment#open() opened} from a plan.
   *
   * @param host the remote host, as {@link Transport#host()} names it (e.g. {@code deploy@web-1})
   */
  default void connected(String host) {}

  /**
   * A copy failed; the deployment fails with the same exception.
   *
   * @param host the destination host
   * @param failure what failed (see {@link NixDeployException#isConnectionLost()})
   */
  default void copyFailed(String host, CopyFailedException failure) {}

  /**
   * A plan's terminal call returns.
   *
   * @param result what the deployment did
   */
  default void deploymentFinished(DeploymentResult result) {}

  /**
   * A plan's terminal call throws {@code failure}, after this event: the last event of the deployment.
   *
   * @param host the remote host
   * @param failure what the terminal call throws: a {@link NixDeployException} in all but programming
   *     errors (e.g. an {@link IllegalStateException})
   */
  default void deploymentFailed(Target host, RuntimeException failure) {}

  /**
   * The closure to copy is known.
   *
   * @param host the destination host
   * @param closure every path of the closure, with its info
   */
  default void closureComputed(String host, Closure closure) {}

  /**
   * The destination said which paths of the closure it lacks.
   *
   * @param host the destination host
   * @param paths how many paths will be sent
   * @param narBytes how many NAR bytes will be sent
   */
  default void missingPathsFound(String host, int paths, long narBytes) {}

  /**
   * A path starts streaming to the destination.
   *
   * @param host the destination host
   * @param path the path's info, as sent (with any signature added)
   */
  default void pathCopyStarted(String host, PathInfo path) {}

  /**
   * The destination confirmed that it registered a path. With pipelining, this may arrive after later
   * paths have started.
   *
   * @param host the destination host
   * @param path the path's info, as sent
   */
  default void pathCopied(String host, PathInfo path) {}

  /**
   * The copy finished successfully.
   *
   * @param host the destination host
   * @param result what was sent and how long it took
   */
  default void copyFinished(String host, CopyResult result) {}

  /**
   * A signing key pair was generated because none existed yet: on this machine ({@code host} is
   * {@code local}) or on a target (its secret key stays there).
   *
   * @param host where the key pair was generated
   * @param key its public key
   */
  default void keyGenerated(String host, PublicKey key) {}

  /**
   * A host's Nix configuration now trusts a public key, so that it accepts paths signed with it from
   * users outside its {@code trusted-users}. Not sent when the key was trusted already.
   *
   * @param host the host whose {@code nix.conf} was changed
   * @param key the key it trusts now
   * @param daemonRestarted whether its nix-daemon was restarted to read the change
   */
  default void keyTrusted(String host, PublicKey key, boolean daemonRestarted) {}

  /**
   * An activation starts: nothing on the host has changed yet.
   *
   * @param host the host
   * @param system the system closure
   * @param mode the action
   */
  default void activationStarted(String host, StorePath system, ActivationMode mode) {}

  /**
   * The activation printed a line (profile changes, {@code switch-to-configuration} output, rollback).
   * Lines arrive while the connection lives; after a reconnect, the ones missed follow.
   *
   * @param host the host
   * @param line one line, without its line break
   */
  default void activationOutput(String host, String line) {}

  /**
   * The host went back to the previous system, because the activation failed or was not confirmed.
   *
   * @param host the host
   * @param rollback why, and what was restored
   */
  default void rolledBack(String host, ActivationResult.Rollback rollback) {}

  /**
   * The host reboots into the new system; nix-deploy now waits for it to answer again.
   *
   * @param host the host
   */
  default void rebooting(String host) {}

  /**
   * The activation is over, successful or not; a failure is then thrown as an
   * {@link ActivationException} carrying the same result.
   *
   * @param host the host
   * @param result what the activation did
   */
  default void activationFinished(String host, ActivationResult result) {}
}
