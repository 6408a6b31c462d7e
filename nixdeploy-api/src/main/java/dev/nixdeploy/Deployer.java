package dev.nixdeploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.CheckReturnValue;
import dev.nixdeploy.spi.DeployerProvider;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deploys store paths and NixOS systems from one Nix store into another: the entry point of nix-deploy.
 *
 * <p>A deployer is configured once, is immutable and thread-safe, and can be reused for any number of
 * deployments and hosts. Each {@link #deployTo(String)} or {@link #deployFrom(String)} describes one
 * {@link Deployment}, a plan that runs when its terminal call ({@link Deployment#deploy()}) is made, over
 * one SSH session that is closed when that call returns or throws:
 *
 * <pre>{@code
 * // Defaults: ~/.ssh/config, ~/.ssh/known_hosts (strict), the ssh agent, the default signing key.
 * Deployer.to("deploy@web-1").copy(path).deploy();
 *
 * Deployer deployer = Deployer.builder()
 *     .ssh(SshSettings.builder().identityFile(Path.of("/home/ci/.ssh/deploy_ed25519")).build())
 *     .signingKeyFile(Path.of("/etc/nix-deploy/signing-key.sec"))
 *     .listener(progress)
 *     .build();
 * DeploymentResult result = deployer.deployTo("web-1").copy(path).deploy();
 * }</pre>
 *
 * <p>Every path sent is signed with the local signing key unless {@link Builder#noSign()} is set, so
 * that a deploy user who is not in the receiving store's {@code trusted-users} can deploy once that store
 * trusts the key.
 *
 * <p>A plan made and dropped does nothing: {@link #deployTo} and the like are marked
 * {@link CheckReturnValue}, for Error Prone and IDEs to flag a plan whose terminal call was forgotten.
 */
@CheckReturnValue
public interface Deployer {
  /** @return a builder with the defaults described on each of its methods */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Shortcut for {@code Deployer.builder().build().deployTo(target)}.
   *
   * @param target {@code host}, {@code user@host}, {@code user@host:port} or an ssh config alias
   * @return a deployment plan towards that host
   * @throws IllegalArgumentException if {@code target} is malformed
   * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
   */
  static Deployment to(String target) {
    return builder().build().deployTo(target);
  }

  /**
   * Shortcut for {@code Deployer.builder().build().deployFrom(source)}.
   *
   * @param source the host to pull from, in the forms {@link #to} takes
   * @return a deployment plan from that host into the local store
   * @throws IllegalArgumentException if {@code source} is malformed
   * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
   */
  static Deployment from(String source) {
    return builder().build().deployFrom(source);
  }

  /**
   * @param target the host to deploy to
   * @return an empty plan towards that host; nothing connects until a terminal call
   */
  Deployment deployTo(Target target);

  /**
   * @param target {@code host}, {@code user@host}, {@code user@host:port} or an ssh config alias
   * @return an empty plan towards that host
   * @throws IllegalArgumentException if {@code target} is malformed
   */
  default Deployment deployTo(String target) {
    return deployTo(Target.parse(target));
  }

  /**
   * @param source the host to pull from into the local store
   * @return an empty plan from that host
   */
  Deployment deployFrom(Target source);

  /**
   * @param source the host to pull from, in the forms {@link #deployTo(String)} takes
   * @return an empty plan from that host
   * @throws IllegalArgumentException if {@code source} is malformed
   */
  default Deployment deployFrom(String source) {
    return deployFrom(Target.parse(source));
  }

  /**
   * A deployment to many hosts at once, with this deployer's settings: see {@link FleetDeployment}.
   *
   * @param targets the hosts, in order (the first batch of a rolling deployment is the canary)
   * @return an empty fleet deployment; nothing connects until its terminal call
   * @throws IllegalArgumentException if {@code targets} is empty or names a host twice
   */
  FleetDeployment fleet(Collection<Target> targets);

  /**
   * @param targets the hosts, in the forms {@link #deployTo(String)} takes
   * @return an empty fleet deployment
   * @throws IllegalArgumentException if a target is malformed, or {@code targets} is empty or names a
   *     host twice
   */
  default FleetDeployment fleetOf(Collection<String> targets) {
    return fleet(targets.stream().map(Target::parse).toList());
  }

  /** @return this deployer's configuration */
  DeployerSettings settings();

  /**
   * Derives a deployer from this one: the builder starts from this deployer's {@link #settings()}, so
   * that, say, a build tool's shared deployer can be given another signing key for one job.
   *
   * <pre>{@code
   * Deployer forJob = shared.newBuilder().signingKeyFile(jobKey).build();
   * }</pre>
   *
   * @return a builder holding this deployer's settings; this deployer is not changed
   */
  default Builder newBuilder() {
    return new Builder(settings());
  }

  /** Collects a deployer's configuration. Not thread-safe; every method returns {@code this}. */
  @CanIgnoreReturnValue
  final class Builder {
    private SshSettings ssh = SshSettings.defaults();
    private boolean sign = true;
    private @Nullable Path signingKeyFile;
    private boolean useSubstitutes;
    private @Nullable SudoPasswordSource sudoPasswords;
    private @Nullable List<String> daemonRestartCommand;
    private DeployListener listener = DeployListener.NONE;
    private @Nullable TransportFactory transports;
    private @Nullable LocalTransports localTransports;

    private Builder() {}

    private Builder(DeployerSettings settings) {
      this.ssh = settings.ssh();
      this.sign = settings.sign();
      this.signingKeyFile = settings.signingKeyFile().orElse(null);
      this.useSubstitutes = settings.useSubstitutes();
      this.sudoPasswords = settings.sudoPasswords().orElse(null);
      this.daemonRestartCommand = settings.daemonRestartCommand().orElse(null);
      this.listener = settings.listener();
      this.transports = settings.transports().orElse(null);
      this.localTransports = settings.localTransports().orElse(null);
    }

    /**
     * @param ssh how to reach hosts; default {@link SshSettings#defaults()}
     * @return this
     */
    public Builder ssh(SshSettings ssh) {
      this.ssh = Objects.requireNonNull(ssh, "ssh");
      return this;
    }

    /**
     * Signs with the key in this file (Nix's secret key format, mode 0600) instead of the default
     * {@code $XDG_CONFIG_HOME/nix-deploy/signing-key.sec} (else {@code ~/.config/nix-deploy/…}). Where
     * the file does not exist, the first deployment that signs generates a key there (named after this
     * host plus a unique part, e.g. {@code laptop-nix-deploy-3f9c2a71}) with its public key beside it ({@code .sec} → {@code .pub}).
     *
     * @param secretKeyFile the local secret key file
     * @return this
     */
    public Builder signingKeyFile(Path secretKeyFile) {
      this.signingKeyFile = Objects.requireNonNull(secretKeyFile, "secretKeyFile");
      return this;
    }

    /**
     * Sends paths with only the signatures they already carry. Only a receiving user in the store's
     * {@code trusted-users} (root, typically) can then add them.
     *
     * @return this
     */
    public Builder noSign() {
      this.sign = false;
      return this;
    }

    /**
     * @param useSubstitutes whether the receiving host may first fetch missing paths from its own
     *     substituters (binary caches), which is faster when it has a good link to them; default false
     * @return this
     */
    public Builder useSubstitutes(boolean useSubstitutes) {
      this.useSubstitutes = useSubstitutes;
      return this;
    }

    /**
     * @param sudoPasswords asked, at most once per host and deployment, for the password of a host where
     *     {@code sudo} wants one; without it such hosts fail with a clear error
     * @return this
     */
    public Builder sudoPasswords(SudoPasswordSource sudoPasswords) {
      this.sudoPasswords = Objects.requireNonNull(sudoPasswords, "sudoPasswords");
      return this;
    }

    /**
     * @param argv the command that restarts a host's nix-daemon after a key was added to its nix.conf,
     *     run as root, for hosts where neither {@code systemctl restart nix-daemon} nor {@code launchctl
     *     kickstart} applies (e.g. {@code ["rc-service", "nix-daemon", "restart"]})
     * @return this
     * @throws IllegalArgumentException if {@code argv} is empty
     */
    public Builder daemonRestartCommand(List<String> argv) {
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("daemonRestartCommand must name a program");
      }
      this.daemonRestartCommand = List.copyOf(argv);
      return this;
    }

    /**
     * Signs every path sent (the default, undoing {@link #noSign()} of a builder this one was derived
     * from).
     *
     * @return this
     */
    public Builder sign() {
      this.sign = true;
      return this;
    }

    /**
     * @param listener told about the progress of every deployment of this deployer, from whichever
     *     threads run them (several at once when the deployer is shared): see {@link DeployListener}
     *     for what that asks of it, and {@link Deployment#listener} for a listener of one deployment.
     *     Default {@link DeployListener#NONE}
     * @return this
     */
    public Builder listener(DeployListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param transports how to reach hosts, instead of over SSH with {@link #ssh(SshSettings)}: a
     *     connection of your own, or a fake of {@code nixdeploy-testing} in unit tests
     * @return this
     */
    public Builder transports(TransportFactory transports) {
      this.transports = Objects.requireNonNull(transports, "transports");
      return this;
    }

    /**
     * @param localTransports how to reach this machine's Nix store, instead of local subprocesses: in
     *     unit tests, a fake of {@code nixdeploy-testing}
     * @return this
     */
    public Builder localTransports(LocalTransports localTransports) {
      this.localTransports = Objects.requireNonNull(localTransports, "localTransports");
      return this;
    }

    /**
     * @return an immutable, thread-safe deployer
     * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
     */
    @CheckReturnValue
    public Deployer build() {
      return Providers.load(DeployerProvider.class).create(new DeployerSettings(ssh, sign,
          Optional.ofNullable(signingKeyFile), useSubstitutes,
          Optional.ofNullable(sudoPasswords), Optional.ofNullable(daemonRestartCommand), listener,
          Optional.ofNullable(transports), Optional.ofNullable(localTransports)));
    }
  }
}
