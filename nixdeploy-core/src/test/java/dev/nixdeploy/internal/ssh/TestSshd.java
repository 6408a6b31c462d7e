package dev.nixdeploy.internal.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway OpenSSH server on 127.0.0.1 for the transport's integration tests: its own host key,
 * configuration, authorized keys and a free port; runs in the foreground ({@code -D}) so that
 * {@link #close()} stops it by its own PID. Logs in as the user running the tests (root here).
 */
final class TestSshd implements AutoCloseable {
  final Path dir;
  final int port;
  final Path hostKey;
  final Path authorizedKeys;
  final Path log;
  private final Process process;

  private TestSshd(Path dir, int port, Path hostKey, Path authorizedKeys, Path log, Process process) {
    this.dir = dir;
    this.port = port;
    this.hostKey = hostKey;
    this.authorizedKeys = authorizedKeys;
    this.log = log;
    this.process = process;
  }

  /** Starts a server whose host key is {@code hostKey} (generated if missing) in {@code dir}. */
  static TestSshd start(Path dir, Path hostKey) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    if (!Files.exists(hostKey)) {
      keygen(hostKey, "ed25519", "");
    }
    Path authorized = dir.resolve("authorized_keys");
    if (!Files.exists(authorized)) {
      Files.createFile(authorized);
    }
    // sshd needs its privilege separation directory.
    Files.createDirectories(Path.of("/run/sshd"));
    int port = freePort();
    Path config = dir.resolve("sshd_config");
    Path log = dir.resolve("sshd.log");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile none",
        "AuthorizedKeysFile " + authorized,
        "StrictModes no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PermitRootLogin yes",
        "MaxSessions 32",
        "MaxStartups 32",
        "LogLevel VERBOSE",
        ""), StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TestSshd sshd = new TestSshd(dir, port, hostKey, authorized, log, p);
    sshd.awaitListening();
    return sshd;
  }

  private void awaitListening() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("sshd exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    close();
    throw new IOException("sshd did not listen on " + port + ": " + Files.readString(log));
  }

  /** Generates a key pair; returns the private key file. */
  static Path keygen(Path file, String type, String passphrase) throws IOException, InterruptedException {
    Files.createDirectories(file.getParent());
    run("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "nixdeploy-test", "-f", file.toString());
    return file;
  }

  /** Lets {@code privateKey} log in. */
  void authorize(Path privateKey) throws IOException {
    Files.writeString(authorizedKeys, Files.readString(Path.of(privateKey + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** @return the host's known_hosts line, for {@code [127.0.0.1]:port} */
  String knownHostsLine() throws IOException {
    String[] pub = Files.readString(Path.of(hostKey + ".pub")).trim().split(" ");
    return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
  }

  /** @return the host key's fingerprint as {@code ssh-keygen -l} prints it */
  String fingerprint() throws IOException, InterruptedException {
    return run("ssh-keygen", "-l", "-f", hostKey + ".pub").split(" ")[1];
  }

  /** @return the per-connection sshd processes: one per client session */
  List<ProcessHandle> connections() {
    return new ArrayList<>(process.toHandle().children().toList());
  }

  /** Kills every per-connection sshd, by PID: the clients see their connection drop. */
  void dropConnections() {
    for (ProcessHandle connection : connections()) {
      connection.descendants().forEach(ProcessHandle::destroyForcibly);
      connection.destroyForcibly();
    }
  }

  static String run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out);
    }
    return out;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    dropConnections();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
