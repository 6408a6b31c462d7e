package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.KeyExchangeResult.Change;
import dev.nixdeploy.KeyExchangeResult.ChangeKind;
import dev.nixdeploy.KeyPreview;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Key exchange, the work behind {@code ensureKeys()}: generates signing key pairs where they are missing
 * and makes Nix stores trust the other side's public key, so that a deploy user outside a store's
 * {@code trusted-users} can copy signed paths into it. Every step first looks whether it is needed, as
 * the login user: run again, it changes nothing, restarts nothing and asks for no sudo. No secret key
 * crosses the network: the local secret stays in its file here, the target's in its {@code /etc/nix}.
 *
 * <pre>{@code
 * KeyExchange keys = KeyExchange.builder()
 *     .sudoPasswords((host, user) -> console.readPassword("[sudo] password for %s on %s: ", user, host))
 *     .listener(progress)
 *     .build();
 * try (Transport local = LocalTransport.create();
 *     Transport admin = SshTransports.connect(Target.parse("admin@web-1"), ssh)) {
 *   KeyExchangeResult result = keys.ensureTo(local, admin);   // web-1 trusts our key
 *   result.summaryLines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Where a change is needed on a host (a key pair to generate, a line to add to nix.conf), it runs as
 * root through {@link dev.nixdeploy.internal.privilege.RootAccess}: directly, with {@code sudo -n}, or with
 * {@code sudo -S} and a password from the configured {@link SudoPasswordSource}. A user who cannot become
 * root gets a {@link PrivilegeException} before anything on that host changes. Immutable and
 * thread-safe; concurrent exchanges with one host (from several threads or machines) serialize on a lock
 * file in the host's {@code /etc/nix} and add one line between them.
 */
public final class KeyExchange {
  private static final String LOCAL = "local";

  private final Path secretKeyFile;
  private final @Nullable SudoPasswordSource passwords;
  private final DeployListener listener;
  private final DaemonRestarter restarter;
  private final SubstituterTrust substituters;
  private final StoreTrust trust;

  private KeyExchange(Builder b) {
    this.secretKeyFile = b.secretKeyFile;
    this.passwords = b.passwords;
    this.listener = b.listener;
    this.restarter = new DaemonRestarter(b.restartCommand, b.daemonTimeout);
    this.trust = new StoreTrust(restarter, KeyLocations.NIX_CONF);
    this.substituters = new SubstituterTrust(restarter, KeyLocations.NIX_CONF);
  }

  /** @return a builder with the defaults: the default key file, no sudo password, no listener */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the local secret key file this exchange uses */
  public Path secretKeyFile() {
    return secretKeyFile;
  }

  /**
   * The local key pair, loaded from {@link #secretKeyFile()}, or generated and stored there (named after
   * the local host plus a unique part, e.g. {@code laptop-nix-deploy-3f9c2a71}) if the file does not exist. Use it to sign what
   * is copied to targets that trust it.
   *
   * @param local this machine, to learn its host name when generating
   * @return the key pair; destroy it when done
   * @throws dev.nixdeploy.SigningKeyException if the key file cannot be read or written
   */
  public SigningKeyPair localKeyPair(Transport local) {
    Objects.requireNonNull(local, "local");
    LocalKeyPair.Loaded loaded = LocalKeyPair.loadOrGenerate(secretKeyFile, () -> localKeyName(local));
    if (loaded.generated()) {
      listener.keyGenerated(LOCAL, loaded.pair().publicKey());
    }
    return loaded.pair();
  }

  /**
   * Prepares copies to {@code remote} ({@code --to}): the local key pair (generated if missing), the
   * target's key pair (generated in its {@code /etc/nix} if missing), and the target's trust in the local
   * public key (an {@code extra-trusted-public-keys} line in its {@code /etc/nix/nix.conf}, then a
   * nix-daemon restart, unless it trusts the key already). Where the target trusts the key already but
   * lacks a key pair and the user cannot become root, the key pair is left out with a note in the
   * result: copies to the target do not need it.
   *
   * @param local this machine
   * @param remote the target, logged in as a user who may become root there if something must change
   *     (need not be the user who deploys)
   * @return what was changed
   * @throws PrivilegeException if a change is needed and the user cannot become root; nothing changed there
   * @throws KeyExchangeException if the target's configuration cannot be changed (NixOS: the message gives
   *     the line to add to the system configuration), is malformed, or its daemon does not come back
   */
  public KeyExchangeResult ensureTo(Transport local, Transport remote) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    List<Change> changes = new ArrayList<>();
    PublicKey localKey;
    LocalKeyPair.Loaded loaded = LocalKeyPair.loadOrGenerate(secretKeyFile, () -> localKeyName(local));
    try {
      localKey = loaded.pair().publicKey();
    } finally {
      loaded.pair().destroy();
    }
    if (loaded.generated()) {
      generated(changes, LOCAL, localKey);
    }
    List<String> notes = new ArrayList<>();
    try (Host target = new Host(remote, passwords)) {
      // NixOS and the like fail here, before any change on the target.
      boolean trusted = trust.check(target, localKey);
      try {
        HostKeyPair.Ensured hostKey = HostKeyPair.ensure(target);
        if (hostKey.generated()) {
          generated(changes, target.name(), hostKey.key());
        }
      } catch (PrivilegeException e) {
        if (!trusted) {
          throw e;
        }
        // Copies to the target need only its trust, which is in place: a deploy user without sudo goes on.
        notes.add(target.name() + " has no signing key pair of its own (" + KeyLocations.HOST_SECRET_KEY
            + "), and " + target.transport().host() + " cannot become root to make one; it is needed only"
            + " to pull from the host (--from). Deploy once as a user who can use sudo there to make it.");
      }
      trust(changes, target, localKey);
    }
    return new KeyExchangeResult(remote.host(), changes, notes);
  }

  /**
   * Prepares copies from {@code remote} ({@code --from}): the target's key pair (generated in its
   * {@code /etc/nix} if missing) and the local store's trust in its public key. A local store opened
   * directly by root (root, {@code /nix/var/nix} writable, {@code NIX_REMOTE} not set to a daemon) checks
   * no signatures: that is reported in the result's notes and nothing changes locally. Sign the paths to
   * pull with {@link #signOnRemote} before copying them.
   *
   * @param local this machine (or whichever host receives the paths)
   * @param remote the target, logged in as a user who may become root there if its key pair is missing
   * @return what was changed
   * @throws PrivilegeException if a change is needed and a user cannot become root; nothing changed there
   * @throws KeyExchangeException if the local configuration cannot be changed (NixOS), is malformed, or
   *     the local daemon does not come back
   */
  public KeyExchangeResult ensureFrom(Transport local, Transport remote) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    List<Change> changes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (Host target = new Host(remote, passwords); Host here = new Host(local, passwords)) {
      HostKeyPair.Ensured hostKey = HostKeyPair.ensure(target);
      if (hostKey.generated()) {
        generated(changes, target.name(), hostKey.key());
      }
      if (opensStoreDirectly(here)) {
        notes.add(here.name() + " is root with a store it opens directly (single-user): it checks no"
            + " signatures, so it needs no trusted key for " + hostKey.key().name());
      } else {
        trust(changes, here, hostKey.key());
      }
    }
    return new KeyExchangeResult(remote.host(), changes, notes);
  }

  /**
   * What {@link #ensureTo} would change, found out as the login user alone; changes nothing.
   *
   * @param remote the target
   * @return the changes {@code ensureTo} would make
   * @throws KeyExchangeException where {@code ensureTo} would fail before any change (NixOS, a key name
   *     trusted with other bytes, a malformed configuration)
   */
  public KeyPreview previewTo(Transport remote) {
    Objects.requireNonNull(remote, "remote");
    List<KeyPreview.Planned> planned = new ArrayList<>();
    Optional<PublicKey> localKey = LocalKeyPair.existing(secretKeyFile);
    if (localKey.isEmpty()) {
      planned.add(new KeyPreview.Planned(ChangeKind.KEY_GENERATED, LOCAL, Optional.empty()));
    }
    try (Host target = new Host(remote, passwords)) {
      boolean trusted = localKey.isPresent() && trust.check(target, localKey.get());
      if (!HostKeyPair.exists(target)) {
        planned.add(new KeyPreview.Planned(ChangeKind.KEY_GENERATED, target.name(), Optional.empty()));
      }
      if (!trusted) {
        planned.add(new KeyPreview.Planned(ChangeKind.KEY_TRUSTED, target.name(), localKey));
        planned.add(new KeyPreview.Planned(ChangeKind.DAEMON_RESTARTED, target.name(), localKey));
      }
    }
    return new KeyPreview(remote.host(), planned);
  }

  /**
   * What {@link #ensureFrom} would change, found out as the login users alone; changes nothing.
   *
   * @param local this machine (or whichever host receives the paths)
   * @param remote the target
   * @return the changes {@code ensureFrom} would make
   * @throws KeyExchangeException where {@code ensureFrom} would fail before any change
   */
  public KeyPreview previewFrom(Transport local, Transport remote) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    List<KeyPreview.Planned> planned = new ArrayList<>();
    try (Host target = new Host(remote, passwords); Host here = new Host(local, passwords)) {
      Optional<PublicKey> hostKey = HostKeyPair.exists(target)
          ? Optional.of(HostKeyPair.publicKey(target)) : Optional.empty();
      if (hostKey.isEmpty()) {
        planned.add(new KeyPreview.Planned(ChangeKind.KEY_GENERATED, target.name(), Optional.empty()));
      }
      if (!opensStoreDirectly(here) && (hostKey.isEmpty() || !trust.check(here, hostKey.get()))) {
        planned.add(new KeyPreview.Planned(ChangeKind.KEY_TRUSTED, here.name(), hostKey));
        planned.add(new KeyPreview.Planned(ChangeKind.DAEMON_RESTARTED, here.name(), hostKey));
      }
    }
    return new KeyPreview(remote.host(), planned);
  }

  /**
   * Signs store paths in the target's store with the target's own key ({@code nix store sign}, as root),
   * e.g. the closure to pull with {@code --from}; call {@link #ensureFrom} first. Paths signed before
   * keep their one signature, so this may be repeated.
   *
   * @param remote the target, logged in as a user who may become root there
   * @param paths the paths to sign, e.g. every path of a closure
   * @throws PrivilegeException if the user cannot become root
   * @throws KeyExchangeException if signing fails (e.g. no key pair yet, or a path is not valid there)
   */
  public void signOnRemote(Transport remote, Collection<StorePath> paths) {
    Objects.requireNonNull(remote, "remote");
    List<StorePath> list = List.copyOf(paths);
    if (list.isEmpty()) {
      return;
    }
    try (Host target = new Host(remote, passwords)) {
      HostKeyPair.sign(target, list);
    }
  }

  /**
   * Makes {@code remote} accept a binary cache as a substituter for every user, deploy users outside
   * {@code trusted-users} included: an {@code extra-trusted-substituters} line in its
   * {@code /etc/nix/nix.conf} and a nix-daemon restart, unless it lists the cache already. The cache's
   * narinfos must be signed by a key the host trusts ({@link #ensureTo}).
   *
   * @param remote the host, logged in as a user who may become root there if the line must be added
   * @param url the cache's URL, as the host reads it
   * @return true if the line was added, false if the cache was trusted already (nothing changed)
   * @throws PrivilegeException if a change is needed and the user cannot become root
   * @throws KeyExchangeException on NixOS (the message gives the setting to add), or if the edit fails
   */
  public boolean ensureSubstituter(Transport remote, String url) {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(url, "url");
    try (Host target = new Host(remote, passwords)) {
      return substituters.ensure(target, url);
    }
  }

  private void trust(List<Change> changes, Host host, PublicKey key) {
    if (trust.ensure(host, key) == StoreTrust.Outcome.TRUSTED_AND_RESTARTED) {
      changes.add(new Change(ChangeKind.KEY_TRUSTED, host.name(), key));
      changes.add(new Change(ChangeKind.DAEMON_RESTARTED, host.name(), key));
      listener.keyTrusted(host.name(), key, true);
    }
  }

  private void generated(List<Change> changes, String host, PublicKey key) {
    changes.add(new Change(ChangeKind.KEY_GENERATED, host, key));
    listener.keyGenerated(host, key);
  }

  private static String localKeyName(Transport local) {
    CommandResult r = local.run(Command.of("uname", "-n"));
    return KeyLocations.keyName(r.succeeded() ? r.stdout() : "");
  }

  /**
   * Whether a receiving store checks signatures at all: one opened directly by root (single-user,
   * {@code /nix/var/nix} writable, {@code NIX_REMOTE} not set to a daemon) does not, so paths pulled into
   * it need not be signed first.
   *
   * @param receiver the host that receives paths, e.g. this machine for {@code --from}
   * @return false if it opens its store directly as root
   */
  public boolean checksSignatures(Transport receiver) {
    Objects.requireNonNull(receiver, "receiver");
    try (Host host = new Host(receiver, passwords)) {
      return !opensStoreDirectly(host);
    }
  }

  private static boolean opensStoreDirectly(Host host) {
    CommandResult r = host.run(Command.of("sh", "-c", "[ \"$(id -u)\" = 0 ] && [ -w /nix/var/nix ]"
        + " && case \"${NIX_REMOTE:-}\" in ''|local|auto) true ;; *) false ;; esac"));
    return r.succeeded();
  }

  @Override
  public String toString() {
    return "KeyExchange{" + secretKeyFile + ", " + restarter + "}";
  }

  /** Configures a {@link KeyExchange}; every setter checks its argument and returns this builder. */
  public static final class Builder {
    private Path secretKeyFile = KeyLocations.defaultSecretKeyFile(System.getenv(),
        System.getProperty("user.home"));
    private @Nullable SudoPasswordSource passwords;
    private DeployListener listener = DeployListener.NONE;
    private @Nullable List<String> restartCommand;
    private Duration daemonTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * @param file the local secret key file; its public key is beside it ({@code .sec} replaced by
     *     {@code .pub}). Default: {@code $XDG_CONFIG_HOME/nix-deploy/signing-key.sec}, else
     *     {@code ~/.config/nix-deploy/signing-key.sec}
     * @return this builder
     */
    public Builder secretKeyFile(Path file) {
      Objects.requireNonNull(file, "secretKeyFile");
      if (file.getFileName() == null) {
        throw new IllegalArgumentException("secretKeyFile must name a file: " + file);
      }
      this.secretKeyFile = file.toAbsolutePath();
      return this;
    }

    /**
     * @param passwords where to get a sudo password on hosts whose sudo asks for one; null (the default)
     *     makes such hosts fail with a {@link PrivilegeException} when a change is needed
     * @return this builder
     */
    public Builder sudoPasswords(@Nullable SudoPasswordSource passwords) {
      this.passwords = passwords;
      return this;
    }

    /**
     * @param listener receives {@link DeployListener#keyGenerated} and {@link DeployListener#keyTrusted}
     * @return this builder
     */
    public Builder listener(DeployListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param argv the command that restarts the nix-daemon, run as root, e.g.
     *     {@code List.of("rc-service", "nix-daemon", "restart")}; null (the default) picks
     *     {@code systemctl restart nix-daemon}, or {@code launchctl kickstart -k
     *     system/org.nixos.nix-daemon} on macOS
     * @return this builder
     */
    public Builder daemonRestartCommand(@Nullable List<String> argv) {
      if (argv != null && (argv.isEmpty() || argv.get(0).isEmpty())) {
        throw new IllegalArgumentException("daemonRestartCommand needs a program to run");
      }
      this.restartCommand = argv == null ? null : List.copyOf(argv);
      return this;
    }

    /**
     * @param timeout how long to wait for a restarted nix-daemon to answer; default 60 seconds
     * @return this builder
     */
    public Builder daemonTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "daemonTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("daemonTimeout must be positive: " + timeout);
      }
      this.daemonTimeout = timeout;
      return this;
    }

    /** @return the key exchange */
    public KeyExchange build() {
      return new KeyExchange(this);
    }
  }
}
