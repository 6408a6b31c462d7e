package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Closure;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyPreview;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.KeyPreview;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.RunAs;
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
import dev.nixdeploy.internal.serve.ServePair;
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
 * it for one of its hosts. Both sides are reached through the deployer's transport seams ({@link
 * dev.nixdeploy.TransportFactory}, {@link dev.nixdeploy.LocalTransports}), SSH and local subprocesses
 * unless it was given others. Public for {@code internal.fleet} only.
 */
public final class CoreSession implements DeploymentSession {
  private final DeployerSettings settings;
  private final Target host;
  private final Direction direction;
  private final DeployListener listener;
  private final @Nullable AskOnce passwords;
  private final Transport remote;
  private final Transport local;
  private final KeyExchange keys;
  private boolean keysEnsured;
  private boolean closed;

  private CoreSession(DeployerSettings settings, Target host, Direction direction, DeployListener listener,
      Transport remote, Transport local) {
    this.settings = settings;
    this.host = host;
    this.direction = direction;
    this.listener = listener;
    this.passwords = AskOnce.wrap(settings.sudoPasswordsOrNull());
    this.remote = remote;
    this.local = local;
    this.keys = keyExchange(settings, passwords, listener);
  }

  /**
   * @param settings the deployer's settings: key file, daemon restart command
   * @param passwords where to get sudo passwords, if anywhere
   * @param listener who is told about keys generated and trusted
   * @return the key exchange those settings describe
   */
  public static KeyExchange keyExchange(DeployerSettings settings, @Nullable SudoPasswordSource passwords,
      DeployListener listener) {
    KeyExchange.Builder exchange = KeyExchange.builder().sudoPasswords(passwords).listener(listener)
        .daemonRestartCommand(settings.daemonRestartCommand().orElse(null));
    settings.signingKeyFile().ifPresent(exchange::secretKeyFile);
    return exchange.build();
  }

  /**
   * Connects to this machine and to the host; closes what it opened if either fails.
   *
   * @param listener the deployer's listener and the plan's, told {@code connected} once both are open
   */
  public static CoreSession open(DeployerSettings settings, Target host, Direction direction,
      DeployListener listener) {
    Transport local = openLocal(settings);
    try {
      Transport remote = openRemote(settings, host);
      try {
        CoreSession session = new CoreSession(settings, host, direction, listener, remote, local);
        listener.connected(remote.host());
        return session;
      } catch (RuntimeException e) {
        remote.close();
        throw e;
      }
    } catch (RuntimeException e) {
      local.close();
      throw e;
    }
  }

  private static Transport openRemote(DeployerSettings settings, Target host) {
    return settings.transports().isPresent()
        ? Objects.requireNonNull(settings.transports().get().open(host), "TransportFactory.open returned null")
        : SshTransports.connect(host, settings.ssh());
  }

  /**
   * @param settings the deployer's settings
   * @return this machine, through the deployer's {@link dev.nixdeploy.LocalTransports} if it has one
   */
  public static Transport openLocal(DeployerSettings settings) {
    return settings.localTransports().isPresent()
        ? Objects.requireNonNull(settings.localTransports().get().open(), "LocalTransports.open returned null")
        : LocalTransport.create();
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
  public KeyPreview previewKeys() {
    ensureOpen();
    return to() ? keys.previewTo(remote) : keys.previewFrom(local, remote);
  }

  @Override
  public CopyResult copy(Collection<StorePath> roots) {
    ensureOpen();
    List<StorePath> all = List.copyOf(roots);
    CopyEngine.Builder engine = CopyEngine.builder()
        .substitute(settings.useSubstitutes())
        .listener(listener);
    try {
      return to() ? push(engine, all) : pull(engine, all);
    } catch (CopyFailedException e) {
      listener.copyFailed(e.host(), e);
      throw e;
    }
  }

  private ServeClient serve(Transport transport) {
    return ServeClient.open(transport, settings);
  }

  /** Starts the serve process of both sides at once: the remote one on this thread, the local one beside it. */
  private ServePair serveBoth(Transport remoteSide, Transport localSide) {
    return ServePair.open(() -> serve(remoteSide), () -> serve(localSide));
  }

  private CopyResult push(CopyEngine.Builder engine, List<StorePath> roots) {
    try (ServePair stores = serveBoth(remote, local)) {
      ServeClient localStore = stores.second();
      ServeClient remoteStore = stores.first();
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
      try (ServeClient lister = serve(remote)) {
        closure = lister.queryClosure(roots, false);
      }
      keys.signOnRemote(remote, closure);
    }
    try (ServePair stores = serveBoth(remote, local)) {
      return engine.build().copy(stores.first(), stores.second(), roots);
    }
  }

  @Override
  public CopyPreview previewCopy(Collection<StorePath> roots) {
    ensureOpen();
    List<StorePath> all = List.copyOf(roots);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("Nothing to preview: roots is empty");
    }
    try (ServePair stores = serveBoth(remote, local)) {
      ServeClient sender = to() ? stores.second() : stores.first();
      ServeClient receiverStore = to() ? stores.first() : stores.second();
      Closure closure = sender.closure(all);
      Set<StorePath> present = receiverStore.queryValidPaths(closure.paths(), false, false);
      List<PathInfo> missing = closure.infos().stream().filter(i -> !present.contains(i.path())).toList();
      return new CopyPreview(receiver().host(), closure, missing);
    }
  }

  @Override
  public Closure receiverClosure(Collection<StorePath> roots) {
    ensureOpen();
    try (ServeClient receiverStore = serve(receiver())) {
      return receiverStore.closure(List.copyOf(roots));
    }
  }

  @Override
  public ProfileUpdate setProfile(StorePath path, String name, String directory, RunAs runAs) {
    ensureOpen();
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(runAs, "runAs");
    return Profiles.set(receiver(), path, name, directory, runAs == RunAs.ROOT, passwords);
  }

  /** On the host for --to; on this machine for --from, where no new connection can prove anything. */
  @Override
  public ActivationResult activate(StorePath system, ActivationOptions options) {
    ensureOpen();
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(options, "options");
    if (to()) {
      return activator().activate(system, options);
    }
    if (options.reboot()) {
      throw new IllegalArgumentException("A system pulled with --from is activated on this machine,"
          + " which nix-deploy does not reboot: reboot it yourself, or deploy --to it instead");
    }
    return Activator.create(local, () -> openLocal(settings), passwords, listener)
        .activate(system, options.newBuilder().confirm(false).build());
  }

  /**
   * @return an activator for the host of a {@code --to} session, which can also roll back what it
   *     activated (a fleet's health check uses that)
   * @throws IllegalStateException for a {@code --from} session
   */
  public Activator activator() {
    ensureOpen();
    if (!to()) {
      throw new IllegalStateException("A --from session activates on this machine, not on " + host);
    }
    return Activator.create(remote, () -> openRemote(settings, host), passwords, listener);
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
