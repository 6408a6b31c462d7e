package dev.nixdeploy;

/**
 * What to do with a host key that the known-hosts file does not vouch for. A key that differs from the one
 * on file is refused under every policy; there is deliberately no policy that skips the check.
 */
public enum HostKeyPolicy {
  /** Refuse unknown keys (the default, and OpenSSH's {@code StrictHostKeyChecking yes}). */
  STRICT,
  /**
   * Trust an unknown key on first use and append it to the known-hosts file (OpenSSH's
   * {@code StrictHostKeyChecking accept-new}); still refuse a changed key.
   */
  ACCEPT_NEW
}
