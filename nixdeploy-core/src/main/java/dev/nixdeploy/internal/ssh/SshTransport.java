package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.Session;
import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.Command;
import dev.nixdeploy.ConnectionException;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Transport;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over one JSch session: every command runs on its own exec channel of that session,
 * several at once if callers like. Thread-safe. Closing it closes every channel, then the session.
 */
final class SshTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(SshTransport.class);

  private final ResolvedTarget target;
  private final Session session;
  private final Set<SshRemoteProcess> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger channelsOpened = new AtomicInteger();
  private volatile boolean closed;

  private SshTransport(ResolvedTarget target, Session session) {
    this.target = target;
    this.session = session;
  }

  /** Opens the session: resolves nothing, the target comes resolved. */
  static SshTransport connect(ResolvedTarget target, SshSettings settings) {
    JschSlf4jLogger logger = new JschSlf4jLogger(target.display());
    JSch jsch = new JSch();
    jsch.setInstanceLogger(logger);
    KnownHostsVerifier verifier = new KnownHostsVerifier(target);
    Credentials credentials = Credentials.load(jsch, target, settings.passphraseSource());
    Session session;
    try {
      session = jsch.getSession(target.user(), target.hostName(), target.port());
    } catch (JSchException e) {
      throw new ConnectionException(target.display(), "Cannot set up a session for " + target.display() + ": "
          + e.getMessage(), e);
    }
    session.setLogger(logger);
    session.setIdentityRepository(credentials.repository());
    session.setHostKeyRepository(verifier);
    session.setConfig("StrictHostKeyChecking", "yes");
    session.setConfig("HashKnownHosts", "no");
    // Host certificates are not checked: ask for plain host keys only (KnownHostsVerifier says so).
    session.setConfig("server_host_key", plainHostKeyAlgorithms());
    session.setConfig("host_certificate_to_key_fallback", "no");
    session.setConfig("PreferredAuthentications", "publickey");
    // JSch tries out every key exchange of CheckKexes before it proposes them, one X25519 key pair each,
    // slow in a cold JVM. The curve25519 ones are always there on Java 17; only the post-quantum hybrid
    // needs a check (Java 24 or Bouncy Castle), and it is still proposed first wherever it works.
    session.setConfig("CheckKexes", "mlkem768x25519-sha256");
    session.setDaemonThread(true);
    try {
      if (!target.serverAliveInterval().isZero()) {
        session.setServerAliveInterval((int) target.serverAliveInterval().toMillis());
        session.setServerAliveCountMax(target.serverAliveCountMax());
      }
      LOG.debug("Connecting to {} as {} ({}:{}), offering {}", target.display(), target.user(),
          target.hostName(), target.port(), credentials.attempted());
      session.connect((int) target.connectTimeout().toMillis());
    } catch (JSchException e) {
      session.disconnect();
      throw translate(target, verifier, credentials.attempted(), session, e);
    }
    LOG.info("Connected to {} as {} ({}:{}, {})", target.display(), target.user(), target.hostName(),
        target.port(), session.getServerVersion());
    return new SshTransport(target, session);
  }

  private static ConnectionException translate(ResolvedTarget target, KnownHostsVerifier verifier,
      List<String> attempted, Session session, JSchException e) {
    KnownHostsVerifier.Refusal refusal = verifier.refusal();
    if (refusal != null) {
      return KnownHostsVerifier.exception(target.display(), target, refusal);
    }
    if (e instanceof JSchHostKeyException) {
      return new ConnectionException(target.display(), "The host key of " + target.display()
          + " was refused: " + e.getMessage(), e);
    }
    String m = String.valueOf(e.getMessage());
    if (m.startsWith("Auth") || m.contains("Auth fail") || m.contains("Auth cancel")) {
      return new AuthenticationException(target.display(), target.user(), attempted, "The host "
          + target.display() + " (" + target.hostName() + ":" + target.port() + ") accepted none of the keys "
          + "offered for user " + target.user() + "; tried: " + (attempted.isEmpty() ? "nothing (no identity "
          + "file, no ssh-agent)" : String.join(", ", attempted)) + ". Check the user, add the public key to "
          + "~" + target.user() + "/.ssh/authorized_keys on the host, or name the key with --identity.", e);
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof UnknownHostException) {
      return new ConnectionException(target.display(), "Cannot connect to " + target.display() + ": the host"
          + " name " + target.hostName() + " does not resolve (no DNS or /etc/hosts entry). Check its"
          + " spelling, or the HostName of " + target.display() + " in your ssh configuration.", e);
    }
    return new ConnectionException(target.display(), "Cannot connect to " + target.display() + " ("
        + target.hostName() + ":" + target.port() + "): " + cause.getMessage()
        + ". Check that the host is up, that sshd listens on port " + target.port()
        + ", and the HostName/Port in your ssh configuration.", e);
  }

  /** @return JSch's host key algorithms without the certificate ones */
  static String plainHostKeyAlgorithms() {
    return java.util.Arrays.stream(JSch.getConfig("server_host_key").split(","))
        .filter(a -> !a.contains("-cert-")).collect(java.util.stream.Collectors.joining(","));
  }

  @Override
  public String host() {
    return target.display();
  }

  @Override
  public RemoteProcess start(Command command) {
    if (closed) {
      throw new IllegalStateException("The transport to " + target.display() + " is closed");
    }
    if (!session.isConnected()) {
      throw lost("starting " + command);
    }
    ChannelExec channel;
    try {
      channel = (ChannelExec) session.openChannel("exec");
    } catch (JSchException e) {
      throw session.isConnected() ? new NixDeployException("Cannot open a channel to " + target.display()
          + " for " + command + ": " + e.getMessage(), e) : lost("starting " + command);
    }
    channel.setCommand(command.toShellString().getBytes(StandardCharsets.UTF_8));
    try {
      SshRemoteProcess process = new SshRemoteProcess(this, command, channel);
      channel.connect((int) target.connectTimeout().toMillis());
      channelsOpened.incrementAndGet();
      running.add(process);
      LOG.debug("Started on {}: {}", target.display(), command);
      return process;
    } catch (JSchException | IOException e) {
      channel.disconnect();
      if (!session.isConnected()) {
        throw lost("starting " + command);
      }
      throw new NixDeployException("Cannot start " + command + " on " + target.display() + ": "
          + e.getMessage(), e);
    }
  }

  ConnectionLostException lost(String doing) {
    return new ConnectionLostException(target.display(), "Lost the connection to " + target.display() + " ("
        + target.hostName() + ":" + target.port() + ") while " + doing + ". The host may be down or "
        + "rebooting, or the network dropped; check it, then run the deployment again.", null);
  }

  boolean sessionAlive() {
    return session.isConnected();
  }

  void finished(SshRemoteProcess process) {
    running.remove(process);
  }

  /** @return how many exec channels this transport has opened, for tests and diagnostics */
  int channelsOpened() {
    return channelsOpened.get();
  }

  /** @return how many commands are running now */
  int channelsRunning() {
    return running.size();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SshRemoteProcess process : List.copyOf(running)) {
      process.close();
    }
    session.disconnect();
    LOG.debug("Disconnected from {}", target.display());
  }

  @Override
  public String toString() {
    return "SshTransport{" + target.display() + "}";
  }
}
