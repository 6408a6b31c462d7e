package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One throwaway Nix host of {@link SandboxHosts}: a private mount, pid and hostname namespace of this
 * machine with its own {@code /nix} store, its own {@code /etc} (an overlay, so {@code /etc/NIXOS},
 * users, sudoers, {@code nix.conf} and {@code sshd_config} exist only there), its own {@code nix-daemon}
 * and an {@code sshd} on a free port of {@code 127.0.0.1} with its own host key. It runs this machine's
 * Nix, or that of a Debian root ({@link SandboxNix}) in a chroot of an overlay of that root.
 *
 * <p>Reach it over ssh with {@link #destination(String)} and {@link SandboxHosts#sshConfig()} (as real
 * code would), or run commands in it directly with {@link #exec} and {@link #execAs}:
 *
 * <pre>{@code
 * host.ssh(SandboxUsers.ADMIN, "sudo -n nix-store --verify").run().orThrow();
 * assertThat(host.isValid(path)).isTrue();
 * host.exec("systemctl", "restart", "nix-daemon").orThrow();   // what deploy code would run, as root
 * }</pre>
 *
 * <p>Inside the host, {@code systemctl} (a shim in {@code /usr/local/sbin} and {@code /usr/local/bin},
 * on every user's {@code PATH} and on sudo's secure path)
 * starts, stops, restarts and reloads {@code nix-daemon} and {@code sshd} (alias {@code ssh}) by the pids
 * it keeps in {@value HostConfigs#STATE_DIR}. Pids this class reports are those inside the host's pid
 * namespace. Thread-safe.
 */
public final class SandboxHost {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxHost.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;
  private static final String ADDRESS = "127.0.0.1";
  private static final Map<String, String> ROOT_ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME", "/root", "USER", "root", "LOGNAME", "root", "LANG", "C.UTF-8");
  // Switches to a user, with the user's primary group, groups and a fresh environment.
  private static final String BECOME_USER = "user=$1; shift; exec setpriv --reuid=\"$user\" "
      + "--regid=\"$(id -g \"$user\")\" --init-groups --reset-env -- \"$@\"";

  private final String alias;
  private final Path dir;
  private final Path sshConfig;
  private final String publicKey;
  private final SandboxNix nix;
  private final @Nullable Path root;
  private volatile @Nullable String nixVersion;
  private volatile int port;
  private volatile Process namespace;
  private volatile long initPid;

  private SandboxHost(String alias, Path dir, Path sshConfig, String publicKey, SandboxNix nix,
      @Nullable Path root) {
    this.alias = alias;
    this.dir = dir;
    this.sshConfig = sshConfig;
    this.publicKey = publicKey;
    this.nix = nix;
    this.root = root;
  }

  /**
   * Lays out the host's directory and configuration, without starting anything. A host on this machine's
   * Nix gets overlays of {@code /etc} and {@code /usr/local}; a host on a Debian root one overlay of the
   * whole root, whose {@code /usr/bin/systemctl} and {@code /usr/sbin/reboot} are the shims too (sid's sudo
   * has no {@code /usr/local} on its secure path).
   */
  static SandboxHost prepare(String alias, Path dir, Path sshConfig, String authorizedKey, SandboxNix nix)
      throws IOException {
    @Nullable Path root = nix.suite().map(DebianRoots::of).orElse(null);
    List<String> dirs = root == null
        ? List.of("nix", "etc-upper", "etc-work", "local-upper", "local-work", "home", "state")
        : List.of("nix", "root-upper", "root-work", "merged", "state");
    for (String sub : dirs) {
      Files.createDirectories(dir.resolve(sub));
      Files.setPosixFilePermissions(dir.resolve(sub), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path etc = root == null ? dir.resolve("etc-upper") : dir.resolve("root-upper/etc");
    Path local = root == null ? dir.resolve("local-upper") : dir.resolve("root-upper/usr/local");
    Path home = root == null ? dir.resolve("root") : dir.resolve("root-upper/root");
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    write(etc.resolve("NIXOS"), "", "rw-r--r--");
    write(etc.resolve("nix/nix.conf"), HostConfigs.nixConf(), "rw-r--r--");
    write(etc.resolve("ssh/sshd_config"), HostConfigs.sshdConfig(), "rw-r--r--");
    write(etc.resolve("ssh/authorized_keys"), authorizedKey + "\n", "rw-r--r--");
    Files.createDirectories(etc.resolve("ssh/sshd_config.d"));
    write(etc.resolve("sudoers.d/nixdeploy-sandbox"), HostConfigs.sudoers(), "r--r-----");
    Files.setPosixFilePermissions(etc.resolve("sudoers.d"), PosixFilePermissions.fromString("rwxr-x---"));
    write(local.resolve("sbin/systemctl"), Resources.text("systemctl"), "rwxr-xr-x");
    Files.createDirectories(local.resolve("bin"));
    Files.createSymbolicLink(local.resolve("bin/systemctl"), Path.of("../sbin/systemctl"));
    write(local.resolve("sbin/reboot"), Resources.text("reboot"), "rwxr-xr-x");
    if (root != null) {
      Files.createDirectories(dir.resolve("root-upper/usr/bin"));
      Files.createDirectories(dir.resolve("root-upper/usr/sbin"));
      Files.createSymbolicLink(dir.resolve("root-upper/usr/bin/systemctl"), Path.of("../local/sbin/systemctl"));
      Files.createSymbolicLink(dir.resolve("root-upper/usr/sbin/reboot"), Path.of("../local/sbin/reboot"));
    }
    String init = root == null ? "host-init" : "root-init";
    write(dir.resolve(init), Resources.text(init), "rwxr-xr-x");
    write(dir.resolve("state/host-setup"), Resources.text("host-setup"), "rwxr-xr-x");
    String publicKey = SshKeys.generate(etc.resolve("ssh/ssh_host_ed25519_key"), "root@" + alias);
    return new SandboxHost(alias, dir, sshConfig, publicKey, nix, root);
  }

  /** Starts the namespace; {@link #awaitReady()} waits for it. */
  void launch() {
    ProcessBuilder builder = new ProcessBuilder(
        "setpriv", "--pdeathsig", "KILL", "--",
        "unshare", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc",
        "/bin/sh", dir.resolve(root == null ? "host-init" : "root-init").toString(), dir.toString(), alias,
        SandboxUsers.OPERATOR_PASSWORD, root == null ? "" : root.toString());
    builder.environment().clear();
    builder.environment().putAll(ROOT_ENVIRONMENT);
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve("host-init.log").toFile());
    namespace = Launcher.start(builder);
  }

  /** Waits until nix-daemon answers in the host, then starts its sshd on a free port. */
  void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Path ready = dir.resolve("state/ready");
    while (!Files.exists(ready)) {
      if (!namespace.isAlive()) {
        throw new NixDeployException("sandbox host " + alias + " failed to start (exit code "
            + namespace.exitValue() + "): " + readQuietly(dir.resolve("host-init.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new NixDeployException("sandbox host " + alias + " did not start within " + START_TIMEOUT
            + ": " + readQuietly(dir.resolve("host-init.log")));
      }
      pause(10);
    }
    initPid = namespace.toHandle().children().findFirst()
        .orElseThrow(() -> new NixDeployException("sandbox host " + alias + " has no first process"))
        .pid();
    startSshdOnFreePort();
    awaitSshBanner(deadline);
    LOG.debug("sandbox host {} ready: ssh port {}, directory {}", alias, port, dir);
  }

  private void startSshdOnFreePort() {
    for (int attempt = 1; ; attempt++) {
      port = FreePorts.pick();
      write(dir.resolve("state/sshd.port"), port + "\n");
      ExecResult started = exec("systemctl", "start", "sshd");
      if (started.succeeded()) {
        return;
      }
      // Another process may have taken the port between picking and binding it.
      if (attempt == PORT_ATTEMPTS || !readQuietly(dir.resolve("state/sshd.log")).contains("already in use")) {
        throw new NixDeployException("sshd of sandbox host " + alias + " did not start: "
            + started.stderr().strip() + "\n" + readQuietly(dir.resolve("state/sshd.log")));
      }
    }
  }

  // Proof from this side that sshd answers on the port: its identification line.
  private void awaitSshBanner(long deadline) {
    while (true) {
      try (Socket socket = new Socket(ADDRESS, port)) {
        socket.setSoTimeout(5000);
        byte[] banner = socket.getInputStream().readNBytes(8);
        if (new String(banner, StandardCharsets.US_ASCII).equals("SSH-2.0-")) {
          return;
        }
      } catch (IOException e) {
        // Not yet.
      }
      if (System.nanoTime() > deadline) {
        throw new NixDeployException("sshd of sandbox host " + alias + " does not answer on port " + port
            + ": " + readQuietly(dir.resolve("state/sshd.log")));
      }
      pause(10);
    }
  }

  /**
   * Kills every process of the host by killing its first process, and waits until they are gone.
   * The host's mounts vanish with its last process.
   *
   * @throws NixDeployException if a process outlives the timeout
   */
  void stop() {
    Process process = namespace;
    if (process == null) {
      return;
    }
    List<ProcessHandle> processes = Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .toList();
    // unshare reaps its child, so it exits only once the whole pid namespace is gone.
    ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly);
    try {
      process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
      if (System.nanoTime() > deadline) {
        throw new NixDeployException("processes of sandbox host " + alias + " outlived it: "
            + processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
      }
      pause(10);
    }
    namespace = null;
  }

  /** @return which Nix the host runs: this machine's or that of a Debian root */
  public SandboxNix nix() {
    return nix;
  }

  /**
   * @return the version of the host's Nix as {@code nix-store --version} reports it inside the host, for
   *     example {@code 2.34.8}
   */
  public String nixVersion() {
    String version = nixVersion;
    if (version == null) {
      String out = exec("nix-store", "--version").orThrow().stdout().strip();
      version = out.substring(out.lastIndexOf(' ') + 1);
      nixVersion = version;
    }
    return version;
  }

  /** @return the alias of the host in {@link SandboxHosts#sshConfig()}, for example {@code sandbox-0} */
  public String alias() {
    return alias;
  }

  /** @return the address sshd listens on: always {@code 127.0.0.1} */
  public String address() {
    return ADDRESS;
  }

  /** @return the port sshd listens on */
  public int sshPort() {
    return port;
  }

  /**
   * The ssh destination of a user on this host, for ssh, {@code nix-copy-closure --to} and the like,
   * given {@link SandboxHosts#sshConfig()} ({@code ssh -F}, or {@code NIX_SSHOPTS} set to
   * {@link SandboxHosts#sshOptions()}), which maps the alias to address, port, identity and known hosts.
   * Without that configuration, use {@code user@}{@link #address()} with {@code -p} {@link #sshPort()}.
   *
   * @param user an account of the host, see {@link SandboxUsers}
   * @return {@code user@alias}, for example {@code deploy@sandbox-0}
   */
  public String destination(String user) {
    return user + "@" + alias;
  }

  /**
   * @return the host's public ssh key line, {@code ssh-ed25519 AAAA… root@alias}, as a known_hosts
   *     entry needs it
   */
  public String hostPublicKey() {
    return publicKey;
  }

  /** @return the fingerprint of the host key as ssh shows it, {@code SHA256:} and unpadded base64 */
  public String hostKeyFingerprint() {
    return SshKeys.fingerprint(publicKey);
  }

  /**
   * Prepares an ssh command from this machine to this host, through {@link SandboxHosts#sshConfig()}.
   * Like every ssh command, the remote side runs {@code remoteCommand} with the user's shell.
   *
   * @param user an account of the host, see {@link SandboxUsers}
   * @param remoteCommand a shell command line, for example {@code "sudo -n true"}
   * @return the command, to be {@link LocalCommand#run() run}, possibly {@link LocalCommand#withStdin with input}
   */
  public LocalCommand ssh(String user, String remoteCommand) {
    return LocalCommand.of("ssh", "-F", sshConfig.toString(), destination(user), "--", remoteCommand);
  }

  /**
   * Runs a program as root inside the host (its mounts, pids and hostname), not over ssh, with a fixed
   * environment ({@code PATH} starting with {@code /usr/local/sbin}, {@code HOME=/root}, no
   * {@code NIX_REMOTE}: root opens the host's store directly).
   *
   * @param argv the program and its arguments, not a shell string
   * @return its exit code and output
   */
  public ExecResult exec(String... argv) {
    return inside(List.of(argv)).run();
  }

  /**
   * Runs a program as another user inside the host, with that user's groups and a fresh environment
   * ({@code HOME}, {@code USER}, a short {@code PATH}), not over ssh. A non-root user reaches the store
   * through the host's nix-daemon, as an untrusted client.
   *
   * @param user an account of the host, see {@link SandboxUsers}
   * @param argv the program and its arguments, not a shell string
   * @return its exit code and output
   */
  public ExecResult execAs(String user, String... argv) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", BECOME_USER, "sh", user));
    command.addAll(List.of(argv));
    return inside(command).run();
  }

  private LocalCommand inside(List<String> argv) {
    if (namespace == null) {
      throw new IllegalStateException("sandbox host " + alias + " is not running");
    }
    // In a Debian root, the first process's root and working directory are the chroot's "/".
    List<String> command = new ArrayList<>(List.of(
        "nsenter", "--target", Long.toString(initPid), "--mount", "--uts", "--pid"));
    command.addAll(root == null ? List.of("--wd=/") : List.of("--root", "--wd"));
    command.add("--");
    command.addAll(argv);
    return LocalCommand.of(command).withOnlyEnv(ROOT_ENVIRONMENT);
  }

  /**
   * @param path a store path
   * @return true if it is valid in the host's store ({@code nix-store --check-validity})
   * @throws NixDeployException if the check itself fails
   */
  public boolean isValid(StorePath path) {
    ExecResult result = exec("nix-store", "--check-validity", path.path());
    if (!result.succeeded() && !result.stderr().contains("is not valid")) {
      result.orThrow();
    }
    return result.succeeded();
  }

  /**
   * Restarts the host's nix-daemon as {@code systemctl restart nix-daemon} does on a real host (and does
   * here too): the running daemon is stopped by its pid, a new one started, and this returns once it
   * answers. The daemon reads {@code /etc/nix/nix.conf} when it starts.
   */
  public void restartNixDaemon() {
    exec("systemctl", "restart", "nix-daemon").orThrow();
  }

  /**
   * Stops the host's sshd <em>and every ssh session</em> it serves, as if the host went away: connections
   * in progress break, new ones are refused. ({@code systemctl stop sshd} inside the host stops the
   * listener only, leaving sessions alive, as on a real host.)
   */
  public void stopSshd() {
    exec("systemctl", "kill", "sshd").orThrow();
  }

  /** Starts the host's sshd again on the same port, with the same host key; returns once it listens. */
  public void startSshd() {
    exec("systemctl", "start", "sshd").orThrow();
  }

  /** @return the pid of the host's nix-daemon, inside the host's pid namespace */
  public long nixDaemonPid() {
    return pid("nix-daemon");
  }

  /** @return the pid of the host's listening sshd, inside the host's pid namespace */
  public long sshdPid() {
    return pid("sshd");
  }

  private long pid(String service) {
    ExecResult status = exec("systemctl", "status", service);
    if (!status.succeeded()) {
      throw new NixDeployException(service + " is not running on sandbox host " + alias);
    }
    return Long.parseLong(read(dir.resolve("state/" + service + ".pid")).strip());
  }

  /**
   * What fake systems ({@link SampleClosures#fakeSystem}) recorded on this host, oldest first.
   *
   * @return the recorded activations; empty if none ran
   */
  public List<Activation> activations() {
    return Activation.readLog(dir.resolve("state/activations.log"));
  }

  /**
   * How often the host "rebooted": its {@code reboot} shim (in {@code /usr/local/sbin}, for root) cannot
   * reboot, so a second after it is called it ends sshd and every ssh session, points
   * {@code /run/booted-system} at the system profile's target (as NixOS does at boot) and starts sshd again.
   *
   * @return the systems booted, oldest first; empty if the host never rebooted
   */
  public List<String> reboots() {
    Path log = dir.resolve("state/reboots.log");
    return Files.exists(log) ? read(log).lines().filter(l -> !l.isBlank()).toList() : List.of();
  }

  /** The host's directory on this machine, for tests of the harness. */
  Path dir() {
    return dir;
  }

  /** The pids (in this machine's namespace) of the host's processes, for tests of the harness. */
  List<Long> processIds() {
    Process process = namespace;
    if (process == null) {
      return List.of();
    }
    return Stream.concat(Stream.of(process.toHandle()), process.descendants()).map(ProcessHandle::pid)
        .toList();
  }

  @Override
  public String toString() {
    return alias + " (" + ADDRESS + ":" + port + (nix == SandboxNix.MACHINE ? "" : ", " + nix) + ")";
  }

  private static void write(Path file, String text, String permissions) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")";
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NixDeployException("interrupted", e);
    }
  }
}
