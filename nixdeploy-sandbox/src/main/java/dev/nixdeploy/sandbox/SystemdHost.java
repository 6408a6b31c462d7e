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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One throwaway host of {@link SystemdHosts} that boots <em>systemd as PID 1</em>: a Debian root (see
 * {@link DebianRoots}) started with {@code systemd-nspawn -b}, with Debian's own {@code nix-daemon.socket}
 * and {@code nix-daemon.service}, {@code ssh.service}, journald, logind and dbus. So {@code systemctl},
 * {@code systemd-run}, socket activation and {@code reboot} are the real ones: this is the kind of host
 * on which nix-deploy's activation takes its {@code systemd-run} path.
 *
 * <p>The root stays untouched: the host runs on a volatile overlay of it ({@code --volatile=overlay}),
 * with its own {@code /etc} (an overlay whose upper layer is this host's: users, sudoers, {@code nix.conf},
 * {@code sshd_config}, {@code /etc/NIXOS}), its own {@code /nix} (an empty store), {@code /home} and the
 * state directory {@value HostConfigs#STATE_DIR} bound from its directory. It shares this machine's
 * network, so its sshd listens on a port of its own on 127.0.0.1. The users are those of
 * {@link SandboxUsers}; {@code deploy}, {@code admin} and {@code operator} are members of
 * {@code nix-users}, the only group Debian's daemon socket is open to.
 *
 * <p>{@link #exec} and {@link #execAs} run programs inside (entering every namespace of its PID 1);
 * {@link #journal()} is its journal. A {@code reboot} inside really reboots the container: nspawn exits,
 * the harness boots the host again with the same {@code /etc}, {@code /nix} and port, and a unit of the
 * host points {@code /run/booted-system} at the system profile's target at each boot, as NixOS does.
 * Thread-safe.
 */
public final class SystemdHost {
  private static final Logger LOG = LoggerFactory.getLogger(SystemdHost.class);
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;
  // systemd-nspawn's exit code when the container rebooted.
  private static final int REBOOTED = 133;
  private static final String ADDRESS = "127.0.0.1";
  private static final String PORT_CONF = "/etc/ssh/sshd_config.d/00-sandbox-port.conf";
  private static final String BOOT_UNIT = "nixdeploy-sandbox-boot.service";
  private static final Map<String, String> ROOT_ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME", "/root", "USER", "root", "LOGNAME", "root", "LANG", "C.UTF-8");
  // Switches to a user, with the user's primary group, groups and a fresh environment.
  private static final String BECOME_USER = "user=$1; shift; exec setpriv --reuid=\"$user\" "
      + "--regid=\"$(id -g \"$user\")\" --init-groups --reset-env -- \"$@\"";

  private final String alias;
  private final Path dir;
  private final Path root;
  private final Path sshConfig;
  private final String publicKey;
  private volatile int port;
  private volatile Process container;
  private volatile long initPid;
  private volatile boolean stopping;
  private volatile boolean configured;

  private SystemdHost(String alias, Path dir, Path root, Path sshConfig, String publicKey, int port) {
    this.alias = alias;
    this.dir = dir;
    this.root = root;
    this.sshConfig = sshConfig;
    this.publicKey = publicKey;
    this.port = port;
  }

  /** Lays out the host's directory and the upper layer of its {@code /etc}, without starting anything. */
  static SystemdHost prepare(String alias, Path dir, Path root, Path sshConfig, String authorizedKey)
      throws IOException {
    for (String sub : List.of("etc", "nix", "home", "state")) {
      Files.createDirectories(dir.resolve(sub));
      Files.setPosixFilePermissions(dir.resolve(sub), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path etc = dir.resolve("etc");
    int port = FreePorts.pick();
    write(etc.resolve("NIXOS"), "", "rw-r--r--");
    write(etc.resolve("nix/nix.conf"), HostConfigs.nixConf(), "rw-r--r--");
    write(etc.resolve("ssh/sshd_config"), HostConfigs.sshdConfig(), "rw-r--r--");
    write(etc.resolve(PORT_CONF.substring("/etc/".length())), portConf(port), "rw-r--r--");
    write(etc.resolve("ssh/authorized_keys"), authorizedKey + "\n", "rw-r--r--");
    write(etc.resolve("sudoers.d/nixdeploy-sandbox"), HostConfigs.sudoers(), "r--r-----");
    Files.setPosixFilePermissions(etc.resolve("sudoers.d"), PosixFilePermissions.fromString("rwxr-xr-x"));
    // sudo resolves the host's name.
    write(etc.resolve("hosts"), "127.0.0.1\tlocalhost " + alias + "\n::1\tlocalhost ip6-localhost\n",
        "rw-r--r--");
    write(etc.resolve("nixdeploy-sandbox/boot"), Resources.text("systemd-host-boot"), "rwxr-xr-x");
    write(etc.resolve("systemd/system/" + BOOT_UNIT), """
        [Unit]
        Description=Point /run/booted-system at the system profile, as NixOS does at boot
        Before=ssh.service

        [Service]
        Type=oneshot
        ExecStart=/bin/sh /etc/nixdeploy-sandbox/boot

        [Install]
        WantedBy=multi-user.target
        """, "rw-r--r--");
    Path wants = etc.resolve("systemd/system/multi-user.target.wants");
    Files.createDirectories(wants);
    Files.createSymbolicLink(wants.resolve(BOOT_UNIT), Path.of("/etc/systemd/system/" + BOOT_UNIT));
    String publicKey = SshKeys.generate(etc.resolve("ssh/ssh_host_ed25519_key"), "root@" + alias);
    return new SystemdHost(alias, dir, root, sshConfig, publicKey, port);
  }

  private static String portConf(int port) {
    return "Port " + port + "\n";
  }

  /** Boots the container; {@link #awaitReady()} waits for it. */
  void launch() {
    Path etc = dir.resolve("etc");
    // The outer pid namespace (unshare, which setpriv ties to this JVM) takes the container with it
    // whatever ends: killing systemd-nspawn alone would leave the container running.
    ProcessBuilder builder = new ProcessBuilder(
        "setpriv", "--pdeathsig", "KILL", "--",
        "unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc",
        "systemd-nspawn", "--quiet", "--directory=" + root, "--volatile=overlay",
        "--overlay=" + root.resolve("etc") + ":" + etc + ":/etc",
        "--bind=" + dir.resolve("nix") + ":/nix",
        "--bind=" + dir.resolve("home") + ":/home",
        "--bind=" + dir.resolve("state") + ":" + HostConfigs.STATE_DIR,
        "--machine=" + alias, "--hostname=" + alias,
        "--boot", "--console=passive", "--register=no", "--keep-unit");
    builder.environment().clear();
    builder.environment().putAll(ROOT_ENVIRONMENT);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nspawn.log").toFile()));
    initPid = 0;
    Process started = Launcher.start(builder);
    container = started;
    started.onExit().thenAccept(this::exited);
  }

  // A reboot inside ends systemd-nspawn with REBOOTED: boot again, as a machine would.
  private void exited(Process process) {
    if (stopping || process != container || process.exitValue() != REBOOTED) {
      return;
    }
    LOG.debug("systemd sandbox host {} rebooted; booting it again", alias);
    try {
      launch();
      awaitBoot(System.nanoTime() + BOOT_TIMEOUT.toNanos());
    } catch (RuntimeException e) {
      LOG.warn("systemd sandbox host {} did not come back after its reboot", alias, e);
    }
  }

  /**
   * Waits until systemd inside has booted (running or degraded), adds the users, and makes sure sshd
   * listens on a port of its own, taking another one if the first was taken meanwhile.
   */
  void awaitReady() {
    long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
    awaitBoot(deadline);
    exec("/bin/sh", "-c", Resources.text("systemd-host-setup"), "setup", SandboxUsers.OPERATOR_PASSWORD)
        .orThrow();
    for (int attempt = 1; !"active".equals(awaitSshService(deadline)); attempt++) {
      String journal = exec("journalctl", "-b", "--no-pager", "-u", "ssh.service").stdout();
      if (attempt == PORT_ATTEMPTS || !journal.contains("Address already in use")) {
        throw new NixDeployException("sshd of systemd sandbox host " + alias + " did not start:\n" + journal);
      }
      port = FreePorts.pick();
      exec("/bin/sh", "-c", "printf 'Port %s\\n' \"$1\" >" + PORT_CONF, "sh", Integer.toString(port)).orThrow();
      exec("systemctl", "reset-failed", "ssh.service").orThrow();
      exec("systemctl", "restart", "--no-block", "ssh.service").orThrow();
    }
    awaitSshBanner(deadline);
    configured = true;
    LOG.debug("systemd sandbox host {} ready: ssh port {}, directory {}", alias, port, dir);
  }

  private void awaitBoot(long deadline) {
    Process process = container;
    while (true) {
      if (!process.isAlive()) {
        throw failure("stopped while booting (exit code " + process.exitValue() + ")");
      }
      if (initPid == 0) {
        // unshare -> systemd-nspawn -> systemd (nspawn forks helpers on the way, which exit)
        process.toHandle().children().flatMap(ProcessHandle::children)
            .filter(child -> child.info().command().orElse("").endsWith("/systemd"))
            .findFirst().ifPresent(init -> initPid = init.pid());
      }
      if (initPid != 0) {
        String state = inside(List.of("systemctl", "is-system-running")).run().stdout().strip();
        if (state.equals("running") || state.equals("degraded")) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw failure("did not boot within " + BOOT_TIMEOUT.toSeconds() + " s");
      }
      pause(50);
    }
  }

  // ssh.service restarts a few times on failure, then stays failed.
  private String awaitSshService(long deadline) {
    while (true) {
      String state = exec("systemctl", "is-active", "ssh.service").stdout().strip();
      if (state.equals("active") || state.equals("failed")) {
        return state;
      }
      if (System.nanoTime() > deadline) {
        throw failure("ssh.service is still " + state);
      }
      pause(50);
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
        throw failure("sshd does not answer on port " + port);
      }
      pause(20);
    }
  }

  private NixDeployException failure(String what) {
    String log = readQuietly(dir.resolve("nspawn.log"));
    String journal = initPid == 0 ? "" : "\njournal:\n" + journal();
    return new NixDeployException("systemd sandbox host " + alias + " " + what + "; systemd-nspawn said: "
        + log.strip() + journal);
  }

  /**
   * Halts the container as its PID 1 is asked to ({@code SIGRTMIN+3}), and waits until every process of
   * it is gone; kills what is left after a timeout.
   *
   * @throws NixDeployException if a process outlives the timeout
   */
  void stop() {
    stopping = true;
    Process process = container;
    if (process == null) {
      return;
    }
    List<ProcessHandle> processes = new ArrayList<>(List.of(process.toHandle()));
    process.descendants().forEach(processes::add);
    if (initPid != 0 && process.isAlive()) {
      LocalCommand.of("kill", "-s", "RTMIN+3", Long.toString(initPid)).run();
    }
    try {
      process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn("systemd sandbox host {} did not halt within {}; killing it", alias, STOP_TIMEOUT);
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
      if (System.nanoTime() > deadline) {
        throw new NixDeployException("processes of systemd sandbox host " + alias + " outlived it: "
            + processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
      }
      pause(10);
    }
    container = null;
  }

  /** @return the alias of the host in {@link SystemdHosts#sshConfig()}, for example {@code systemd-0} */
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
   * @param user an account of the host, see {@link SandboxUsers}
   * @return {@code user@alias}, for example {@code deploy@systemd-0}, for use with
   *     {@link SystemdHosts#sshConfig()} or {@link SystemdHosts#sshSettings()}
   */
  public String destination(String user) {
    return user + "@" + alias;
  }

  /** @return the host's public ssh key line, {@code ssh-ed25519 AAAA… root@alias} */
  public String hostPublicKey() {
    return publicKey;
  }

  /**
   * Prepares an ssh command from this machine to this host, through {@link SystemdHosts#sshConfig()}.
   *
   * @param user an account of the host, see {@link SandboxUsers}
   * @param remoteCommand a shell command line
   * @return the command, to be {@link LocalCommand#run() run}
   */
  public LocalCommand ssh(String user, String remoteCommand) {
    return LocalCommand.of("ssh", "-F", sshConfig.toString(), destination(user), "--", remoteCommand);
  }

  /**
   * Runs a program as root inside the host ({@code nsenter} into every namespace of its PID 1), with a
   * fixed environment, not over ssh.
   *
   * @param argv the program and its arguments, not a shell string
   * @return its exit code and output
   */
  public ExecResult exec(String... argv) {
    return inside(List.of(argv)).run();
  }

  /**
   * Runs a program as another user inside the host, with that user's groups and a fresh environment.
   *
   * @param user an account of the host
   * @param argv the program and its arguments, not a shell string
   * @return its exit code and output
   */
  public ExecResult execAs(String user, String... argv) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", BECOME_USER, "sh", user));
    command.addAll(List.of(argv));
    return inside(command).run();
  }

  private LocalCommand inside(List<String> argv) {
    long pid = initPid;
    if (container == null || pid == 0) {
      throw new IllegalStateException("systemd sandbox host " + alias + " is not running");
    }
    // Entering its mount namespace puts the program at the container's root directory.
    List<String> command = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--all", "--"));
    command.addAll(argv);
    return LocalCommand.of(command).withOnlyEnv(ROOT_ENVIRONMENT);
  }

  /**
   * @param path a store path
   * @return true if it is valid in the host's store
   */
  public boolean isValid(StorePath path) {
    ExecResult result = exec("nix-store", "--check-validity", path.path());
    if (!result.succeeded() && !result.stderr().contains("is not valid")) {
      result.orThrow();
    }
    return result.succeeded();
  }

  /**
   * @return the last lines of the host's journal of this boot ({@code journalctl -b}), or why it cannot
   *     be read; for failure reports
   */
  public String journal() {
    try {
      ExecResult r = inside(List.of("journalctl", "-b", "--no-pager", "-n", "400", "-o", "short-monotonic"))
          .withTimeout(Duration.ofSeconds(30)).run();
      return r.succeeded() ? r.stdout() : "(journalctl failed: " + r.stderr().strip() + ")";
    } catch (RuntimeException e) {
      return "(no journal: " + e.getMessage() + ")";
    }
  }

  /**
   * @return whether the host has booted and is set up (false while it reboots)
   */
  public boolean isUp() {
    Process process = container;
    return configured && process != null && process.isAlive() && initPid != 0;
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
   * The systems the host booted into, oldest first: at each boot a unit of the host points
   * {@code /run/booted-system} at the system profile's target, as NixOS does.
   *
   * @return one line per boot: the system, or {@code (no system profile)}
   */
  public List<String> boots() {
    Path log = dir.resolve("state/boots.log");
    try {
      return Files.exists(log) ? Files.readString(log).lines().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return alias + " (systemd, " + ADDRESS + ":" + port + ")";
  }

  private static void write(Path file, String text, String permissions) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
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
