package dev.nixdeploy.internal.ssh;

import dev.nixdeploy.NixDeployException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * known_hosts files read as OpenSSH reads them ({@code hostfile.c}, {@code match.c}): comma-separated
 * host patterns with {@code *} and {@code ?}, negation with {@code !} (a negated match rules the line out),
 * hashed names ({@code |1|salt|hash}, HMAC-SHA1), {@code [host]:port}, case-insensitive names, the
 * {@code @revoked} and {@code @cert-authority} markers, several keys per host and several files. Lines
 * OpenSSH would skip (bad marker, bad base64, a key whose blob is not of the type named) are skipped.
 */
final class KnownHosts {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);
  /** Larger known_hosts files are refused rather than read into memory. */
  static final long MAX_FILE_BYTES = 64L << 20;

  enum Marker { NONE, REVOKED, CERT_AUTHORITY }

  /**
   * One usable line.
   *
   * @param file the file it is in
   * @param line its line number, from 1
   * @param marker its marker
   * @param hosts the host field as written: patterns, or one hashed name
   * @param keyType the key type as written
   * @param key the key blob
   */
  record Entry(Path file, int line, Marker marker, String hosts, String keyType, byte[] key) {
    boolean matches(String name) {
      String host = name.toLowerCase(Locale.ROOT);
      if (hosts.startsWith("|")) {
        return hashedMatches(hosts, host);
      }
      return matchPatternList(host, hosts) == 1;
    }

    boolean sameKey(byte[] other) {
      return MessageDigest.isEqual(key, other);
    }

    String where() {
      return file + ":" + line;
    }
  }

  /** What the files say about a key a host offered. */
  enum Status {
    /** A plain entry for the host holds this key (and none revokes it). */
    KNOWN,
    /** An {@code @revoked} entry that matches the host holds this key. */
    REVOKED,
    /** Entries for the host hold other keys only (of this key's type or another one). */
    CHANGED,
    /** The host is known through {@code @cert-authority} lines only, which nix-deploy does not check. */
    CERT_AUTHORITY_ONLY,
    /** Nothing matches the host. */
    UNKNOWN
  }

  /**
   * @param status the verdict
   * @param entry the entry that decided it (the revoking one, the matching one, the first other key), if any
   */
  record Verdict(Status status, Optional<Entry> entry) {}

  private final List<Entry> entries;

  private KnownHosts(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Reads the files in order; a missing file counts as empty, as in OpenSSH. */
  static KnownHosts load(List<Path> files) {
    List<Entry> all = new ArrayList<>();
    for (Path file : files) {
      all.addAll(read(file));
    }
    return new KnownHosts(all);
  }

  static List<Entry> read(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new NixDeployException("The known-hosts file " + file + " is larger than " + (MAX_FILE_BYTES >> 20)
            + " MiB; it cannot be a known_hosts file. Check the UserKnownHostsFile/GlobalKnownHostsFile settings");
      }
      return parse(file, Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new NixDeployException("Cannot read the known-hosts file " + file + ": " + e.getMessage()
          + "; make it readable or name another one (UserKnownHostsFile, --known-hosts)", e);
    }
  }

  /** Parses a file's text (read as ISO-8859-1, so that every byte survives as one char). */
  static List<Entry> parse(Path file, String text) {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Entry e = parseLine(file, i + 1, lines[i]);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static Entry parseLine(Path file, int number, String raw) {
    String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    int p = skipBlanks(line, 0);
    if (p == line.length() || line.charAt(p) == '#') {
      return null;
    }
    Marker marker = Marker.NONE;
    if (line.charAt(p) == '@') {
      int end = wordEnd(line, p);
      String word = line.substring(p, end);
      if (word.equals("@revoked")) {
        marker = Marker.REVOKED;
      } else if (word.equals("@cert-authority")) {
        marker = Marker.CERT_AUTHORITY;
      } else {
        LOG.debug("{}:{}: invalid marker {}, line skipped", file, number, word);
        return null;
      }
      p = skipBlanks(line, end);
    }
    int hostsEnd = wordEnd(line, p);
    String hosts = line.substring(p, hostsEnd);
    p = skipBlanks(line, hostsEnd);
    int typeEnd = wordEnd(line, p);
    String type = line.substring(p, typeEnd);
    p = skipBlanks(line, typeEnd);
    int keyEnd = wordEnd(line, p);
    String base64 = line.substring(p, keyEnd);
    if (hosts.isEmpty() || type.isEmpty() || base64.isEmpty() || type.startsWith("#")) {
      LOG.debug("{}:{}: truncated line skipped", file, number);
      return null;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      LOG.debug("{}:{}: key is not base64, line skipped", file, number);
      return null;
    }
    if (!type.equals(blobType(key).orElse(""))) {
      LOG.debug("{}:{}: key is not of type {}, line skipped", file, number, type);
      return null;
    }
    return new Entry(file, number, marker, hosts, type, key);
  }

  private static int skipBlanks(String s, int from) {
    int p = from;
    while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
      p++;
    }
    return p;
  }

  private static int wordEnd(String s, int from) {
    int p = from;
    while (p < s.length() && s.charAt(p) != ' ' && s.charAt(p) != '\t') {
      p++;
    }
    return p;
  }

  /** @return the type name an SSH public key blob starts with, if it is well formed */
  static Optional<String> blobType(byte[] blob) {
    if (blob.length < 4) {
      return Optional.empty();
    }
    int n = ByteBuffer.wrap(blob).getInt();
    if (n <= 0 || n > 64 || n > blob.length - 4) {
      return Optional.empty();
    }
    String type = new String(blob, 4, n, StandardCharsets.ISO_8859_1);
    return type.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? Optional.of(type) : Optional.empty();
  }

  /** @return every entry that matches the host name, in file order */
  List<Entry> matching(String name) {
    return entries.stream().filter(e -> e.matches(name)).toList();
  }

  /** @return what these files say about {@code key}, offered by the host known as {@code name} */
  Verdict check(String name, byte[] key) {
    List<Entry> forHost = matching(name);
    for (Entry e : forHost) {
      if (e.marker() == Marker.REVOKED && e.sameKey(key)) {
        return new Verdict(Status.REVOKED, Optional.of(e));
      }
    }
    Optional<Entry> other = Optional.empty();
    boolean ca = false;
    for (Entry e : forHost) {
      if (e.marker() == Marker.NONE) {
        if (e.sameKey(key)) {
          return new Verdict(Status.KNOWN, Optional.of(e));
        }
        other = other.or(() -> Optional.of(e));
      } else if (e.marker() == Marker.CERT_AUTHORITY) {
        ca = true;
      }
    }
    if (other.isPresent()) {
      return new Verdict(Status.CHANGED, other);
    }
    return new Verdict(ca ? Status.CERT_AUTHORITY_ONLY : Status.UNKNOWN, Optional.empty());
  }

  /** @return whether any entry of these files is hashed */
  boolean anyHashed() {
    return entries.stream().anyMatch(e -> e.hosts().startsWith("|"));
  }

  /**
   * OpenSSH's {@code match_pattern_list} with lower-casing: 1 if a pattern matches and no negated one does,
   * -1 if a negated pattern matches, 0 otherwise.
   */
  static int matchPatternList(String string, String patterns) {
    boolean positive = false;
    for (String sub : patterns.split(",", -1)) {
      boolean negated = sub.startsWith("!");
      String pattern = (negated ? sub.substring(1) : sub).toLowerCase(Locale.ROOT);
      if (matchPattern(string, 0, pattern, 0)) {
        if (negated) {
          return -1;
        }
        positive = true;
      }
    }
    return positive ? 1 : 0;
  }

  /** A glob match over the whole string: {@code *} any run, {@code ?} any one character. */
  static boolean matchPattern(String s, int si, String p, int pi) {
    int i = si;
    int j = pi;
    int starP = -1;
    int starS = -1;
    while (i < s.length()) {
      if (j < p.length() && (p.charAt(j) == '?' || p.charAt(j) == s.charAt(i))) {
        i++;
        j++;
      } else if (j < p.length() && p.charAt(j) == '*') {
        starP = j++;
        starS = i;
      } else if (starP >= 0) {
        j = starP + 1;
        i = ++starS;
      } else {
        return false;
      }
    }
    while (j < p.length() && p.charAt(j) == '*') {
      j++;
    }
    return j == p.length();
  }

  private static boolean hashedMatches(String hosts, String host) {
    // |1|base64(salt)|base64(hmac-sha1(salt, host))
    String[] parts = hosts.split("\\|", -1);
    if (parts.length != 4 || !parts[0].isEmpty() || !parts[1].equals("1")) {
      return false;
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      return salt.length == 20 && MessageDigest.isEqual(hash, hmac(salt, host));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] hmac(byte[] salt, String host) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(salt, "HmacSHA1"));
      return mac.doFinal(host.getBytes(StandardCharsets.ISO_8859_1));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is missing from this Java runtime", e);
    }
  }

  /** @return {@code name} hashed as {@code HashKnownHosts yes} writes it, with a fresh salt */
  static String hash(String name, SecureRandom random) {
    byte[] salt = new byte[20];
    random.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return "|1|" + b64.encodeToString(salt) + "|"
        + b64.encodeToString(hmac(salt, name.toLowerCase(Locale.ROOT)));
  }

  /** @return the line OpenSSH appends for a new key: the lower-cased (or hashed) name, type and key */
  static String line(String name, byte[] key, boolean hashed, SecureRandom random) {
    String host = hashed ? hash(name, random) : name.toLowerCase(Locale.ROOT);
    return host + " " + blobType(key).orElseThrow() + " " + Base64.getEncoder().encodeToString(key) + "\n";
  }

  @Override
  public String toString() {
    return "KnownHosts" + Arrays.toString(entries.stream().map(Entry::where).toArray());
  }
}
