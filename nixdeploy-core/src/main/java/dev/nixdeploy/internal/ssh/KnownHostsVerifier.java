package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.NixDeployException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks host keys against the known_hosts files OpenSSH would read ({@link KnownHosts}) under a
 * {@link HostKeyPolicy}, and remembers what it refused so the caller can raise a {@link HostKeyException}
 * that names the offered key. The host is always looked up under the target's own known_hosts name
 * ({@code HostKeyAlias}, {@code host} or {@code [host]:port}). Every policy refuses a revoked key, a changed
 * key, and a key of a type the files hold no entry of for a host they know (as OpenSSH 9.2 does under
 * {@code accept-new}; {@code KnownHostsDifferentialIT} holds both to it). Under {@link HostKeyPolicy#ACCEPT_NEW} a host the files do not know at
 * all has its key appended to the first user file, hashed where the configuration or that file hashes.
 */
final class KnownHostsVerifier implements HostKeyRepository {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);
  private static final Object FILE_LOCK = new Object();
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A key this verifier refused.
   *
   * @param reason why
   * @param knownHostsName the name the host was looked up under
   * @param keyType the offered key's type
   * @param fingerprint the offered key's fingerprint
   * @param file the file that decided (the one with the revoking or the other entry), else the first user file
   * @param detail what the files hold, for the message: the entry's place and type, or why nothing applied
   */
  record Refusal(HostKeyException.Reason reason, String knownHostsName, String keyType, String fingerprint,
      Path file, String detail) {}

  private final ResolvedTarget target;
  private volatile KnownHosts known;
  private volatile @Nullable Refusal refusal;

  KnownHostsVerifier(ResolvedTarget target) {
    this.target = target;
    this.known = KnownHosts.load(target.knownHosts().all());
  }

  @Override
  public int check(String ignoredJschName, byte[] key) {
    String name = target.knownHostsName();
    KnownHosts.Verdict verdict = known.check(name, key);
    if (verdict.status() == KnownHosts.Status.UNKNOWN && target.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW) {
      verdict = appendIfStillUnknown(name, key);
    }
    if (verdict.status() == KnownHosts.Status.KNOWN) {
      return OK;
    }
    String type = KnownHosts.blobType(key).orElse("unknown-type");
    String fingerprint = Fingerprints.sha256(key);
    Path file = verdict.entry().map(KnownHosts.Entry::file).orElse(target.knownHostsFile());
    String where = verdict.entry().map(e -> e.where() + " (" + e.keyType() + ")").orElse("");
    switch (verdict.status()) {
      case REVOKED:
        refusal = new Refusal(HostKeyException.Reason.REVOKED, name, type, fingerprint, file, where);
        return NOT_INCLUDED;
      case CHANGED:
        refusal = new Refusal(HostKeyException.Reason.CHANGED, name, type, fingerprint, file, where);
        return CHANGED;
      case CERT_AUTHORITY_ONLY:
        refusal = new Refusal(HostKeyException.Reason.UNKNOWN, name, type, fingerprint, file,
            "only @cert-authority lines match the host, and nix-deploy does not accept host certificates");
        return NOT_INCLUDED;
      default:
        refusal = new Refusal(HostKeyException.Reason.UNKNOWN, name, type, fingerprint, file, "");
        return NOT_INCLUDED;
    }
  }

  /** Appends under a lock, after reading the files again: another connection may have added the host. */
  private KnownHosts.Verdict appendIfStillUnknown(String name, byte[] key) {
    synchronized (FILE_LOCK) {
      known = KnownHosts.load(target.knownHosts().all());
      KnownHosts.Verdict again = known.check(name, key);
      if (again.status() != KnownHosts.Status.UNKNOWN) {
        return again;
      }
      Path file = target.knownHostsFile();
      boolean hashed = target.knownHosts().hashNewEntries() || KnownHosts.load(List.of(file)).anyHashed();
      append(file, KnownHosts.line(name, key, hashed, RANDOM));
      LOG.warn("Added the {} host key {} of {} to {} (new host keys are accepted)", KnownHosts.blobType(key).orElse("?"),
          Fingerprints.sha256(key), target.display(), file);
      known = KnownHosts.load(target.knownHosts().all());
      return known.check(name, key);
    }
  }

  /** @return what this verifier refused last, if anything */
  @Nullable Refusal refusal() {
    return refusal;
  }

  /**
   * @return the exception for a refused key, with a message that says what to do
   */
  static HostKeyException exception(String display, ResolvedTarget target, Refusal r) {
    String file = r.file().toString();
    String offered = "the server offered the " + r.keyType() + " key " + r.fingerprint();
    String message;
    switch (r.reason()) {
      case CHANGED:
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") has CHANGED: " + offered
            + ", but " + file + " holds another key for it" + (r.detail().isEmpty() ? "" : " at " + r.detail())
            + ". Someone may be intercepting the connection, or the host was reinstalled or got a new key type. "
            + "nix-deploy never replaces or adds to the keys of a known host, not even with "
            + "--accept-new-host-key. If the change is legitimate, verify the new fingerprint on the host "
            + "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), remove the old entry with: ssh-keygen -R '"
            + r.knownHostsName() + "' -f " + file + " (or add the new key) and connect again.";
        break;
      case REVOKED:
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") is marked @revoked in "
            + file + (r.detail().isEmpty() ? "" : " at " + r.detail()) + ": " + offered
            + ". Do not connect until the host has a new key.";
        break;
      default:
        // Without its directory (no ~/.ssh yet, say), the >> would fail: make it first.
        Path dir = target.knownHostsFile().toAbsolutePath().getParent();
        String mkdir = dir != null && !Files.isDirectory(dir) ? "mkdir -p -m 700 " + dir + " && " : "";
        message = "REFUSED: the host key of " + display + " (" + r.knownHostsName() + ") is unknown: " + offered
            + ", which is not in " + String.join(", ", target.knownHosts().all().stream().map(Path::toString)
            .toList()) + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")") + ". Verify the fingerprint on the "
            + "host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it with: " + mkdir + "ssh-keyscan -p " + target.port()
            + " -t " + shortType(r.keyType()) + " " + target.hostName() + " >> " + file
            + " -- or connect once with --accept-new-host-key.";
    }
    return new HostKeyException(display, r.reason(), r.keyType(), r.fingerprint(), r.file(), message);
  }

  private static String shortType(String type) {
    if (type.startsWith("ssh-")) {
      return type.substring(4);
    }
    return type.startsWith("ecdsa-") ? "ecdsa" : type;
  }

  private void append(Path file, String entry) {
    String line = entry;
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
      throw new NixDeployException("Cannot add the host key of " + target.display() + " to " + file + ": "
          + e.getMessage() + "; make the file writable or add the key yourself", e);
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

  // The rest is what JSch needs to order host key algorithms.

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
    return target.knownHostsFile().toString();
  }

  /** For JSch's ordering of host key algorithms: the plain keys known for this target. */
  @Override
  public HostKey[] getHostKey() {
    return plainKeys(null);
  }

  @Override
  public HostKey[] getHostKey(String ignoredJschName, @Nullable String type) {
    return plainKeys(type);
  }

  private HostKey[] plainKeys(@Nullable String type) {
    List<HostKey> keys = new ArrayList<>();
    for (KnownHosts.Entry e : known.matching(target.knownHostsName())) {
      if (e.marker() == KnownHosts.Marker.NONE && (type == null || type.equals(e.keyType()))) {
        try {
          keys.add(new HostKey(target.knownHostsName(), HostKey.GUESS, e.key()));
        } catch (JSchException ex) {
          LOG.debug("{}: a key type JSch does not know ({}), not used to order algorithms", e.where(), e.keyType());
        }
      }
    }
    return keys.toArray(new HostKey[0]);
  }
}
