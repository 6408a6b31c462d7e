package dev.nixdeploy;

import java.util.Collection;
import java.util.List;

/**
 * A deployment held open for longer-lived use: one SSH session to one host, on which the steps of a
 * {@link Deployment} can be run one at a time, in any order and as often as needed, with your own
 * commands in between. Close it to end the SSH session; every step after that throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (DeploymentSession web = deployer.deployTo("admin@web-1").open()) {
 *   web.ensureKeys();
 *   web.copy(app);
 *   web.transport().run(Command.of("systemctl", "is-active", "nginx")).orThrow(web.transport().host());
 *   web.activate(system, ActivationOptions.defaults());
 * }
 * }</pre>
 *
 * <p>The steps behave exactly as the same steps of a plan run by {@link Deployment#deploy()} or
 * {@link Deployment#activate()}. A session is not thread-safe: run one step at a time.
 */
public interface DeploymentSession extends AutoCloseable {
  /** @return the remote host */
  Target host();

  /** @return whether paths go to the host or come from it */
  Direction direction();

  /**
   * @return the SSH connection to the host, to run commands of your own on it (the session closes it;
   *     do not close it yourself)
   */
  Transport transport();

  /**
   * As {@link Deployment#ensureKeys()}: generates missing key pairs and makes the receiving store trust
   * the sender's key. For {@link Direction#FROM}, later copies in this session have the host sign what
   * they pull.
   *
   * @return what was changed
   */
  KeyExchangeResult ensureKeys();

  /**
   * Works out what {@link #ensureKeys()} would change, as the login users and changing nothing: which
   * key pairs it would generate, and whether the receiving store would be made to trust the sender's key.
   *
   * @return the changes it would make
   * @throws KeyExchangeException where {@code ensureKeys} would fail before changing anything (e.g. a
   *     NixOS host whose configuration must trust the key)
   */
  KeyPreview previewKeys();

  /**
   * Copies the closures of {@code roots}: only what the receiving store lacks, signed unless the
   * deployer says {@code noSign()}.
   *
   * @param roots store paths on the sending side
   * @return what was sent
   */
  CopyResult copy(Collection<StorePath> roots);

  /**
   * @param roots store paths on the sending side
   * @return what was sent
   */
  default CopyResult copy(StorePath... roots) {
    return copy(List.of(roots));
  }

  /**
   * Works out what {@link #copy(Collection)} would send, and sends and changes nothing: the closure in
   * the sending store and the paths of it that the receiving store lacks (asked as {@code copy} asks,
   * without substitutes).
   *
   * @param roots store paths on the sending side
   * @return the closure and what is missing
   */
  CopyPreview previewCopy(Collection<StorePath> roots);

  /**
   * The closure of paths the receiving store holds, e.g. of the system a host runs now, to compare it
   * with what is about to be deployed. Changes nothing.
   *
   * @param roots store paths valid in the receiving store (the host's for {@link Direction#TO})
   * @return their closure there, with each path's info
   * @throws NixDeployException if a root is not valid in the receiving store
   */
  Closure receiverClosure(Collection<StorePath> roots);

  /**
   * As {@link Deployment#profile(String, String, RunAs)}: points a profile on the receiving side at a
   * path already there.
   *
   * @param path the store path
   * @param name the profile name
   * @param directory the absolute directory of the profile
   * @param runAs who sets it: the login user where it may write the directory, or root in any case
   * @return the profile and its generations
   */
  ProfileUpdate setProfile(StorePath path, String name, String directory, RunAs runAs);

  /**
   * As {@link Deployment#activate(ActivationOptions)}: activates a system closure already on the
   * receiving side.
   *
   * @param system the system closure
   * @param options the action and the safety nets
   * @return what the activation did
   * @throws ActivationException if it failed; the result says whether the host rolled back
   */
  ActivationResult activate(StorePath system, ActivationOptions options);

  /** Ends the SSH session and forgets any sudo password given during it. Idempotent. */
  @Override
  void close();
}
