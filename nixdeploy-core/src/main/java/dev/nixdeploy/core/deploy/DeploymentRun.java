package dev.nixdeploy.core.deploy;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.Transport;
import dev.nixdeploy.core.local.LocalTransport;
import dev.nixdeploy.core.serve.CopyEngine;
import dev.nixdeploy.core.serve.ServeClient;
import dev.nixdeploy.core.ssh.SshTransports;
import dev.nixdeploy.core.trust.KeyExchange;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Carries out one plan over one SSH session, closed whatever happens: keys, then copy. */
final class DeploymentRun {
  private final Plan plan;
  private final DeployerSettings settings;
  private final boolean to;

  DeploymentRun(Plan plan) {
    this.plan = plan;
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
      return new DeploymentResult(plan.host(), plan.direction(), exchanged, copy,
          Duration.ofNanos(System.nanoTime() - started));
    }
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
