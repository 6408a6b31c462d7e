package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's own signing key pair in {@code /etc/nix}: generated there by Nix, as root, when missing; only
 * its public key is ever read back, and the host signs with its secret key itself.
 */
final class HostKeyPair {
  /** Paths per {@code nix store sign} call, far below any argument length limit. */
  private static final int SIGN_BATCH = 200;

  /**
   * The host's public key, and whether it was generated now.
   *
   * @param key the public key
   * @param generated true if this call generated the pair
   */
  record Ensured(PublicKey key, boolean generated) {}

  private HostKeyPair() {}

  /**
   * Generates the pair if the secret key file does not exist (checked as the login user first, so an
   * existing pair needs no root), then reads the public key as the login user.
   */
  static Ensured ensure(Host host) {
    boolean generated = false;
    if (!exists(host, KeyLocations.HOST_SECRET_KEY)) {
      String name = KeyLocations.keyName(host.hostname());
      CommandResult r = host.runAsRoot(Command.of("sh", "-c", Scripts.GENERATE_KEY, "sh",
          host.rootProgram("nix-store"), KeyLocations.HOST_SECRET_KEY, KeyLocations.HOST_PUBLIC_KEY, name),
          new byte[0]);
      if (!r.succeeded()) {
        throw new KeyExchangeException(host.name(), "Could not generate a signing key pair in /etc/nix on "
            + host.name() + " (exit code " + r.exitCode() + "): " + r.stderr().strip());
      }
      // Another deployment may have generated it first: then the key read below is that one.
      generated = r.stdout().strip().equals("generated");
    }
    return new Ensured(publicKey(host), generated);
  }

  /** @return whether the host has its secret key file, as the login user sees it */
  static boolean exists(Host host) {
    return exists(host, KeyLocations.HOST_SECRET_KEY);
  }

  private static boolean exists(Host host, String file) {
    return host.run(Command.of("test", "-e", file)).succeeded();
  }

  static PublicKey publicKey(Host host) {
    CommandResult r = host.run(Command.of("cat", "--", KeyLocations.HOST_PUBLIC_KEY));
    if (!r.succeeded()) {
      throw new KeyExchangeException(host.name(), host.name() + " has a secret signing key "
          + KeyLocations.HOST_SECRET_KEY + " but its public key " + KeyLocations.HOST_PUBLIC_KEY
          + " cannot be read (" + r.stderr().strip() + "). Restore the public key (mode 0644), or move the"
          + " secret key away so that a new pair is generated.");
    }
    try {
      return PublicKey.parse(r.stdout());
    } catch (IllegalArgumentException e) {
      throw new KeyExchangeException(host.name(), KeyLocations.HOST_PUBLIC_KEY + " on " + host.name()
          + " is not a Nix public key: " + e.getMessage(), e);
    }
  }

  /**
   * Signs store paths in the host's store with its secret key, as root (the key is root's alone).
   * Paths already signed by the key keep their one signature.
   */
  static void sign(Host host, List<StorePath> paths) {
    if (paths.isEmpty()) {
      return;
    }
    String nix = host.rootProgram("nix");
    for (int from = 0; from < paths.size(); from += SIGN_BATCH) {
      List<String> argv = new ArrayList<>(List.of(nix, "--extra-experimental-features", "nix-command",
          "store", "sign", "-k", KeyLocations.HOST_SECRET_KEY));
      paths.subList(from, Math.min(paths.size(), from + SIGN_BATCH)).forEach(p -> argv.add(p.path()));
      CommandResult r = host.runAsRoot(Command.of(argv), new byte[0]);
      if (!r.succeeded()) {
        throw new KeyExchangeException(host.name(), "Could not sign paths on " + host.name()
            + " with " + KeyLocations.HOST_SECRET_KEY + " (exit code " + r.exitCode() + "): "
            + r.stderr().strip());
      }
    }
  }
}
