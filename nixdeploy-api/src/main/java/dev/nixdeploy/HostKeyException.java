package dev.nixdeploy;

import java.nio.file.Path;

/**
 * nix-deploy refused to talk to a host because its host key could not be trusted. The message names the
 * host, the key the server offered (its type and {@code SHA256:} fingerprint, as {@code ssh-keygen -l}
 * prints it) and the known-hosts file, and says how to proceed.
 */
public class HostKeyException extends ConnectionException {
  private static final long serialVersionUID = 2L;

  /** Why the key was refused. */
  public enum Reason {
    /**
     * The known-hosts files have no key for this host (and the policy is {@link HostKeyPolicy#STRICT}), or
     * know it only through {@code @cert-authority} lines, which nix-deploy does not check.
     */
    UNKNOWN,
    /**
     * The known-hosts files hold other keys for this host (of the offered key's type or another one): a
     * reinstalled host, a new key type, or a man-in-the-middle. Never accepted automatically.
     */
    CHANGED,
    /** The key is marked {@code @revoked} in a known-hosts file, by a line whose pattern matches the host. */
    REVOKED
  }

  private final Reason reason;
  private final String keyType;
  private final String fingerprint;
  private final String knownHostsFile;

  /**
   * @param host the host as the user named it
   * @param reason why the key was refused
   * @param keyType the offered key's type, e.g. {@code ssh-ed25519}
   * @param fingerprint the offered key's fingerprint, e.g. {@code SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8}
   * @param knownHostsFile the known-hosts file that was consulted
   * @param message what went wrong and what to do about it
   */
  public HostKeyException(String host, Reason reason, String keyType, String fingerprint, Path knownHostsFile,
      String message) {
    super(host, message, null);
    this.reason = reason;
    this.keyType = keyType;
    this.fingerprint = fingerprint;
    this.knownHostsFile = knownHostsFile.toString();
  }

  /** @return why the key was refused */
  public Reason reason() {
    return reason;
  }

  /** @return the offered key's type, e.g. {@code ssh-ed25519} */
  public String keyType() {
    return keyType;
  }

  /** @return the offered key's fingerprint in OpenSSH's format, {@code SHA256:} and unpadded base64 */
  public String fingerprint() {
    return fingerprint;
  }

  /** @return the known-hosts file that was consulted */
  public Path knownHostsFile() {
    return Path.of(knownHostsFile);
  }
}
