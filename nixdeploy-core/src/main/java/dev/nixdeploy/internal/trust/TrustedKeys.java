package dev.nixdeploy.internal.trust;

import dev.nixdeploy.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public keys a Nix configuration trusts, by Nix's rules: the list starts with the default
 * ({@value #DEFAULT}); {@code trusted-public-keys} (old name {@code binary-cache-public-keys}) replaces
 * it, the {@code extra-} form of either appends, in the order the settings come. When several entries
 * have one name, the first wins ({@code getDefaultPublicKeys} in {@code src/libstore/globals.cc} fills a
 * map with {@code emplace}).
 */
final class TrustedKeys {
  /** What Nix trusts when nothing is configured. */
  static final String DEFAULT = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";

  /** How a configuration stands towards one key. */
  enum Status {
    /** The key is trusted. */
    TRUSTED,
    /** No trusted entry has the key's name: appending an {@code extra-} line makes it trusted. */
    ABSENT,
    /** An earlier entry with the key's name has other bytes (or is malformed): it wins over any line added. */
    NAME_TAKEN
  }

  /**
   * @param status how the configuration stands
   * @param entry the entry with the key's name, if any, as written in the configuration
   */
  record Decision(Status status, Optional<String> entry) {}

  private TrustedKeys() {}

  /**
   * @param settings the configuration, in the order Nix applies it
   * @return the trusted key entries, in order, as written
   */
  static List<String> effective(List<NixConf.Setting> settings) {
    List<String> keys = new ArrayList<>(List.of(DEFAULT));
    for (NixConf.Setting s : settings) {
      if (NixConf.TRUSTED_KEYS_NAMES.contains(s.name())) {
        keys.clear();
        keys.addAll(s.words());
      } else if (s.name().startsWith("extra-")
          && NixConf.TRUSTED_KEYS_NAMES.contains(s.name().substring("extra-".length()))) {
        keys.addAll(s.words());
      }
    }
    return keys;
  }

  /**
   * @param settings the configuration, in the order Nix applies it
   * @param key the key to look for
   * @return whether the configuration trusts it, and if not whether a line can be added
   */
  static Decision decide(List<NixConf.Setting> settings, PublicKey key) {
    for (String entry : effective(settings)) {
      int colon = entry.indexOf(':');
      String name = colon < 0 ? entry : entry.substring(0, colon);
      if (!name.equals(key.name())) {
        continue;
      }
      // The first entry of this name is the one Nix uses.
      return new Decision(matches(entry, key) ? Status.TRUSTED : Status.NAME_TAKEN, Optional.of(entry));
    }
    return new Decision(Status.ABSENT, Optional.empty());
  }

  private static boolean matches(String entry, PublicKey key) {
    try {
      return PublicKey.parse(entry).equals(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** @return the one line nix-deploy adds to trust {@code key}: never a plain {@code trusted-public-keys} */
  static String line(PublicKey key) {
    return "extra-trusted-public-keys = " + key;
  }
}
