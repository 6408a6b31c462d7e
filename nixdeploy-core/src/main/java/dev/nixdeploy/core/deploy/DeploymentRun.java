package dev.nixdeploy.core.deploy;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.Transport;
import dev.nixdeploy.core.local.LocalTransport;
import dev.nixdeploy.core.serve.CopyEngine;
import dev.nixdeploy.core.serve.ServeClient;
import dev.nixdeploy.core.ssh.SshTransports;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Carries out one plan over one SSH session, closed whatever happens. */
final class DeploymentRun {
  private final Plan plan;
  private final DeployerSettings settings;

  DeploymentRun(Plan plan) {
    this.plan = plan;
    this.settings = plan.settings();
  }

  DeploymentResult run() {
    long started = System.nanoTime();
    try (Transport remote = SshTransports.connect(plan.host(), settings.ssh());
        Transport local = LocalTransport.create()) {
      Optional<CopyResult> copy = plan.roots().isEmpty()
          ? Optional.empty()
          : Optional.of(copy(local, remote));
      return new DeploymentResult(plan.host(), plan.direction(), copy,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private CopyResult copy(Transport local, Transport remote) {
    boolean to = plan.direction() == Direction.TO;
    CopyEngine engine = CopyEngine.builder()
        .signer(to ? signer() : null)
        .substitute(settings.useSubstitutes())
        .listener(settings.listener())
        .build();
    try (ServeClient localStore = ServeClient.open(local);
        ServeClient remoteStore = ServeClient.open(remote)) {
      return to
          ? engine.copy(localStore, remoteStore, plan.roots())
          : engine.copy(remoteStore, localStore, plan.roots());
    }
  }

  private @Nullable Function<PathInfo, Signature> signer() {
    if (!settings.sign()) {
      return null;
    }
    SigningKeyPair key = LocalSigningKey.resolve(settings);
    return key::sign;
  }
}
