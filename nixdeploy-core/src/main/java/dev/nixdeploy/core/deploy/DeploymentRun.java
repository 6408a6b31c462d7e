package dev.nixdeploy.core.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.core.activation.Activator;
import dev.nixdeploy.core.activation.Profiles;
import dev.nixdeploy.core.local.LocalTransport;
import dev.nixdeploy.core.serve.CopyEngine;
import dev.nixdeploy.core.serve.ServeClient;
import dev.nixdeploy.core.ssh.SshTransports;
import dev.nixdeploy.core.trust.KeyExchange;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Carries out one plan over one SSH session, closed whatever happens: keys, copy, profile, activation.
 */
final class DeploymentRun {
  private final Plan plan;
  private final @Nullable ActivationOptions activation;
  private final DeployerSettings settings;
  private final boolean to;

  DeploymentRun(Plan plan, @Nullable ActivationOptions activation) {
    this.plan = plan;
    this.activation = activation;
    this.settings = plan.settings();
    this.to = plan.direction() == Direction.TO;
  }

  DeploymentResult run() {
    long started = System.nanoTime();
    try (AskOnce passwords = AskOnce.wrap(settings.sudoPasswordsOrNull());
        Transport remote = SshTransports.connect(plan.host(), settings.ssh());
        Transport local = LocalTransport.create()) {
      KeyExchange keys = keyExchange(passwords);
      Optional<KeyExchangeResult> exchanged = plan.ensuresKeys()
          ? Optional.of(to ? keys.ensureTo(local, remote) : keys.ensureFrom(local, remote))
          : Optional.empty();
      Optional<CopyResult> copy = plan.roots().isEmpty()
          ? Optional.empty()
          : Optional.of(copy(keys, local, remote));
      Transport receiver = to ? remote : local;
      Optional<ProfileUpdate> profile = Optional.ofNullable(plan.profileRequest())
          .map(p -> Profiles.set(receiver, plan.singleRoot("profile()"), p.name(), p.directory(), p.sudo(),
              passwords));
      Optional<ActivationResult> activated = Optional.ofNullable(activation)
          .map(options -> activate(options, local, remote, passwords));
      return new DeploymentResult(plan.host(), plan.direction(), exchanged, copy, profile, activated,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** On the host for --to; on this machine for --from, where no new connection can prove anything. */
  private ActivationResult activate(ActivationOptions options, Transport local, Transport remote,
      @Nullable AskOnce passwords) {
    StorePath system = plan.singleRoot("activate()");
    if (to) {
      return Activator.create(remote, () -> SshTransports.connect(plan.host(), settings.ssh()), passwords,
          settings.listener()).activate(system, options);
    }
    return Activator.create(local, LocalTransport::create, passwords, settings.listener())
        .activate(system, options.toBuilder().confirm(false).build());
  }

  private KeyExchange keyExchange(@Nullable AskOnce passwords) {
    KeyExchange.Builder keys = KeyExchange.builder().sudoPasswords(passwords).listener(settings.listener());
    settings.signingKeyFile().ifPresent(keys::secretKeyFile);
    return keys.build();
  }

  private CopyResult copy(KeyExchange keys, Transport local, Transport remote) {
    CopyEngine.Builder engine = CopyEngine.builder()
        .substitute(settings.useSubstitutes())
        .listener(settings.listener());
    try (ServeClient localStore = ServeClient.open(local);
        ServeClient remoteStore = ServeClient.open(remote)) {
      if (!to) {
        if (settings.sign() && plan.ensuresKeys() && keys.checksSignatures(local)) {
          keys.signOnRemote(remote, remoteStore.queryClosure(plan.roots(), false));
        }
        return engine.build().copy(remoteStore, localStore, plan.roots());
      }
      if (!settings.sign()) {
        return engine.build().copy(localStore, remoteStore, plan.roots());
      }
      SigningKeyPair key = keys.localKeyPair(local);
      try {
        return engine.signer(key::sign).build().copy(localStore, remoteStore, plan.roots());
      } finally {
        key.destroy();
      }
    }
  }
}
