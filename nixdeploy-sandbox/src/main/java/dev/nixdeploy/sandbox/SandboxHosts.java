package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SshSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of throwaway Nix hosts on this machine, reachable over ssh on 127.0.0.1, for integration tests.
 * Each {@link SandboxHost} has its own store, nix-daemon, sshd, users ({@link SandboxUsers}) and
 * {@code /etc/NIXOS}; nothing of this machine's {@code /etc} or store changes. Needs Linux, root, Nix,
 * OpenSSH's sshd, sudo and util-linux ({@code unshare}, {@code nsenter}, {@code setpriv}).
 *
 * <pre>{@code
 * try (SandboxHosts hosts = SandboxHosts.start(2)) {
 *   SandboxHost host = hosts.host(0);
 *   LocalCommand.of("nix-copy-closure", "--to", host.destination(SandboxUsers.ROOT), path.path())
 *       .withEnv("NIX_SSHOPTS", hosts.sshOptions())
 *       .run().orThrow();
 *   assertThat(host.isValid(path)).isTrue();
 * }
 * }</pre>
 *
 * <p>In JUnit 5 tests, {@link SandboxTest @SandboxTest} starts them once per test class and injects them.
 *
 * <p>Every process of a host lives in the host's pid namespace and is stopped by {@link #close()}, by a
 * shutdown hook if this JVM exits without closing, and by the kernel if this JVM is killed. Several
 * instances may run at once, in one JVM or several. Thread-safe.
 */
public final class SandboxHosts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxHosts.class);
  private static final Set<SandboxHosts> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(SandboxHosts::closeQuietly),
        "sandbox-hosts-shutdown"));
  }

  private final Path root;
  private final List<SandboxHost> hosts = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private SandboxHosts(Path root) {
    this.root = root;
  }

  /**
   * Starts hosts on this machine's Nix, side by side, and returns once each one's nix-daemon and sshd answer.
   *
   * @param count how many hosts, at least 1
   * @return the running hosts, {@code sandbox-0} to {@code sandbox-(count-1)}
   * @throws IllegalArgumentException if {@code count} is less than 1
   * @throws NixDeployException if this machine lacks a prerequisite (the message lists them) or a host
   *     fails to start; hosts already started are then stopped
   */
  public static SandboxHosts start(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    return start(Collections.nCopies(count, SandboxNix.MACHINE));
  }

  /**
   * Starts one host per element, each on that Nix, side by side, and returns once each one's nix-daemon and
   * sshd answer. A host on a Debian root needs that root built ({@code scripts/sandbox-roots}).
   *
   * @param nixes the Nix of {@code sandbox-0}, {@code sandbox-1}, …; at least one
   * @return the running hosts
   * @throws IllegalArgumentException if {@code nixes} is empty
   * @throws NixDeployException if this machine lacks a prerequisite or a root (the message says what to
   *     do) or a host fails to start; hosts already started are then stopped
   */
  public static SandboxHosts start(List<SandboxNix> nixes) {
    if (nixes.isEmpty()) {
      throw new IllegalArgumentException("nixes must name at least one host");
    }
    Path root = createRoot();
    SandboxHosts sandbox = new SandboxHosts(root);
    OPEN.add(sandbox);
    try {
      sandbox.startHosts(List.copyOf(nixes));
    } catch (IOException e) {
      sandbox.closeQuietly();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      sandbox.closeQuietly();
      throw e;
    }
    return sandbox;
  }

  private static Path createRoot() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<String> missing = Prerequisites.missing(tmp);
    if (!missing.isEmpty()) {
      throw new NixDeployException("Sandbox hosts cannot run on this machine; missing: "
          + String.join(", ", missing) + ". As root, scripts/install-prerequisites installs what is needed.");
    }
    try {
      return Files.createTempDirectory(tmp, "nixdeploy-sandbox-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startHosts(List<SandboxNix> nixes) throws IOException {
    Path client = Files.createDirectory(root.resolve("client"));
    String clientKey = SshKeys.generate(identityFile(), "nixdeploy-sandbox-client");
    for (int i = 0; i < nixes.size(); i++) {
      String alias = "sandbox-" + i;
      hosts.add(SandboxHost.prepare(alias, root.resolve(alias), sshConfig(), clientKey, nixes.get(i)));
    }
    // The namespaces set themselves up in parallel.
    hosts.forEach(SandboxHost::launch);
    hosts.forEach(SandboxHost::awaitReady);
    StringBuilder knownHosts = new StringBuilder();
    StringBuilder config = new StringBuilder();
    for (SandboxHost host : hosts) {
      knownHosts.append(HostConfigs.knownHostsLine(host.address(), host.sshPort(), host.hostPublicKey()));
      config.append(HostConfigs.sshConfigBlock(host.alias(), host.address(), host.sshPort(), identityFile(),
          knownHostsFile()));
    }
    Files.writeString(knownHostsFile(), knownHosts);
    Files.writeString(sshConfig(), config);
    Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
    LOG.info("started sandbox host(s) {} in {}", nixes, root);
  }

  /** @return all hosts, in index order */
  public List<SandboxHost> hosts() {
    return List.copyOf(hosts);
  }

  /**
   * @param index from 0
   * @return the host with that index, alias {@code sandbox-<index>}
   * @throws IndexOutOfBoundsException if there is no such host
   */
  public SandboxHost host(int index) {
    return hosts.get(index);
  }

  /**
   * @return the ed25519 private key (no passphrase, mode 0600) that every user of every host accepts;
   *     its public key is beside it, with {@code .pub} appended
   */
  public Path identityFile() {
    return root.resolve("client/id_ed25519");
  }

  /** @return a known_hosts file with each host's key under {@code [127.0.0.1]:port} */
  public Path knownHostsFile() {
    return root.resolve("client/known_hosts");
  }

  /**
   * The OpenSSH client configuration of the hosts: one {@code Host} block per alias with its
   * {@code HostName}, {@code Port}, {@code IdentityFile} ({@code IdentitiesOnly yes}),
   * {@code UserKnownHostsFile} ({@code StrictHostKeyChecking yes}) and {@code BatchMode yes}.
   *
   * @return the file, for {@code ssh -F}
   */
  public Path sshConfig() {
    return root.resolve("client/ssh_config");
  }

  /**
   * @return ssh options that select {@link #sshConfig()}, for {@code NIX_SSHOPTS}:
   *     {@code -F <sshConfig>}
   */
  public String sshOptions() {
    return "-F " + sshConfig();
  }

  /**
   * How nix-deploy reaches these hosts: {@link #sshConfig()}, {@link #identityFile()},
   * {@link #knownHostsFile()} (strict checking), and no ssh agent, so that a developer's agent keys play
   * no part. Deploy to {@code host.destination(user)} with them.
   *
   * @return settings for {@code Deployer.builder().ssh(…)} or {@code SshTransports.connect}
   */
  public SshSettings sshSettings() {
    return SshSettings.builder().sshConfigFile(sshConfig()).identityFile(identityFile())
        .knownHostsFile(knownHostsFile()).useAgent(false).build();
  }

  /** The directory holding everything of these hosts, for tests of the harness. */
  Path root() {
    return root;
  }

  /**
   * Stops every process of every host (by pid, waiting until they are gone), which also removes their
   * mounts, then deletes their files. Idempotent.
   *
   * @throws NixDeployException if a process outlived its host or a file could not be deleted
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    NixDeployException failure = null;
    for (SandboxHost host : hosts) {
      try {
        host.stop();
      } catch (NixDeployException e) {
        failure = addTo(failure, e);
      }
    }
    try {
      deleteTree(root);
    } catch (IOException e) {
      failure = addTo(failure, new NixDeployException("cannot delete " + root + ": " + e, e));
    }
    OPEN.remove(this);
    if (failure != null) {
      throw failure;
    }
    LOG.info("stopped sandbox hosts of {}", root);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.warn("stopping sandbox hosts of {} failed", root, e);
    }
  }

  private static NixDeployException addTo(NixDeployException first, NixDeployException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** Deletes a directory and everything below it, if it exists. */
  static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top)) {
      return;
    }
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  @Override
  public String toString() {
    return "SandboxHosts" + hosts;
  }
}
