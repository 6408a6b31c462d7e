package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.NixDeployException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks host keys against one known_hosts file (plain, hashed and {@code [host]:port} entries, parsed by
 * JSch) under a {@link HostKeyPolicy}, and remembers what it refused so the caller can raise a
 * {@link HostKeyException} that names the offered key. Under {@link HostKeyPolicy#ACCEPT_NEW} an unknown
 * key is appended to the file; a changed key is refused under every policy.
 */
final class KnownHostsVerifier implements HostKeyRepository {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);
  private static final Object FILE_LOCK = new Object();

  /** A key this verifier refused. */
  record Refusal(HostKeyException.Reason reason, String knownHostsName, String keyType, String fingerprint) {}

  private final HostKeyRepository known;
  private final Path file;
  private final HostKeyPolicy policy;
  private final String display;
  private volatile @Nullable Refusal refusal;

  KnownHostsVerifier(JSch jsch, Path file, HostKeyPolicy policy, String display) {
    this.file = file;
    this.policy = policy;
    this.display = display;
    try (InputStream in = Files.exists(file) ? Files.newInputStream(file) : new ByteArrayInputStream(new byte[0])) {
      jsch.setKnownHosts(in);
    } catch (IOException | JSchException e) {
      throw new NixDeployException("Cannot read the known-hosts file " + file + ": " + e.getMessage(), e);
    }
    this.known = jsch.getHostKeyRepository();
  }

  @Override
  public int check(String host, byte[] key) {
    int result = known.check(host, key);
    if (result == OK) {
      return OK;
    }
    String type = typeOf(host, key);
    String fingerprint = Fingerprints.sha256(key);
    if (result == NOT_INCLUDED && policy == HostKeyPolicy.ACCEPT_NEW) {
      append(host, type, key);
      LOG.warn("Added the {} host key {} of {} to {} (accepting new host keys)", type, fingerprint, display, file);
      return OK;
    }
    refusal = new Refusal(result == CHANGED ? HostKeyException.Reason.CHANGED : HostKeyException.Reason.UNKNOWN,
        host, type, fingerprint);
    return result;
  }

  /** @return what this verifier refused last, if anything */
  @Nullable Refusal refusal() {
    return refusal;
  }

  /**
   * @return the exception for a refused key, with a message that says what to do
   */
  static HostKeyException exception(String display, ResolvedTarget target, Refusal r) {
    String file = target.knownHostsFile().toString();
    String offered = "the server offered the " + r.keyType() + " key " + r.fingerprint();
    String message;
    switch (r.reason()) {
      case CHANGED:
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") has CHANGED: " + offered
            + ", but " + file + " holds a different " + r.keyType() + " key for it. Someone may be intercepting "
            + "the connection, or the host was reinstalled. nix-deploy never replaces a known key, not even "
            + "with --accept-new-host-key. If the change is legitimate, verify the new fingerprint on the host "
            + "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), remove the old entry with: ssh-keygen -R '"
            + r.knownHostsName() + "' -f " + file + " and connect again.";
        break;
      case REVOKED:
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") is marked @revoked in "
            + file + ": " + offered + ". Do not connect until the host has a new key.";
        break;
      default:
        // Without its directory (no ~/.ssh yet, say), the >> would fail: make it first.
        Path dir = target.knownHostsFile().toAbsolutePath().getParent();
        String mkdir = dir != null && !Files.isDirectory(dir) ? "mkdir -p -m 700 " + dir + " && " : "";
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") is unknown: " + offered
            + ", which is not in " + file + ". Verify the fingerprint on the host (ssh-keygen -lf "
            + "/etc/ssh/ssh_host_*_key.pub), then add it with: " + mkdir + "ssh-keyscan -p " + target.port()
            + " -t " + shortType(r.keyType()) + " " + target.hostName() + " >> " + file
            + " -- or connect once with --accept-new-host-key.";
    }
    return new HostKeyException(display, r.reason(), r.keyType(), r.fingerprint(), target.knownHostsFile(),
        message);
  }

  private static String shortType(String type) {
    if (type.startsWith("ssh-")) {
      return type.substring(4);
    }
    return type.startsWith("ecdsa-") ? "ecdsa" : type;
  }

  private static String typeOf(String host, byte[] key) {
    try {
      return new HostKey(host, HostKey.GUESS, key).getType();
    } catch (JSchException e) {
      return "unknown-type";
    }
  }

  private void append(String host, String type, byte[] key) {
    String line = host + " " + type + " " + Base64.getEncoder().encodeToString(key) + "\n";
    synchronized (FILE_LOCK) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
          Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.exists(file)) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else if (Files.size(file) > 0 && lastByte(file) != '\n') {
          line = "\n" + line;
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new NixDeployException("Cannot add the host key of " + display + " to " + file + ": "
            + e.getMessage() + "; make the file writable or add the key yourself", e);
      }
    }
  }

  private static int lastByte(Path file) throws IOException {
    try (var ch = Files.newByteChannel(file)) {
      ch.position(ch.size() - 1);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b);
      return b.get(0);
    }
  }

  // The rest is what JSch needs to order host key algorithms and to look for @revoked entries.

  @Override
  public void add(HostKey hostkey, UserInfo ui) {
    // Never reached: sessions run with StrictHostKeyChecking=yes, and ACCEPT_NEW is handled in check().
    throw new UnsupportedOperationException("Host keys are only added by the host-key policy");
  }

  @Override
  public void remove(String host, String type) {
    throw new UnsupportedOperationException("nix-deploy never removes known host keys");
  }

  @Override
  public void remove(String host, String type, byte[] key) {
    throw new UnsupportedOperationException("nix-deploy never removes known host keys");
  }

  @Override
  public String getKnownHostsRepositoryID() {
    return file.toString();
  }

  @Override
  public HostKey[] getHostKey() {
    return known.getHostKey();
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    return known.getHostKey(host, type);
  }
}
