package dev.nixdeploy.internal.trust;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
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
  /** Between the host name and the unique part of a generated key's name. */
  static final String NAME_INFIX = "-nix-deploy-";
  private static final SecureRandom RANDOM = new SecureRandom();

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
   * A name for a newly generated key that no other key has: Nix keeps one key per name, so two keys of
   * one name (a second key file, a lost {@code ~/.config}, two deployers with the same host name) would
   * end in a host that trusts only the first.
   *
   * @param hostname a host name as {@code uname -n} prints it
   * @return {@code HOST-nix-deploy-XXXXXXXX}: every character a key name cannot carry replaced by
   *     {@code -}, then 8 random hexadecimal digits
   */
  static String keyName(String hostname) {
    String host = hostname.strip().replaceAll("[^A-Za-z0-9._+-]", "-");
    return (host.isEmpty() ? "unknown-host" : host) + NAME_INFIX
        + String.format(Locale.ROOT, "%08x", RANDOM.nextInt());
  }
}
