package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.activation.Activator;
import dev.nixdeploy.internal.activation.Profiles;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.serve.CopyEngine;
import dev.nixdeploy.internal.serve.ServeClient;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.internal.trust.KeyExchange;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One SSH session to one host, and the local machine: every step of a deployment runs here, whether a
 * plan's terminal call runs them in a row, a caller holds the session open, or a fleet deployment runs
 * it for one of its hosts. Public for {@code internal.fleet} only.
 */
public final class CoreSession implements DeploymentSession {
  private final DeployerSettings settings;
  private final Target host;
  private final Direction direction;
  private final @Nullable AskOnce passwords;
  private final Transport remote;
  private final Transport local;
  private final KeyExchange keys;
  private boolean keysEnsured;
  private boolean closed;

  private CoreSession(DeployerSettings settings, Target host, Direction direction, Transport remote,
      Transport local) {
    this.settings = settings;
    this.host = host;
    this.direction = direction;
    this.passwords = AskOnce.wrap(settings.sudoPasswordsOrNull());
    this.remote = remote;
    this.local = local;
    this.keys = keyExchange(settings, passwords);
  }

  /**
   * @param settings the deployer's settings: key file, daemon restart command, listener
   * @param passwords where to get sudo passwords, if anywhere
   * @return the key exchange those settings describe
   */
  public static KeyExchange keyExchange(DeployerSettings settings, @Nullable SudoPasswordSource passwords) {
    KeyExchange.Builder exchange = KeyExchange.builder().sudoPasswords(passwords).listener(settings.listener())
        .daemonRestartCommand(settings.daemonRestartCommand().orElse(null));
    settings.signingKeyFile().ifPresent(exchange::secretKeyFile);
    return exchange.build();
  }

  /**
   * @param settings the deployer's settings
   * @param host the host to connect to
   * @param direction which way paths go
   * @return an open session
   */
  public static CoreSession open(DeployerSettings settings, Target host, Direction direction) {
    return open(settings, host, direction, LocalTransport.create());
  }

  /**
   * @param local what stands for this machine: the store that receives with --from, sends with --to
   *     (tests give a host whose store checks signatures, which this machine's root store does not);
   *     the session closes it, and closes it too if it cannot be opened
   */
  static CoreSession open(DeployerSettings settings, Target host, Direction direction, Transport local) {
    try {
      Transport remote = SshTransports.connect(host, settings.ssh());
      try {
        return new CoreSession(settings, host, direction, remote, local);
      } catch (RuntimeException e) {
        remote.close();
        throw e;
      }
    } catch (RuntimeException e) {
      local.close();
      throw e;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("This deployment session to " + host + " is closed: open another");
    }
  }

  private boolean to() {
    return direction == Direction.TO;
  }

  private Transport receiver() {
    return to() ? remote : local;
  }

  @Override
  public Target host() {
    return host;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public Transport transport() {
    return remote;
  }

  /** @return the key exchange of this session, with the deployer's key file and sudo passwords */
  public KeyExchange keyExchange() {
    return keys;
  }

  /** @return what stands for this machine in this session */
  public Transport localTransport() {
    return local;
  }

  @Override
  public KeyExchangeResult ensureKeys() {
    ensureOpen();
    KeyExchangeResult result = to() ? keys.ensureTo(local, remote) : keys.ensureFrom(local, remote);
    keysEnsured = true;
    return result;
  }

  @Override
  public CopyResult copy(Collection<StorePath> roots) {
    ensureOpen();
    List<StorePath> all = List.copyOf(roots);
    CopyEngine.Builder engine = CopyEngine.builder()
        .substitute(settings.useSubstitutes())
        .listener(settings.listener());
    return to() ? push(engine, all) : pull(engine, all);
  }

  private CopyResult push(CopyEngine.Builder engine, List<StorePath> roots) {
    try (ServeClient localStore = ServeClient.open(local);
        ServeClient remoteStore = ServeClient.open(remote)) {
      if (!settings.sign()) {
        return engine.build().copy(localStore, remoteStore, roots);
      }
      SigningKeyPair key = keys.localKeyPair(local);
      try {
        return engine.signer(key::sign).build().copy(localStore, remoteStore, roots);
      } finally {
        key.destroy();
      }
    }
  }

  private CopyResult pull(CopyEngine.Builder engine, List<StorePath> roots) {
    // The host signs what we pull, once keys are exchanged and our store checks signatures at all. It
    // signs before the copy's serve process starts: nix-store --serve caches each path's info when first
    // asked, so one that listed the closure would describe the paths without the new signatures.
    if (settings.sign() && keysEnsured && keys.checksSignatures(local)) {
      Set<StorePath> closure;
      try (ServeClient lister = ServeClient.open(remote)) {
        closure = lister.queryClosure(roots, false);
      }
      keys.signOnRemote(remote, closure);
    }
    try (ServeClient remoteStore = ServeClient.open(remote);
        ServeClient localStore = ServeClient.open(local)) {
      return engine.build().copy(remoteStore, localStore, roots);
    }
  }

  @Override
  public ProfileUpdate setProfile(StorePath path, String name, String directory, boolean sudo) {
    ensureOpen();
    Objects.requireNonNull(path, "path");
    return Profiles.set(receiver(), path, name, directory, sudo, passwords);
  }

  /** On the host for --to; on this machine for --from, where no new connection can prove anything. */
  @Override
  public ActivationResult activate(StorePath system, ActivationOptions options) {
    ensureOpen();
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(options, "options");
    if (to()) {
      return Activator.create(remote, () -> SshTransports.connect(host, settings.ssh()), passwords,
          settings.listener()).activate(system, options);
    }
    if (options.reboot()) {
      throw new IllegalArgumentException("A system pulled with --from is activated on this machine,"
          + " which nix-deploy does not reboot: reboot it yourself, or deploy --to it instead");
    }
    return Activator.create(local, LocalTransport::create, passwords, settings.listener())
        .activate(system, options.toBuilder().confirm(false).build());
  }

  @Override
  public void close() {
    closed = true;
    try (Transport r = remote; Transport l = local) {
      if (passwords != null) {
        passwords.close();
      }
    }
  }

  @Override
  public String toString() {
    return "DeploymentSession{" + direction.name().toLowerCase(Locale.ROOT) + " " + host + "}";
  }
}
