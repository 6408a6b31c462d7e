package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Quoting is checked against a real POSIX shell: each argument must come back byte for byte. */
class CommandQuoteTest {
  static final List<String> HOSTILE = List.of(
      "$(rm -rf /)", "`reboot`", "'", "''", "it's", "a'b'c", "\"double\"", "line1\nline2", "\n", "-rf",
      "--", "", " ", "  leading and trailing  ", "tab\there", "back\\slash", "$HOME", "${HOME}", "*", "?",
      "~", "~root", "a;b", "a&&b", "a|b", "a>b", "<a", "(a)", "{a,b}", "!", "#comment", "ünïcødé ✓ 日本",
      "\u00a0", "%s", "=", "a=b", "/nix/store/abc-x");

  @Test
  void everyHostileArgumentReachesTheProgramLiterally() throws Exception {
    for (String arg : HOSTILE) {
      assertThat(throughShell(Command.of("printf", "%s", arg))).as("argument %s", arg).isEqualTo(arg);
    }
  }

  @Test
  void manyArgumentsStaySeparate() throws Exception {
    Command c = Command.of("printf", "[%s]").with(HOSTILE.toArray(String[]::new));
    StringBuilder expected = new StringBuilder();
    HOSTILE.forEach(a -> expected.append('[').append(a).append(']'));
    assertThat(throughShell(c)).isEqualTo(expected.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nix-store", "--serve", "/nix/store/abc-hello-1.0", "a=b", "user@host:22", "x,y"})
  void safeArgumentsStayUnquoted(String arg) {
    assertThat(Command.quote(arg)).isEqualTo(arg);
  }

  @Test
  void quotesAsDocumented() {
    assertThat(Command.quote("")).isEqualTo("''");
    assertThat(Command.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(Command.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
    assertThat(Command.quote("`x`")).isEqualTo("'`x`'");
    assertThat(Command.quote("a\nb")).isEqualTo("'a\nb'");
    assertThat(Command.quote("ü")).isEqualTo("'ü'");
    assertThat(Command.of("echo", "-rf", "").toShellString()).isEqualTo("echo -rf ''");
  }

  @Test
  void refusesNul() {
    assertThatThrownBy(() -> Command.of("echo", "a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  private static String throughShell(Command c) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/bin/sh", "-c", c.toShellString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("exit of %s", c).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
