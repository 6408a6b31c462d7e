package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random inputs ({@link Fuzz}) for the parsers of values that come from users and hosts (targets,
 * store paths, public keys, signatures), and for the shell quoting every remote command goes through.
 */
@Timeout(120)
class ParserFuzzTest {
  /** Parsers answer with a value or IllegalArgumentException, never anything else, and round-trip. */
  @Test
  void parsersRefuseCleanlyOrRoundTrip() {
    Fuzz.check("ParserFuzzTest.parsers", random -> {
      for (int i = 0; i < 20_000; i++) {
        String text = Fuzz.text(random, 60);
        String where = "input " + Fuzz.escape(text);
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
          PublicKey k = PublicKey.parse(text + ":" + Base64.getEncoder().encodeToString(new byte[32]));
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
    });
  }

  /** Every argument reaches a real {@code sh -c} as exactly itself. */
  @Test
  void quotedArgumentsSurviveARealShell() {
    Fuzz.check("ParserFuzzTest.shellQuoting", random -> {
      List<String> args = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        args.add(Fuzz.text(random, 40).replace("\0", ""));
      }
      List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
      argv.addAll(args);
      String script = Command.of(argv).toShellString();
      Process p = new ProcessBuilder("sh", "-c", script).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).isZero();
      String[] got = new String(out, StandardCharsets.UTF_8).split("\0", -1);
      assertThat(List.of(got).subList(0, got.length - 1)).containsExactlyElementsOf(args);
    });
  }
}
