package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one host's Nix store trust one public key: reads nix.conf as the login user; if the key is
 * trusted already, changes nothing (and needs no root); else appends one
 * {@code extra-trusted-public-keys} line as root ({@link Scripts#APPEND_LINE}) and restarts the daemon.
 */
final class StoreTrust {
  /** How often to read again when nix.conf changed between reading and locking it. */
  private static final int ATTEMPTS = 5;

  /** What {@link #ensure} did. */
  enum Outcome {
    ALREADY_TRUSTED,
    TRUSTED_AND_RESTARTED
  }

  private final DaemonRestarter restarter;
  private final String confFile;

  StoreTrust(DaemonRestarter restarter, String confFile) {
    this.restarter = restarter;
    this.confFile = confFile;
  }

  /**
   * @throws KeyExchangeException on NixOS (with the configuration line to add), for a malformed
   *     configuration, a key name trusted with other bytes, or a daemon that does not come back
   * @throws dev.nixdeploy.PrivilegeException if a change is needed and the login user cannot become root
   */
  Outcome ensure(Host host, PublicKey key) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ConfSnapshot conf = ConfSnapshot.read(host, confFile);
      if (trusted(host, conf, key)) {
        return Outcome.ALREADY_TRUSTED;
      }
      List<String> argv = new ArrayList<>(List.of("sh", "-c", Scripts.APPEND_LINE, "sh", confFile,
          TrustedKeys.line(key), conf.bytes().isPresent() ? "yes" : "no"));
      argv.addAll(restarter.command(host));
      CommandResult r = host.runAsRoot(Command.of(argv), conf.bytes().orElse(new byte[0]));
      switch (r.exitCode()) {
        case 0:
          restarter.awaitDaemon(host);
          return Outcome.TRUSTED_AND_RESTARTED;
        case Scripts.CHANGED:
          continue;
        case Scripts.READ_ONLY:
          throw nixos(host, key);
        case Scripts.RESTART_FAILED:
          throw new KeyExchangeException(host.name(), "Added '" + TrustedKeys.line(key) + "' to " + confFile
              + " on " + host.name() + ", but restarting the nix-daemon failed: " + r.stderr().strip()
              + ". Restart it by hand (or configure the restart command); until then it does not trust"
              + " the key.");
        default:
          throw new KeyExchangeException(host.name(), "Could not add the trusted key to " + confFile + " on "
              + host.name() + " (exit code " + r.exitCode() + "): " + r.stderr().strip());
      }
    }
    throw new KeyExchangeException(host.name(), confFile + " on " + host.name() + " changed " + ATTEMPTS
        + " times while nix-deploy was about to add a trusted key; is something rewriting it? Try again.");
  }

  /**
   * Looks, as the login user, whether {@code key} needs adding, and fails at once for what root could
   * not fix either, so that nothing changes anywhere before such a failure.
   *
   * @return true if the host trusts the key already
   * @throws KeyExchangeException on NixOS, for a malformed configuration or a key name trusted with
   *     other bytes
   */
  boolean check(Host host, PublicKey key) {
    return trusted(host, ConfSnapshot.read(host, confFile), key);
  }

  private boolean trusted(Host host, ConfSnapshot conf, PublicKey key) {
    TrustedKeys.Decision decision = TrustedKeys.decide(conf.settings(), key);
    switch (decision.status()) {
      case TRUSTED:
        return true;
      case NAME_TAKEN:
        throw new KeyExchangeException(host.name(), host.name() + " already trusts another key named '"
            + key.name() + "' (" + decision.entry().orElse("") + "), and Nix uses the first key of a name,"
            + " so adding " + key + " would not help. Remove the old entry from " + confFile + " (or the"
            + " file that includes it), or use a signing key with another name.");
      case ABSENT:
      default:
        if (conf.storeLink()) {
          throw nixos(host, key);
        }
        return false;
    }
  }

  private KeyExchangeException nixos(Host host, PublicKey key) {
    return new KeyExchangeException(host.name(), confFile + " on " + host.name() + " is a read-only link"
        + " into the Nix store (NixOS), so nix-deploy changed nothing. Add the key to the host's NixOS"
        + " configuration and rebuild it:\n  nix.settings.trusted-public-keys = [ \"" + key + "\" ];");
  }
}
