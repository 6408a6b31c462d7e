package dev.nixdeploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a key exchange ({@code ensureKeys()}) did: which key pairs it generated, which hosts it made trust
 * which key, which nix-daemons it restarted, and what it found unnecessary. An exchange that found
 * everything in place has no {@linkplain #changes() changes}.
 *
 * <pre>{@code
 * KeyExchangeResult result = exchange.ensureTo(local, remote);
 * if (!result.alreadyInPlace()) {
 *   result.summaryLines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * @param host the target host the exchange was with, as in messages (e.g. {@code admin@web-1})
 * @param changes what was changed, in order
 * @param notes steps found unnecessary, in words (e.g. that the local store needs no trusted key)
 */
public record KeyExchangeResult(String host, List<Change> changes, List<String> notes) {
  /** Copies the lists. */
  public KeyExchangeResult {
    Objects.requireNonNull(host, "host");
    changes = List.copyOf(changes);
    notes = List.copyOf(notes);
  }

  /** A kind of change a key exchange makes. */
  public enum ChangeKind {
    /** A signing key pair was generated (the secret stays where it was made). */
    KEY_GENERATED,
    /** A host's {@code nix.conf} got an {@code extra-trusted-public-keys} line for a key. */
    KEY_TRUSTED,
    /** A host's nix-daemon was restarted to read its changed {@code nix.conf}. */
    DAEMON_RESTARTED
  }

  /**
   * One change on one host.
   *
   * @param kind what was done
   * @param host where ({@code local} for this machine)
   * @param key the public key concerned
   */
  public record Change(ChangeKind kind, String host, PublicKey key) {
    /** Checks that no component is null. */
    public Change {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(key, "key");
    }

    /** @return the change in words, e.g. {@code web-1: trusts key web-deployer-1:AbC…=} */
    @Override
    public String toString() {
      return switch (kind) {
        case KEY_GENERATED -> host + ": generated key pair " + key.name() + " (public key " + key + ")";
        case KEY_TRUSTED -> host + ": now trusts key " + key;
        case DAEMON_RESTARTED -> host + ": restarted nix-daemon";
      };
    }
  }

  /** @return true when nothing had to be changed anywhere */
  public boolean alreadyInPlace() {
    return changes.isEmpty();
  }

  /**
   * @param kind a kind of change
   * @return the changes of that kind, in order
   */
  public List<Change> changes(ChangeKind kind) {
    return changes.stream().filter(c -> c.kind() == kind).toList();
  }

  /** @return whether any nix-daemon was restarted */
  public boolean daemonRestarted() {
    return !changes(ChangeKind.DAEMON_RESTARTED).isEmpty();
  }

  /**
   * @return one line per change and per note, for a command line tool; a single "already in place" line
   *     when nothing changed
   */
  public List<String> summaryLines() {
    List<String> lines = new ArrayList<>();
    if (changes.isEmpty()) {
      lines.add(host + ": keys already in place, nothing changed");
    }
    changes.forEach(c -> lines.add(c.toString()));
    notes.forEach(n -> lines.add("note: " + n));
    return List.copyOf(lines);
  }

  /** @return {@link #summaryLines()}, joined with line breaks */
  @Override
  public String toString() {
    return summaryLines().stream().collect(Collectors.joining("\n"));
  }
}
