package dev.nixdeploy.testing;

import dev.nixdeploy.Command;
import dev.nixdeploy.ConnectionException;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.LocalTransports;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.NixBase32;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.TransportFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory Nix host for unit tests of code that deploys with nix-deploy: no SSH, no Nix, no root. It
 * answers the commands a real {@link dev.nixdeploy.Deployer} sends over a {@link Transport} the way a
 * Debian host with a multi-user Nix 2.8 and sudo would: the {@code nix-store --serve} protocol over a
 * store that checks NAR hashes, references and signatures against its own {@code nix.conf} (as its
 * nix-daemon read it when it last started), key generation in {@code /etc/nix}, nix.conf edits and
 * daemon restarts, profiles and their generations, and NixOS activations with the rollback and the
 * confirmation watchdog, where {@code switch-to-configuration} ends as {@linkplain
 * #whenSwitching scripted}. It records the commands it ran, and fails on demand: a connection lost
 * mid-copy, sudo that wants a password, a changed host key.
 *
 * <pre>{@code
 * FakeNixHost laptop = FakeNixHost.builder("local").user("alice").build();
 * FakeNixHost web = FakeNixHost.builder("deploy@web-1").build();
 * StorePath system = laptop.addSystem("nixos-system-web-1");
 * Deployer deployer = Deployer.builder()
 *     .transports(web)                   // every target reaches web-1
 *     .localTransports(laptop)           // this machine's store is laptop's
 *     .signingKeyFile(tempDir.resolve("signing-key.sec"))
 *     .build();
 *
 * deployer.deployTo("deploy@web-1").ensureKeys().copy(system).activate();
 *
 * assertThat(web.isValid(system)).isTrue();
 * assertThat(web.currentSystem()).contains(system);
 * }</pre>
 *
 * <p>The fake knows the commands of the nix-deploy release it comes with (take both from the same BOM);
 * a command it does not know fails the test with an {@link AssertionError} that names it. Behaviour it
 * claims is held to real Nix by a test that runs the same scenarios against it and a real host. Not
 * modelled: substituters, garbage collection, {@code include} in nix.conf, NixOS's read-only nix.conf,
 * real time (the confirmation window passes when the deployer gives up, not after seconds). Thread-safe.
 */
@NullMarked
public final class FakeNixHost implements TransportFactory, LocalTransports {
  static final String NIX_CONF = "/etc/nix/nix.conf";
  static final String SECRET_KEY = "/etc/nix/signing-key.sec";
  static final String PUBLIC_KEY = "/etc/nix/signing-key.pub";
  static final String SYSTEM_PROFILE = "/nix/var/nix/profiles/system";

  private final String name;
  private final String user;
  private final String hostname;
  private final Sudo sudo;
  private final HostCommands commands = new HostCommands(this);
  private final Map<StorePath, PathInfo> infos = new LinkedHashMap<>();
  private final Map<StorePath, byte[]> nars = new HashMap<>();
  private final Map<StorePath, Set<String>> executables = new HashMap<>();
  private final List<StorePath> received = new ArrayList<>();
  private final Map<String, byte[]> files = new TreeMap<>();
  private final Map<String, Profile> profiles = new TreeMap<>();
  private final List<Command> commandLog = new ArrayList<>();
  private final Set<FakeConnection> open = new LinkedHashSet<>();
  private @Nullable KeyPair hostKey;
  private String hostKeyName = "";
  private Set<PublicKey> daemonKeys = Set.of();
  private Set<String> daemonTrustedUsers = Set.of("root");
  private int daemonRestarts;
  private @Nullable StorePath currentSystem;
  private @Nullable StorePath bootedSystem;
  private SwitchBehaviour nextSwitch = SwitchBehaviour.succeed();
  private int dropAfterPaths = -1;
  private boolean hostKeyChanged;
  private boolean lockedOut;

  private FakeNixHost(Builder b) {
    this.name = b.name;
    this.user = b.user;
    this.hostname = b.hostname;
    this.sudo = b.sudo;
    files.put(NIX_CONF, b.nixConf.getBytes(StandardCharsets.UTF_8));
    readConfiguration();
  }

  /**
   * @param name the host as the deployment names it, which {@link Transport#host()} returns: e.g.
   *     {@code deploy@web-1}, or {@code local} for a host standing for this machine
   * @return a builder: the login user is the part before {@code @} ({@code root} without one), the
   *     host name the part after it, sudo works without a password, nix.conf trusts only root
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A transport factory for several fake hosts, each reached by its host name (the target's host part,
   * e.g. {@code web-1} for {@code deploy@web-1}).
   *
   * @param hosts the hosts
   * @return the factory; a target that names none of them fails the test with an {@link AssertionError}
   */
  public static TransportFactory network(FakeNixHost... hosts) {
    Map<String, FakeNixHost> byName = new HashMap<>();
    for (FakeNixHost h : hosts) {
      byName.put(h.hostname, h);
    }
    return target -> {
      FakeNixHost h = byName.get(target.host());
      if (h == null) {
        throw new AssertionError("No fake host named " + target.host() + " (target " + target + "); known: "
            + byName.keySet());
      }
      return h.connect();
    };
  }

  /** @return what {@link Transport#host()} of its connections returns, e.g. {@code deploy@web-1} */
  public String name() {
    return name;
  }

  // ---- connections -------------------------------------------------------------------------------

  /**
   * @return a new connection, as a new SSH session would be
   * @throws HostKeyException after {@link #changeHostKey()}
   * @throws ConnectionException while a {@linkplain SwitchBehaviour#lockOut() locked-out} switch waits
   *     for its confirmation
   */
  public Transport connect() {
    FakeConnection c;
    synchronized (this) {
      if (hostKeyChanged) {
        throw new HostKeyException(name, HostKeyException.Reason.CHANGED, "ssh-ed25519",
            "SHA256:fakeHostKeyOf" + hostname.replaceAll("[^A-Za-z0-9]", ""), Path.of("known_hosts"),
            "The host key of " + name + " changed (fake host)");
      }
      if (lockedOut) {
        throw new ConnectionException(name, "Cannot connect to " + name + ": connection refused (the new"
            + " system of the fake host takes no connections)", null);
      }
      c = new FakeConnection(this);
      open.add(c);
    }
    return c;
  }

  /**
   * For {@link dev.nixdeploy.Deployer.Builder#transports}: every target reaches this host.
   *
   * @param target the target of the deployment
   * @return a new connection
   */
  @Override
  public Transport open(Target target) {
    Objects.requireNonNull(target, "target");
    return connect();
  }

  /** For {@link dev.nixdeploy.Deployer.Builder#localTransports}: this host stands for this machine. */
  @Override
  public Transport open() {
    return connect();
  }

  synchronized void closed(FakeConnection c) {
    open.remove(c);
  }

  /** @return how many connections are open (made and not closed): 0 once every deployment is done */
  public synchronized int openConnections() {
    open.removeIf(c -> !c.isOpen());
    return open.size();
  }

  /** From now on, connecting fails with a {@link HostKeyException} (reason {@code CHANGED}). */
  public synchronized void changeHostKey() {
    hostKeyChanged = true;
  }

  /**
   * Drops the connection of the copy that sends paths to this host after it registered {@code paths}
   * more paths: the copy fails with a {@code CopyFailedException} caused by a {@code
   * ConnectionLostException}. Once, then new connections work again.
   *
   * @param paths how many paths to take first (0: drop at the first)
   */
  public synchronized void dropConnectionAfterPaths(int paths) {
    if (paths < 0) {
      throw new IllegalArgumentException("paths must not be negative: " + paths);
    }
    dropAfterPaths = paths;
  }

  synchronized boolean dropsBeforeNextPath() {
    if (dropAfterPaths == 0) {
      dropAfterPaths = -1;
      return true;
    }
    return false;
  }

  /** Every open connection drops, as when the host reboots. */
  synchronized void dropAll() {
    new ArrayList<>(open).forEach(FakeConnection::drop);
  }

  /** @return every command run on this host so far, in order, as the login user sent it */
  public synchronized List<Command> commands() {
    return List.copyOf(commandLog);
  }

  RemoteProcess start(FakeConnection connection, Command command) {
    synchronized (this) {
      commandLog.add(command);
    }
    return commands.start(connection, command);
  }

  // ---- the store ---------------------------------------------------------------------------------

  /**
   * Adds a store path holding one file, as {@code nix-store --add} would (the same store path as real
   * Nix gives the same contents and references).
   *
   * @param name the name part, e.g. {@code hello-2.12}
   * @param contents the file's contents
   * @param references store paths it refers to, already in this store
   * @return its store path
   */
  public StorePath addPath(String name, String contents, StorePath... references) {
    return addTree(name, new Nar.File(Nar.utf8(contents + referenceText(references)), false), references);
  }

  /**
   * Adds a NixOS system closure's top path: a directory with an executable {@code
   * bin/switch-to-configuration}, which the deployer checks for before it activates anything.
   *
   * @param name the name part, e.g. {@code nixos-system-web-1-24.05}
   * @param references store paths it refers to, already in this store
   * @return its store path
   */
  public StorePath addSystem(String name, StorePath... references) {
    Nar.Node stc = new Nar.File(Nar.utf8("#!/bin/sh\n# fake switch-to-configuration of " + name + "\n"
        + referenceText(references)), true);
    return addTree(name, new Nar.Directory(Map.of("bin", new Nar.Directory(Map.of("switch-to-configuration",
        stc)))), references);
  }

  private static String referenceText(StorePath... references) {
    return Arrays.stream(references).map(r -> r.path() + "\n").collect(Collectors.joining());
  }

  private synchronized StorePath addTree(String name, Nar.Node tree, StorePath... references) {
    for (StorePath r : references) {
      if (!infos.containsKey(r)) {
        throw new IllegalArgumentException(r + " is not in the store of " + this.name + ": add it first");
      }
    }
    byte[] nar = Nar.write(tree);
    byte[] narHash = sha256(nar);
    List<StorePath> refs = List.of(references);
    StorePath path = sourcePath(name, narHash, refs);
    PathInfo info = PathInfo.builder(path).narHash(NarHash.of(narHash)).narSize(nar.length)
        .references(refs).contentAddress("fixed:r:sha256:" + NixBase32.encode(narHash)).build();
    register(info, nar);
    return path;
  }

  /** Nix's path of a {@code source} path with references: {@code makeStorePath("source:REFS", ...)}. */
  static StorePath sourcePath(String name, byte[] narHash, List<StorePath> references) {
    StringBuilder type = new StringBuilder("source");
    new TreeSet<>(references).forEach(r -> type.append(':').append(r.path()));
    String s = type + ":sha256:" + HexFormat.of().formatHex(narHash) + ":" + StorePath.STORE_DIR + ":" + name;
    byte[] hash = sha256(s.getBytes(StandardCharsets.UTF_8));
    byte[] compressed = new byte[20];
    for (int i = 0; i < hash.length; i++) {
      compressed[i % 20] ^= hash[i];
    }
    return StorePath.parse(StorePath.STORE_DIR + "/" + NixBase32.encode(compressed) + "-" + name);
  }

  private void register(PathInfo info, byte[] nar) {
    infos.put(info.path(), info);
    nars.put(info.path(), nar);
    executables.put(info.path(), Nar.executables(nar));
  }

  /** @return whether this store holds {@code path} */
  public synchronized boolean isValid(StorePath path) {
    return infos.containsKey(path);
  }

  /** @return the store's paths, in the order they were added */
  public synchronized List<StorePath> paths() {
    return List.copyOf(infos.keySet());
  }

  /** @return the path's info (hash, size, references, signatures), if the store holds it */
  public synchronized Optional<PathInfo> pathInfo(StorePath path) {
    return Optional.ofNullable(infos.get(path));
  }

  /** @return the paths received over {@code nix-store --serve}, in the order they were registered */
  public synchronized List<StorePath> received() {
    return List.copyOf(received);
  }

  synchronized Optional<byte[]> nar(StorePath path) {
    return Optional.ofNullable(nars.get(path));
  }

  synchronized boolean isSystem(StorePath path) {
    return executables.getOrDefault(path, Set.of()).contains("bin/switch-to-configuration");
  }

  synchronized Optional<Set<StorePath>> closureOf(Collection<StorePath> roots) {
    Set<StorePath> seen = new TreeSet<>();
    List<StorePath> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      StorePath p = todo.remove(todo.size() - 1);
      PathInfo info = infos.get(p);
      if (info == null) {
        return Optional.empty();
      }
      if (seen.add(p)) {
        todo.addAll(info.references());
      }
    }
    return Optional.of(seen);
  }

  /**
   * Adds a received path as the daemon does.
   *
   * @return null if added, else the error nix-store prints
   */
  synchronized @Nullable String add(PathInfo info, byte[] nar, boolean trustedUser) {
    StorePath path = info.path();
    if (nar.length != info.narSize() || !NarHash.of(sha256(nar)).equals(info.narHash())) {
      return "error: hash mismatch importing path '" + path + "';\n  specified: " + info.narHash()
          + "\n  got:       " + NarHash.of(sha256(nar));
    }
    for (StorePath r : info.references()) {
      if (!r.equals(path) && !infos.containsKey(r)) {
        return "error: cannot add path '" + path + "' because it refers to '" + r + "', which is not valid";
      }
    }
    try {
      Nar.executables(nar);
    } catch (IllegalArgumentException e) {
      return "error: bad archive: " + e.getMessage();
    }
    if (!trustedUser && info.signatures().stream().noneMatch(s -> daemonKeys.stream()
        .anyMatch(k -> k.verifies(info, s)))) {
      return "error: cannot add path '" + path + "' because it lacks a valid signature";
    }
    if (!infos.containsKey(path)) {
      register(info, nar);
      received.add(path);
      if (dropAfterPaths > 0) {
        dropAfterPaths--;
      }
    }
    return null;
  }

  /** Signs paths with the host's own key, as {@code nix store sign -k /etc/nix/signing-key.sec}. */
  synchronized @Nullable String sign(List<StorePath> paths) {
    if (hostKey == null) {
      return "error: opening " + SECRET_KEY + ": No such file or directory";
    }
    for (StorePath p : paths) {
      PathInfo info = infos.get(p);
      if (info == null) {
        return "error: path '" + p + "' is not valid";
      }
      try {
        java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(hostKey.getPrivate());
        signer.update(info.fingerprintBytes());
        Signature s = Signature.of(hostKeyName, signer.sign());
        if (!info.signatures().contains(s)) {
          infos.put(p, info.withSignature(s));
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("This JVM has no Ed25519", e);
      }
    }
    return null;
  }

  // ---- /etc/nix and the daemon -------------------------------------------------------------------

  /** @return {@code /etc/nix/nix.conf} as it is now */
  public synchronized String nixConf() {
    return new String(files.get(NIX_CONF), StandardCharsets.UTF_8);
  }

  /**
   * @return the public keys the host's nix-daemon trusts: those of {@code trusted-public-keys} and
   *     {@code extra-trusted-public-keys} in nix.conf when the daemon last started (a key added to
   *     nix.conf counts once the daemon is restarted)
   */
  public synchronized Set<PublicKey> trustedKeys() {
    return Set.copyOf(daemonKeys);
  }

  /** @return how often the nix-daemon was restarted */
  public synchronized int daemonRestarts() {
    return daemonRestarts;
  }

  /** @return the host's own public key ({@code /etc/nix/signing-key.pub}), once it has a key pair */
  public synchronized Optional<PublicKey> signingKey() {
    byte[] pub = files.get(PUBLIC_KEY);
    return pub == null ? Optional.empty() : Optional.of(PublicKey.parse(new String(pub, StandardCharsets.UTF_8)));
  }

  synchronized void restartDaemon() {
    daemonRestarts++;
    readConfiguration();
  }

  private void readConfiguration() {
    Set<PublicKey> keys = new LinkedHashSet<>();
    Set<String> users = new LinkedHashSet<>();
    boolean usersSet = false;
    for (String line : nixConf().split("\n")) {
      String l = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
      int eq = l.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = l.substring(0, eq).strip();
      List<String> values = Arrays.stream(l.substring(eq + 1).strip().split("\\s+"))
          .filter(v -> !v.isEmpty()).toList();
      switch (key) {
        case "trusted-public-keys" -> {
          keys.clear();
          values.forEach(v -> keys.add(PublicKey.parse(v)));
        }
        case "extra-trusted-public-keys" -> values.forEach(v -> keys.add(PublicKey.parse(v)));
        case "trusted-users" -> {
          users.clear();
          users.addAll(values);
          usersSet = true;
        }
        case "extra-trusted-users" -> {
          users.addAll(values);
          usersSet = true;
        }
        default -> { }
      }
    }
    daemonKeys = Set.copyOf(keys);
    daemonTrustedUsers = usersSet ? Set.copyOf(users) : Set.of("root");
  }

  synchronized boolean trustedUser(boolean asRoot) {
    return asRoot || daemonTrustedUsers.contains(loginUser()) || daemonTrustedUsers.contains("*");
  }

  synchronized @Nullable byte[] file(String path) {
    byte[] b = files.get(path);
    return b == null ? null : b.clone();
  }

  synchronized void writeFile(String path, byte[] bytes) {
    files.put(path, bytes.clone());
  }

  /** Generates the host's key pair in /etc/nix if it has none; @return whether it did */
  synchronized boolean generateKey(String keyName) {
    if (files.containsKey(SECRET_KEY)) {
      return false;
    }
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] x509 = pair.getPublic().getEncoded();
      byte[] raw = Arrays.copyOfRange(x509, x509.length - PublicKey.SIZE, x509.length);
      hostKey = pair;
      hostKeyName = keyName;
      files.put(PUBLIC_KEY, Nar.utf8(PublicKey.of(keyName, raw) + "\n"));
      // The secret stays in this object; the file only exists, as root's alone would for the login user.
      files.put(SECRET_KEY, Nar.utf8(keyName + ":(secret kept by the fake host)\n"));
      return true;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no Ed25519", e);
    }
  }

  // ---- users ---------------------------------------------------------------------------------

  String loginUser() {
    return user;
  }

  String hostname() {
    return hostname;
  }

  Sudo sudo() {
    return sudo;
  }

  // ---- profiles and the running system -------------------------------------------------------------

  /** A profile's generations: number n is {@code generations.get(n - 1)}. */
  static final class Profile {
    final List<StorePath> generations = new ArrayList<>();
    int current;

    OptionalInt generation() {
      return current == 0 ? OptionalInt.empty() : OptionalInt.of(current);
    }

    Optional<StorePath> target() {
      return current == 0 ? Optional.empty() : Optional.of(generations.get(current - 1));
    }
  }

  synchronized Profile profileState(String path) {
    return profiles.computeIfAbsent(path, p -> new Profile());
  }

  /**
   * Points a profile at a path, as {@code nix-env --profile P --set PATH}: in a new generation, unless
   * the newest generation already holds that path (Nix then switches to it and makes none).
   */
  synchronized int setProfile(String path, StorePath target) {
    Profile p = profileState(path);
    if (p.generations.isEmpty() || !p.generations.get(p.generations.size() - 1).equals(target)) {
      p.generations.add(target);
    }
    p.current = p.generations.size();
    return p.current;
  }

  /** Removes a profile's newest generation and the profile link, as a rollback of its first deploy does. */
  synchronized void removeProfile(String path) {
    profiles.remove(path);
  }

  /**
   * @param profile the profile's path, e.g. {@code /nix/var/nix/profiles/system}
   * @return the store path it points to now, if it exists
   */
  public synchronized Optional<StorePath> profile(String profile) {
    Profile p = profiles.get(profile);
    return p == null ? Optional.empty() : p.target();
  }

  /**
   * @param profile the profile's path
   * @return its current generation's number, if it exists
   */
  public synchronized OptionalInt generation(String profile) {
    Profile p = profiles.get(profile);
    return p == null ? OptionalInt.empty() : p.generation();
  }

  /** @return the system {@code /run/current-system} points to: the last one activated, if any */
  public synchronized Optional<StorePath> currentSystem() {
    return Optional.ofNullable(currentSystem);
  }

  synchronized void currentSystem(@Nullable StorePath system) {
    currentSystem = system;
  }

  synchronized Optional<StorePath> bootedSystem() {
    return Optional.ofNullable(bootedSystem);
  }

  /** The host reboots into its system profile's generation: every connection drops. */
  synchronized void reboot() {
    bootedSystem = profile(SYSTEM_PROFILE).orElse(currentSystem);
    currentSystem = bootedSystem;
    dropAll();
  }

  /**
   * @param behaviour how {@code switch-to-configuration} ends for the next activation of a new system
   *     (the re-activation of the previous system in a rollback always succeeds); afterwards it succeeds
   */
  public synchronized void whenSwitching(SwitchBehaviour behaviour) {
    nextSwitch = Objects.requireNonNull(behaviour, "behaviour");
  }

  synchronized SwitchBehaviour takeSwitchBehaviour() {
    SwitchBehaviour b = nextSwitch;
    nextSwitch = SwitchBehaviour.succeed();
    return b;
  }

  synchronized void lockOut(boolean on) {
    lockedOut = on;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "FakeNixHost{" + name + "}";
  }

  /** Configures a {@link FakeNixHost}; every method returns this builder. */
  public static final class Builder {
    private final String name;
    private String user;
    private String hostname;
    private Sudo sudo = Sudo.withoutPassword();
    private String nixConf = "# nix.conf of a fake Nix host\ntrusted-users = root\n";

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
      int at = name.indexOf('@');
      this.user = at > 0 ? name.substring(0, at) : "root";
      String rest = at >= 0 ? name.substring(at + 1) : name;
      int colon = rest.indexOf(':');
      this.hostname = colon >= 0 ? rest.substring(0, colon) : rest;
    }

    /**
     * @param user the login user ({@code id -un}); {@code root} runs everything as root
     * @return this builder
     */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /**
     * @param hostname what {@code uname -n} prints (and what signing keys are named after)
     * @return this builder
     */
    public Builder hostname(String hostname) {
      this.hostname = Objects.requireNonNull(hostname, "hostname");
      return this;
    }

    /**
     * @param sudo what sudo does for a login user other than root; default {@link Sudo#withoutPassword()}
     * @return this builder
     */
    public Builder sudo(Sudo sudo) {
      this.sudo = Objects.requireNonNull(sudo, "sudo");
      return this;
    }

    /**
     * @param text the whole of {@code /etc/nix/nix.conf}, which the daemon reads when the host starts;
     *     default: {@code trusted-users = root} and nothing trusted
     * @return this builder
     */
    public Builder nixConf(String text) {
      this.nixConf = Objects.requireNonNull(text, "text");
      return this;
    }

    /** @return the host, with an empty store */
    public FakeNixHost build() {
      return new FakeNixHost(this);
    }
  }
}
