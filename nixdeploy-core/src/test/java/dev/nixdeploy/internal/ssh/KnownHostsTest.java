package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.Fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The known_hosts parser and matcher, held to OpenSSH's own: every case is also looked up with
 * {@code ssh-keygen -F NAME -f FILE}, and the lines it reports must be the lines we match.
 */
class KnownHostsTest {
  static final String K1 = KnownHostsVerifierTest.K1;
  static final String K3 = KnownHostsVerifierTest.K3;
  private static final Pattern FOUND = Pattern.compile("^# Host .* found: line (\\d+)", Pattern.MULTILINE);

  @TempDir Path dir;

  /** Lines, each to be matched (or not) against the names queried below. */
  static final List<String> LINES = List.of(
      "web.example.com ssh-ed25519 " + K1,
      "*.example.com,!bad.example.com ssh-ed25519 " + K1,
      "[127.0.0.*]:2222 ssh-ed25519 " + K1,
      "[127.0.0.1]:2222,web-?? ssh-ed25519 " + K1,
      "@revoked * ssh-ed25519 " + K3,
      "@cert-authority *.corp ssh-ed25519 " + K3,
      "  \tindented.example ssh-ed25519 " + K1 + " a comment",
      "#commented.example ssh-ed25519 " + K1,
      "@bogus marked.example ssh-ed25519 " + K1,
      "truncated.example ssh-ed25519",
      "UPPER.Example.COM ssh-ed25519 " + K1,
      "!neg.example,*.example ssh-ed25519 " + K1,
      KnownHostsVerifierTest.HASHED_K1,
      "a*b*c ssh-ed25519 " + K1,
      "tab.example\tssh-ed25519\t" + K1);

  static final List<String> NAMES = List.of("web.example.com", "bad.example.com", "x.example.com",
      "[127.0.0.1]:2222", "[127.0.0.9]:2222", "[127.0.0.1]:22", "127.0.0.1", "web-01", "web-1", "foo.corp",
      "indented.example", "commented.example", "marked.example", "truncated.example", "badbase64.example",
      "wrongtype.example", "upper.example.com", "neg.example", "pos.example", "abc", "aXbYc", "acb",
      "tab.example", "WEB.EXAMPLE.COM");

  @Test
  void matchesTheLinesSshKeygenFinds() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, String.join("\n", LINES) + "\n", StandardCharsets.ISO_8859_1);
    KnownHosts known = KnownHosts.load(List.of(file));
    for (String name : NAMES) {
      assertThat(lines(known, name)).as(name).isEqualTo(sshKeygenLines(file, name));
    }
  }

  /** ssh-keygen -F lists these (it does not parse keys), ssh skips them; so do we. */
  @Test
  void skipsLinesWhoseKeyDoesNotParse() {
    assertThat(KnownHosts.parse(dir, String.join("\n", "badbase64.example ssh-ed25519 @@@@",
        "wrongtype.example ssh-rsa " + K1, "short.example ssh-ed25519 AAAA", "ok.example ssh-ed25519 " + K1)))
        .extracting(KnownHosts.Entry::line).containsExactly(4);
  }

  @Test
  void aRevocationAppliesToEveryHostItsPatternMatches() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, String.join("\n", LINES) + "\n");
    KnownHosts known = KnownHosts.load(List.of(file));
    assertThat(known.check("web.example.com", KnownHostsVerifierTest.key(K3)).status())
        .isEqualTo(KnownHosts.Status.REVOKED);
    assertThat(known.check("web.example.com", KnownHostsVerifierTest.key(K1)).status())
        .isEqualTo(KnownHosts.Status.KNOWN);
    assertThat(known.check("bad.example.com", KnownHostsVerifierTest.key(K1)).status())
        .isEqualTo(KnownHosts.Status.UNKNOWN);
    assertThat(known.check("foo.corp", KnownHostsVerifierTest.key(K1)).status())
        .isEqualTo(KnownHosts.Status.CERT_AUTHORITY_ONLY);
  }

  /**
   * A seeded random table ({@link Fuzz}): patterns and names from a small alphabet (so that they collide),
   * all in one file, each name looked up by both.
   */
  @Test
  void randomPatternsMatchAsInOpenSsh() {
    Fuzz.check("KnownHostsTest.patternsAgainstSshKeygen", random -> {
      String alphabet = "ab.*?!,[]:1-";
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        lines.add(word(random, alphabet, 1 + random.nextInt(9)) + " ssh-ed25519 " + K1);
      }
      Path file = Files.createTempFile(dir, "random", "known_hosts");
      Files.writeString(file, String.join("\n", lines) + "\n");
      KnownHosts known = KnownHosts.load(List.of(file));
      for (int i = 0; i < 40; i++) {
        String name = word(random, "ab.:1[]-A", 1 + random.nextInt(6));
        assertThat(lines(known, name)).as("name %s, file:%n%s", name, String.join("\n", lines))
            .isEqualTo(sshKeygenLines(file, name));
      }
    });
  }

  /**
   * Random known_hosts text, made of the pieces real files have (markers, patterns, hashed names, key
   * types, valid and broken keys, comments, blanks, carriage returns) and of noise: parsing never fails,
   * every entry holds a key of the type it names, and looking any name up never fails.
   */
  @Test
  void randomFilesParseAndAnswerWithoutFailing() {
    String[] markers = {"", "", "@revoked ", "@cert-authority ", "@bogus ", "@"};
    String[] types = {"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "", "#", "ssh-ed25519-cert-v01@openssh.com"};
    String[] keys = {K1, K3, "AAAA", "@@@@", "", K1.substring(0, 20), "AAAAC3NzaC1lZDI1NTE5"};
    Fuzz.check("KnownHostsTest.parser", random -> {
      for (int round = 0; round < 300; round++) {
        StringBuilder text = new StringBuilder();
        int lines = random.nextInt(12);
        for (int i = 0; i < lines; i++) {
          if (random.nextInt(6) == 0) {
            // Files are read as ISO-8859-1: one char a byte.
            text.append(Fuzz.text(random, 50).chars().map(c -> c & 0xff)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append));
          } else {
            String hosts = random.nextInt(5) == 0 ? KnownHosts.hash(word(random, "ab.1", 4), new SecureRandom())
                : word(random, "ab.*?!,[]:1-", 1 + random.nextInt(9));
            text.append(random.nextBoolean() ? "" : " \t".charAt(random.nextInt(2)))
                .append(markers[random.nextInt(markers.length)]).append(hosts).append(' ')
                .append(types[random.nextInt(types.length)]).append(random.nextBoolean() ? " " : "\t")
                .append(keys[random.nextInt(keys.length)]).append(random.nextBoolean() ? " comment" : "");
          }
          text.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        List<KnownHosts.Entry> entries = KnownHosts.parse(dir, text.toString());
        for (KnownHosts.Entry e : entries) {
          assertThat(KnownHosts.blobType(e.key())).hasValue(e.keyType());
          assertThat(e.hosts()).isNotEmpty().doesNotContain(" ", "\t", "\r");
        }
        Path file = Files.createTempFile(dir, "parsed", "known_hosts");
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        KnownHosts known = KnownHosts.load(List.of(file));
        for (int i = 0; i < 5; i++) {
          known.check(word(random, "ab.:1[]-A", 1 + random.nextInt(6)), KnownHostsVerifierTest.key(K1));
        }
        Files.delete(file);
      }
    });
  }

  @Test
  void hashesAsOpenSshDoesAndWritesLowerCaseNames() throws Exception {
    byte[] key = KnownHostsVerifierTest.key(K1);
    String hashed = KnownHosts.line("[Web.Example]:2222", key, true, new SecureRandom());
    Path file = dir.resolve("hashed");
    Files.writeString(file, hashed);
    assertThat(sshKeygenLines(file, "[web.example]:2222")).containsExactly(1);
    assertThat(KnownHosts.line("[Web.Example]:2222", key, false, new SecureRandom()))
        .isEqualTo("[web.example]:2222 ssh-ed25519 " + K1 + "\n");
  }

  private static String word(Random random, String alphabet, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static TreeSet<Integer> lines(KnownHosts known, String name) {
    TreeSet<Integer> lines = new TreeSet<>();
    known.matching(name).forEach(e -> lines.add(e.line()));
    return lines;
  }

  static TreeSet<Integer> sshKeygenLines(Path file, String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ssh-keygen", "-F", name, "-f", file.toString()).redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    p.waitFor();
    TreeSet<Integer> lines = new TreeSet<>();
    Matcher m = FOUND.matcher(out);
    while (m.find()) {
      lines.add(Integer.parseInt(m.group(1)));
    }
    return lines;
  }
}
