package dev.nixdeploy.sandbox;

/**
 * The accounts of every sandbox host. All of them accept the harness's one client identity over ssh
 * ({@link SandboxHosts#identityFile()}); none accepts a password over ssh.
 *
 * <table>
 *   <caption>What each account may do</caption>
 *   <tr><th>user</th><th>Nix</th><th>sudo</th></tr>
 *   <tr><td>{@link #ROOT}</td><td>opens the store directly</td><td>not needed</td></tr>
 *   <tr><td>{@link #DEPLOY}</td><td>untrusted client of nix-daemon: copied paths need a trusted
 *       signature</td><td>none</td></tr>
 *   <tr><td>{@link #ADMIN}</td><td>untrusted client of nix-daemon</td><td>any command, no password</td></tr>
 *   <tr><td>{@link #OPERATOR}</td><td>untrusted client of nix-daemon</td><td>any command after
 *       {@link #OPERATOR_PASSWORD}, asked every time (no cached credentials)</td></tr>
 * </table>
 */
public final class SandboxUsers {
  /** The superuser, the only member of {@code trusted-users}. */
  public static final String ROOT = "root";
  /** An untrusted user without sudo: what nix-deploy is for. */
  public static final String DEPLOY = "deploy";
  /** A user with passwordless sudo ({@code NOPASSWD: ALL}). */
  public static final String ADMIN = "admin";
  /** A user whose sudo asks for {@link #OPERATOR_PASSWORD}, except for {@code cat} ({@code NOPASSWD}). */
  public static final String OPERATOR = "operator";
  /** The password {@link #OPERATOR}'s sudo asks for, for example with {@code sudo -S}. */
  public static final String OPERATOR_PASSWORD = "operator-sandbox-password";

  private SandboxUsers() {}
}
