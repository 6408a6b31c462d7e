package dev.nixdeploy.core.deploy;

import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.SigningKeyException;
import dev.nixdeploy.SigningKeyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Which local key signs: the one given, the one in the given file, or the one at the default place. */
final class LocalSigningKey {
  private LocalSigningKey() {}

  static SigningKeyPair resolve(DeployerSettings settings) {
    if (settings.signingKey().isPresent()) {
      return settings.signingKey().get();
    }
    Path file = settings.signingKeyFile().orElseGet(() -> defaultFile(System.getenv()));
    if (!Files.exists(file)) {
      throw new SigningKeyException(file, "No local signing key at " + file + ": create one with"
          + " 'nix-deploy keys generate --name NAME --secret-key " + file + " --public-key "
          + publicFileFor(file) + "', give another with --signing-key,"
          + " or send unsigned paths with --noSign (only root targets accept those)");
    }
    return SigningKeyPair.load(file);
  }

  /** {@code signing-key.sec} → {@code signing-key.pub}; any other name gets {@code .pub} appended. */
  static Path publicFileFor(Path secretFile) {
    String name = secretFile.getFileName().toString();
    String base = name.endsWith(".sec") ? name.substring(0, name.length() - 4) : name;
    return secretFile.resolveSibling(base + ".pub");
  }

  /** {@code $XDG_CONFIG_HOME/nix-deploy/signing-key.sec}, else {@code ~/.config/nix-deploy/…}. */
  static Path defaultFile(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".config");
    return config.resolve("nix-deploy").resolve("signing-key.sec");
  }
}
