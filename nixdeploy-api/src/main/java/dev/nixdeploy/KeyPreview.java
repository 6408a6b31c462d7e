package dev.nixdeploy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link DeploymentSession#ensureKeys()} would change, worked out as the login users without
 * changing anything (a {@code --dry-run}): the keys it would generate and the trust it would add.
 *
 * @param host the remote host
 * @param changes what would change, in the order {@code ensureKeys} would change it; empty if the keys
 *     are in place
 */
public record KeyPreview(String host, List<Planned> changes) {
  /** Checks that no component is null and copies the list. */
  public KeyPreview {
    Objects.requireNonNull(host, "host");
    changes = List.copyOf(changes);
  }

  /**
   * One change {@code ensureKeys} would make.
   *
   * @param kind what it would do
   * @param host where ({@code local} for this machine)
   * @param key the key concerned; empty where that key does not exist yet (it would be generated)
   */
  public record Planned(KeyExchangeResult.ChangeKind kind, String host, Optional<PublicKey> key) {
    /** Checks that no component is null. */
    public Planned {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      String named = key.map(PublicKey::name).orElse("the key generated first");
      return switch (kind) {
        case KEY_GENERATED -> host + ": would generate a signing key pair";
        case KEY_TRUSTED -> host + ": would trust " + named + " (a line in /etc/nix/nix.conf)";
        case DAEMON_RESTARTED -> host + ": would restart nix-daemon";
      };
    }
  }

  @Override
  public String toString() {
    return changes.isEmpty() ? host + ": keys in place, nothing would change"
        : changes.stream().map(Planned::toString).collect(Collectors.joining("\n"));
  }
}
