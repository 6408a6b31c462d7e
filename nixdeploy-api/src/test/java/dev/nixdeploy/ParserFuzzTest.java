package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs for the parsers of values that come from users and hosts, and for the shell
 * quoting every remote command goes through. Each run uses a new seed (or {@code -Dnixdeploy.fuzz.seed=N});
 * a failure prints it, and the failing input belongs in the parser's own test as a fixed case.
 */
class ParserFuzzTest {
  private static final long SEED = Long.getLong("nixdeploy.fuzz.seed", System.nanoTime());
  private static final String NASTY = "aZ09-_.:@/[]!#$%&'\"`\\|;<>(){}*?~^,=+ \t\n\r\0\u00e9\u65e5\u202e";

  private static String randomText(Random random, int max) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(max);
    for (int i = 0; i < n; i++) {
      b.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : NASTY.charAt(random.nextInt(NASTY.length())));
    }
    return b.toString();
  }

  /** Parsers answer with a value or IllegalArgumentException, never anything else, and round-trip. */
  @Test
  void parsersRefuseCleanlyOrRoundTrip() {
    Random random = new Random(SEED);
    for (int i = 0; i < 20_000; i++) {
      String text = randomText(random, 60);
      String where = "seed " + SEED + ", input " + escape(text);
      try {
        Target t = Target.parse(text);
        assertThat(Target.parse(t.toString())).as(where).isEqualTo(t);
        assertThat(t.toString()).as(where).doesNotContain(" ", "\n", ";", "$", "`", "'", "\"");
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as(where).isNotBlank();
      }
      try {
        StorePath p = StorePath.parse("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-" + text);
        assertThat(StorePath.parse(p.path())).as(where).isEqualTo(p);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as(where).isNotBlank();
      }
      try {
        PublicKey k = PublicKey.parse(text + ":" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThat(PublicKey.parse(k.toString())).as(where).isEqualTo(k);
        assertThat(k.name()).as(where).doesNotContain("#", " ", "\n", "\t", ":");
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as(where).isNotBlank();
      }
      try {
        Signature.parse(text);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as(where).isNotBlank();
      }
    }
  }

  /** Every argument reaches a real {@code sh -c} as exactly itself. */
  @Test
  void quotedArgumentsSurviveARealShell() throws Exception {
    Random random = new Random(SEED);
    List<String> args = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      args.add(randomText(random, 40).replace("\0", ""));
    }
    List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
    argv.addAll(args);
    String script = Command.of(argv).toShellString();
    Process p = new ProcessBuilder("sh", "-c", script).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    String[] got = new String(out, StandardCharsets.UTF_8).split("\0", -1);
    assertThat(List.of(got).subList(0, got.length - 1)).as("seed %d", SEED).containsExactlyElementsOf(args);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.chars().forEach(ch -> b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", ch) : String.valueOf((char) ch)));
    return b.append('"').toString();
  }
}
