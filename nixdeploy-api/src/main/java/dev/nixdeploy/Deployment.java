package dev.nixdeploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.CheckReturnValue;
import java.util.Collection;
import java.util.List;

/**
 * One deployment to or from one host, described step by step and run by a terminal call. A plan is
 * immutable: every step returns a new plan, so one plan can be kept and run again (a re-run sends only
 * what is still missing).
 *
 * <pre>{@code
 * DeploymentResult r = Deployer.to("deploy@web-1")
 *     .ensureKeys()
 *     .copy(StorePath.parse("/nix/store/…-hello-2.12"))
 *     .deploy();
 * System.out.println(r.copy().orElseThrow().pathsSent() + " paths sent");
 * }</pre>
 *
 * <p>A terminal call ({@link #deploy()} or {@link #activate()}) opens one SSH session to the host, runs
 * the steps in order (keys, copy, profile, activation), and
 * closes the session when it returns or throws. Progress goes to the deployer's {@link DeployListener}
 * and to the plan's own ({@link #listener}).
 *
 * <p>Every step returns a new plan and leaves this one unchanged, so a step whose result is dropped does
 * nothing: the steps are marked {@link CheckReturnValue} for Error Prone and IDEs to flag that.
 */
@CheckReturnValue
public interface Deployment {
  /** @return the remote host */
  Target host();

  /** @return whether paths go to the host or come from it */
  Direction direction();

  /**
   * Makes sure signed copies will be accepted, before anything is copied: generates the local key pair
   * if it is missing, the host's key pair ({@code /etc/nix/signing-key.sec}, made there by Nix) if that
   * is missing, and makes the receiving store trust the sending side's public key (one
   * {@code extra-trusted-public-keys} line in its {@code /etc/nix/nix.conf} and a nix-daemon restart).
   * Each step first checks, as the login user, whether it is needed: a second run changes nothing and
   * needs no sudo. Where a change is needed, it runs as root (directly, {@code sudo -n}, or {@code sudo -S}
   * with the deployer's {@link SudoPasswordSource}). No secret key crosses the network.
   *
   * <p>For {@link Direction#FROM}, the host also signs the closure to pull with its own key, unless the
   * local store checks no signatures (root with a single-user store).
   *
   * @return a plan that exchanges keys first
   */
  Deployment ensureKeys();

  /** @return whether this plan exchanges keys first */
  boolean ensuresKeys();

  /**
   * @param roots store paths whose closures to copy: from the local store for {@link Direction#TO},
   *     from the host's store for {@link Direction#FROM}
   * @return a plan that also copies these closures (added to any copied already)
   */
  Deployment copy(Collection<StorePath> roots);

  /**
   * @param roots store paths whose closures to copy
   * @return a plan that also copies these closures
   */
  default Deployment copy(StorePath... roots) {
    return copy(List.of(roots));
  }

  /**
   * @param storePath the full store path whose closure to copy, as text
   * @return a plan that also copies this closure
   * @throws IllegalArgumentException if {@code storePath} is not a store path
   */
  default Deployment copy(String storePath) {
    return copy(StorePath.parse(storePath));
  }

  /** @return the roots this plan copies, in the order given */
  List<StorePath> roots();

  /**
   * After the copy, points a profile on the receiving side at the one copied root ({@code nix-env
   * --profile /nix/var/nix/profiles/NAME --set PATH}), as root where the login user cannot write the
   * profile directory.
   *
   * @param name the profile name: 1 to 100 of {@code A-Za-z0-9._+-}, not starting with {@code .+-}
   * @return a plan that also sets the profile
   * @throws IllegalArgumentException if {@code name} is not allowed
   */
  default Deployment profile(String name) {
    return profile(name, "/nix/var/nix/profiles", RunAs.LOGIN_USER_IF_ALLOWED);
  }

  /**
   * After the copy, points a profile on the receiving side at the one copied root.
   *
   * <pre>{@code
   * deployer.deployTo("deploy@web-1").copy(app).profile("web-app", "/nix/var/nix/profiles", RunAs.ROOT).deploy();
   * }</pre>
   *
   * @param name the profile name, as for {@link #profile(String)}
   * @param directory the absolute directory the profile lives in, e.g. {@code /nix/var/nix/profiles}
   * @param runAs who sets it: the login user where it may write the directory, or root in any case
   * @return a plan that also sets the profile
   * @throws IllegalArgumentException if {@code name} or {@code directory} is not allowed
   */
  Deployment profile(String name, String directory, RunAs runAs);

  /**
   * Adds a listener for this deployment alone, told about its events after the deployer's own listener,
   * on the thread that runs the deployment. Use it for what belongs to one call, e.g. a progress bar,
   * without a deployer per call:
   *
   * <pre>{@code
   * deployer.deployTo("web-1").copy(app).listener(new ProgressBar(console)).deploy();
   * }</pre>
   *
   * @param listener told about this deployment's events (also a session {@link #open()}ed from the plan)
   * @return a plan with this listener added to any given before
   */
  Deployment listener(DeployListener listener);

  /**
   * Runs the plan and then switches the host to the one copied system closure, with the safety nets of
   * {@link ActivationOptions#defaults()}: the system profile is set, {@code switch-to-configuration
   * switch} runs detached on the host, a failure rolls back to the previous generation, and a switch that
   * cuts the deployer off is rolled back by the host itself unless confirmed over a new connection.
   *
   * @return what was done, activation included
   * @throws IllegalStateException if the plan does not copy exactly one store path
   * @throws ActivationException if the activation failed; its result says whether the host rolled back
   */
  @CanIgnoreReturnValue
  default DeploymentResult activate() {
    return activate(ActivationOptions.defaults());
  }

  /**
   * As {@link #activate()}, with another action: {@code switch} and {@code boot} set the system
   * profile; {@code test} and {@code dry-activate} touch no profile.
   *
   * @param mode the action of {@code switch-to-configuration}
   * @return what was done, activation included
   * @throws IllegalStateException if the plan does not copy exactly one store path
   * @throws ActivationException if the activation failed
   */
  @CanIgnoreReturnValue
  default DeploymentResult activate(ActivationMode mode) {
    return activate(ActivationOptions.builder().mode(mode).build());
  }

  /**
   * Runs the plan and then activates the one copied system closure: on the host for
   * {@link Direction#TO}; on this machine, as root, for {@link Direction#FROM} (no confirmation then,
   * and no reboot).
   *
   * @param options the action, the profile, and the safety nets (rollback, confirmation, reboot)
   * @return what was done, activation included
   * @throws IllegalStateException if the plan does not copy exactly one store path
   * @throws IllegalArgumentException if {@code options} asks to reboot this machine ({@code FROM})
   * @throws ActivationException if the path is not a system closure (nothing changed) or the
   *     activation failed; its result says whether the host rolled back
   */
  @CanIgnoreReturnValue
  DeploymentResult activate(ActivationOptions options);

  /**
   * Connects and holds the SSH session open for steps run one at a time; the plan's own steps are not
   * run. For when a chain is not enough: commands of your own between the steps, or several copies over
   * one session.
   *
   * @return the open session; close it when done
   * @throws NixDeployException (e.g. {@link HostKeyException}) if the host cannot be reached
   */
  DeploymentSession open();

  /**
   * Runs the plan: connects, exchanges keys if asked, copies the closures of {@link #roots()} (only what
   * the receiving store lacks), sets the profile if asked, and disconnects.
   *
   * @return what was done
   * @throws NixDeployException (a subclass saying what failed and where) if any step fails; the
   *     receiving store is left consistent, and a re-run sends only what is still missing
   */
  @CanIgnoreReturnValue
  DeploymentResult deploy();
}
