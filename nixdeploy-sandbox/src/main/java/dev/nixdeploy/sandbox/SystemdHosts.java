package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SshSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of throwaway hosts on this machine that boot systemd as PID 1 ({@link SystemdHost}), reachable
 * over ssh on 127.0.0.1 with the same users and client configuration as {@link SandboxHosts}. Needs what
 * sandbox hosts need, {@code systemd-nspawn} (Debian's {@code systemd-container}) and the Debian root
 * that {@code scripts/sandbox-roots} builds.
 *
 * <pre>{@code
 * try (SystemdHosts hosts = SystemdHosts.start("trixie", 1)) {
 *   SystemdHost host = hosts.host(0);
 *   host.exec("systemctl", "restart", "nix-daemon").orThrow();   // the real one
 * }
 * }</pre>
 *
 * <p>In JUnit 5 tests, {@link SystemdTest @SystemdTest} starts them once per test class, injects them and
 * prints each host's journal when a test fails. Every host is halted by {@link #close()}, by a shutdown
 * hook, and killed by the kernel if this JVM is killed. Thread-safe.
 */
public final class SystemdHosts implements AutoCloseable {
  /** The suite hosts boot unless told otherwise: Debian 13, Nix 2.26, systemd 257. */
  public static final String DEFAULT_SUITE = "trixie";

  private static final Logger LOG = LoggerFactory.getLogger(SystemdHosts.class);
  private static final Set<SystemdHosts> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(SystemdHosts::closeQuietly),
        "systemd-hosts-shutdown"));
  }

  private final Path dir;
  private final List<SystemdHost> hosts = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private SystemdHosts(Path dir) {
    this.dir = dir;
  }

  /**
   * Boots hosts side by side and returns once each one's sshd answers.
   *
   * @param suite the Debian root to boot: {@code trixie} or {@code sid}
   * @param count how many hosts, at least 1
   * @return the running hosts, {@code systemd-0} to {@code systemd-(count-1)}
   * @throws NixDeployException if a prerequisite is missing (the message says which and what to do) or a
   *     host fails to boot; hosts already started are then stopped
   */
  public static SystemdHosts start(String suite, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<String> missing = new ArrayList<>(Prerequisites.missing(tmp));
    if (!Prerequisites.onPath("systemd-nspawn")) {
      missing.add("the program systemd-nspawn (package systemd-container)");
    }
    if (!missing.isEmpty()) {
      throw new NixDeployException("systemd sandbox hosts cannot run on this machine; missing: "
          + String.join(", ", missing) + ". As root, scripts/install-prerequisites installs what is needed.");
    }
    Path root = DebianRoots.of(suite);
    SystemdHosts sandbox;
    try {
      sandbox = new SystemdHosts(Files.createTempDirectory(tmp, "nixdeploy-systemd-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    OPEN.add(sandbox);
    try {
      sandbox.startHosts(root, count);
    } catch (IOException e) {
      sandbox.closeQuietly();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      sandbox.closeQuietly();
      throw e;
    }
    return sandbox;
  }

  private void startHosts(Path root, int count) throws IOException {
    Path client = Files.createDirectory(dir.resolve("client"));
    String clientKey = SshKeys.generate(identityFile(), "nixdeploy-sandbox-client");
    for (int i = 0; i < count; i++) {
      String alias = "systemd-" + i;
      hosts.add(SystemdHost.prepare(alias, dir.resolve(alias), root, sshConfig(), clientKey));
    }
    hosts.forEach(SystemdHost::launch);
    hosts.forEach(SystemdHost::awaitReady);
    StringBuilder knownHosts = new StringBuilder();
    StringBuilder config = new StringBuilder();
    for (SystemdHost host : hosts) {
      knownHosts.append(HostConfigs.knownHostsLine(host.address(), host.sshPort(), host.hostPublicKey()));
      config.append(HostConfigs.sshConfigBlock(host.alias(), host.address(), host.sshPort(), identityFile(),
          knownHostsFile()));
    }
    Files.writeString(knownHostsFile(), knownHosts);
    Files.writeString(sshConfig(), config);
    Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
    LOG.info("booted {} systemd sandbox host(s) from {} in {}", count, root, dir);
  }

  /** @return all hosts, in index order */
  public List<SystemdHost> hosts() {
    return List.copyOf(hosts);
  }

  /**
   * @param index from 0
   * @return the host with that index, alias {@code systemd-<index>}
   */
  public SystemdHost host(int index) {
    return hosts.get(index);
  }

  /** @return the private key every user of every host accepts, as {@link SandboxHosts#identityFile()} */
  public Path identityFile() {
    return dir.resolve("client/id_ed25519");
  }

  /** @return a known_hosts file with each host's key under {@code [127.0.0.1]:port} */
  public Path knownHostsFile() {
    return dir.resolve("client/known_hosts");
  }

  /** @return the OpenSSH client configuration of the hosts, as {@link SandboxHosts#sshConfig()} */
  public Path sshConfig() {
    return dir.resolve("client/ssh_config");
  }

  /** @return {@code -F <sshConfig>}, for {@code NIX_SSHOPTS} */
  public String sshOptions() {
    return "-F " + sshConfig();
  }

  /** @return settings for nix-deploy that reach these hosts (strict host keys, no agent) */
  public SshSettings sshSettings() {
    return SshSettings.builder().sshConfigFile(sshConfig()).identityFile(identityFile())
        .knownHostsFile(knownHostsFile()).useAgent(false).build();
  }

  /**
   * Halts every host (by its PID 1, waiting until its processes are gone), then deletes their files.
   * Idempotent.
   *
   * @throws NixDeployException if a process outlived its host or a file could not be deleted
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    NixDeployException failure = null;
    for (SystemdHost host : hosts) {
      try {
        host.stop();
      } catch (NixDeployException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    try {
      SandboxHosts.deleteTree(dir);
    } catch (IOException e) {
      NixDeployException deletion = new NixDeployException("cannot delete " + dir + ": " + e, e);
      if (failure == null) {
        failure = deletion;
      } else {
        failure.addSuppressed(deletion);
      }
    }
    OPEN.remove(this);
    if (failure != null) {
      throw failure;
    }
    LOG.info("halted systemd sandbox hosts of {}", dir);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.warn("stopping systemd sandbox hosts of {} failed", dir, e);
    }
  }

  @Override
  public String toString() {
    return "SystemdHosts" + hosts;
  }
}
