package dev.nixdeploy;

/**
 * The destination refused a path because it carries no signature by a key the destination trusts. This is
 * what a deploy user outside the destination's {@code trusted-users} meets: every path must be signed by a
 * key listed in the destination's {@code trusted-public-keys}. Exchange keys first ({@code ensureKeys()}),
 * then copy with signing enabled.
 */
public class UntrustedSignatureException extends CopyFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the destination host
   * @param path the refused path
   * @param detail what the destination printed
   */
  public UntrustedSignatureException(String host, StorePath path, String detail) {
    super(host, path, host + " refused " + path + " because it lacks a valid signature: " + host
        + " does not trust our signing key. Let nix-deploy exchange keys first (the default; on the command"
        + " line, leave out --noSign), or deploy as a user in the target's trusted-users. The host said: "
        + detail.strip(), null);
  }
}
