package dev.nixdeploy.core.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import java.util.List;
import java.util.Optional;

/**
 * A host's nix.conf as its login user reads it ({@code /etc/nix} is world-readable, so no sudo is
 * needed): the top file's exact text, whether it is a link into the Nix store (NixOS), and every
 * setting with includes expanded.
 *
 * @param file the top file
 * @param text its text, or empty if it does not exist
 * @param storeLink whether it resolves into {@code /nix/store}, i.e. is read-only
 * @param settings its settings, in the order Nix applies them
 */
record ConfSnapshot(String file, Optional<String> text, boolean storeLink, List<NixConf.Setting> settings) {
  private static final int MISSING = 3;
  private static final String READ = "if [ -e \"$1\" ]; then exec cat -- \"$1\"; else exit 3; fi";

  /**
   * @throws KeyExchangeException if a file cannot be read or the configuration is malformed
   */
  static ConfSnapshot read(Host host, String file) {
    NixConf.Source source = path -> readFile(host, path);
    Optional<String> text = source.read(file);
    boolean storeLink = false;
    if (text.isPresent()) {
      CommandResult link = host.run(Command.of("readlink", "-f", file));
      storeLink = link.succeeded() && link.stdout().strip().startsWith("/nix/store/");
    }
    try {
      List<NixConf.Setting> settings = text.isEmpty() ? List.of()
          : NixConf.settings(file, text.get(), source);
      return new ConfSnapshot(file, text, storeLink, settings);
    } catch (IllegalArgumentException e) {
      throw new KeyExchangeException(host.name(), "The Nix configuration on " + host.name()
          + " cannot be read as Nix reads it, so nix-deploy changes nothing: " + e.getMessage(), e);
    }
  }

  private static Optional<String> readFile(Host host, String path) {
    CommandResult r = host.run(Command.of("sh", "-c", READ, "sh", path));
    if (r.exitCode() == MISSING) {
      return Optional.empty();
    }
    if (!r.succeeded()) {
      throw new KeyExchangeException(host.name(), "Cannot read " + path + " on " + host.name()
          + " as the login user: " + r.stderr().strip() + ". Nix's configuration files must be readable"
          + " by everyone (chmod 644 " + path + ").");
    }
    return Optional.of(r.stdout());
  }
}
