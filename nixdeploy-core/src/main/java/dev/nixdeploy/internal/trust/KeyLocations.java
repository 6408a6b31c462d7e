package dev.nixdeploy.internal.trust;

import java.nio.file.Path;
import java.util.Map;

/** Where key exchange keeps keys and finds Nix's configuration. */
final class KeyLocations {
  /** A target's own key pair: the secret never leaves the target. */
  static final String HOST_SECRET_KEY = "/etc/nix/signing-key.sec";
  static final String HOST_PUBLIC_KEY = "/etc/nix/signing-key.pub";
  /** The configuration the nix-daemon reads (Nix's default {@code NIX_CONF_DIR}). */
  static final String NIX_CONF = "/etc/nix/nix.conf";
  /** Beside nix.conf; serializes changes by concurrent deployments. */
  static final String LOCK_NAME = ".nix-deploy.lock";
  /** Suffix of key names: the first generation of a nix-deploy key. */
  static final String NAME_SUFFIX = "-nix-deploy-1";

  private KeyLocations() {}

  /**
   * @param env the environment ({@code XDG_CONFIG_HOME}, {@code HOME})
   * @param userHome the {@code user.home} system property, used without {@code HOME}
   * @return {@code $XDG_CONFIG_HOME/nix-deploy/signing-key.sec}, else
   *     {@code ~/.config/nix-deploy/signing-key.sec}
   */
  static Path defaultSecretKeyFile(Map<String, String> env, String userHome) {
    String xdg = env.get("XDG_CONFIG_HOME");
    // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
    Path config = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", userHome), ".config");
    return config.resolve("nix-deploy").resolve("signing-key.sec");
  }

  /** @return {@code FILE.pub} for {@code FILE.sec}, else the name with {@code .pub} appended */
  static Path publicKeyFileFor(Path secretKeyFile) {
    String name = secretKeyFile.getFileName().toString();
    String base = name.endsWith(".sec") ? name.substring(0, name.length() - 4) : name;
    return secretKeyFile.resolveSibling(base + ".pub");
  }

  /**
   * @param hostname a host name as {@code uname -n} prints it
   * @return {@code HOST-nix-deploy-1}, with every character a key name cannot carry replaced by {@code -}
   */
  static String keyName(String hostname) {
    String host = hostname.strip().replaceAll("[^A-Za-z0-9._+-]", "-");
    return (host.isEmpty() ? "unknown-host" : host) + NAME_SUFFIX;
  }
}
