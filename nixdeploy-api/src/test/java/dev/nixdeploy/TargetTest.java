package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "web-1                     | -      | web-1           | -     | web-1",
      "deploy@web-1              | deploy | web-1           | -     | deploy@web-1",
      "deploy@web-1:2222         | deploy | web-1           | 2222  | deploy@web-1:2222",
      "web.example.org:22        | -      | web.example.org | 22    | web.example.org:22",
      "ssh://deploy@web-1:2222   | deploy | web-1           | 2222  | deploy@web-1:2222",
      "ssh://web-1               | -      | web-1           | -     | web-1",
      "SSH://web-1/              | -      | web-1           | -     | web-1",
      "[::1]:2222                | -      | ::1             | 2222  | [::1]:2222",
      "user@[::1]:2222           | user   | ::1             | 2222  | user@[::1]:2222",
      "[fe80::1%eth0]            | -      | fe80::1%eth0    | -     | [fe80::1%eth0]",
      "ssh://root@[2001:db8::5]:1 | root  | 2001:db8::5     | 1     | root@[2001:db8::5]:1",
      "a_b.c@10.0.0.5:65535      | a_b.c  | 10.0.0.5        | 65535 | a_b.c@10.0.0.5:65535",
      "host:022                  | -      | host            | 22    | host:22",
  })
  void parsesValidForms(String input, String user, String host, Integer port, String canonical) {
    Target t = Target.parse(input);
    assertThat(t.user()).isEqualTo(Optional.ofNullable(user));
    assertThat(t.host()).isEqualTo(host);
    assertThat(t.port()).isEqualTo(port == null ? OptionalInt.empty() : OptionalInt.of(port));
    assertThat(t.toString()).isEqualTo(canonical);
    assertThat(Target.parse(t.toString())).isEqualTo(t).hasSameHashCodeAs(t);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "'web 1'                 | white space",
      "' web-1'                | white space",
      "'web-1;reboot'          | ';'",
      "'$(reboot)'             | '$'",
      "'web-$HOST'             | '$'",
      "'`reboot`@web'          | back quote",
      "'we''b'                 | quote",
      "'\"web\"'               | quote",
      "'web\\1'                | backslash",
      "'web|cat'               | '|'",
      "'web&'                  | '&'",
      "'-oProxyCommand=x'      | '='",
      "'-oProxyCommand'        | host must not start with '-'",
      "'-l@web'                | user must not start with '-'",
      "'@web'                  | user before '@' is empty",
      "'a@b@web'               | more than one '@'",
      "'deploy@'               | host is empty",
      "'deploy@:22'            | host is empty",
      "''                      | it is empty",
      "'web:'                  | port after ':' is empty",
      "'web:0'                 | out of range",
      "'web:65536'             | out of range",
      "'web:99999999999'       | out of range",
      "'web:ssh'               | not a number",
      "'web:-1'                | not a number",
      "'::1'                   | must be written in brackets",
      "'[::1'                  | no ']' closes",
      "'[::1]x'                | only ':port' may follow ']'",
      "'[web]:22'              | not one",
      "'[]'                    | empty",
      "'[::g]'                 | IPv6 address contains 'g'",
      "'web/path'              | '/' is not allowed",
      "'ssh://web/path'        | cannot have a path",
      "'wéb'                   | host contains 'é'",
      "'dé@web'                | user contains 'é'",
      "'web*'                  | '*'",
  })
  void rejectsHostileOrMalformedInput(String input, String problem) {
    assertThatThrownBy(() -> Target.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid target")
        .hasMessageContaining(problem);
  }

  @Test
  void rejectsLineBreaksAndControlCharactersAndShowsThemEscaped() {
    assertThatThrownBy(() -> Target.parse("web\nrm -rf /"))
        .hasMessageContaining("line break")
        .hasMessageContaining("web\\nrm")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> Target.parse("web\r")).hasMessageContaining("line break");
    assertThatThrownBy(() -> Target.parse("web\u0000")).hasMessageContaining("control character")
        .hasMessageContaining("\\u0000");
    assertThatThrownBy(() -> Target.parse("web\u001b[31m")).hasMessageContaining("control character");
    assertThatThrownBy(() -> Target.parse("web\tx")).hasMessageContaining("white space");
    assertThatThrownBy(() -> Target.parse("web\u00a0x")).hasMessageContaining("white space");
  }

  @Test
  void rejectsOverlongParts() {
    assertThatThrownBy(() -> Target.parse("h".repeat(254))).hasMessageContaining("longer than 253");
    assertThat(Target.parse("h".repeat(253)).host()).hasSize(253);
    assertThatThrownBy(() -> Target.parse("u".repeat(257) + "@h")).hasMessageContaining("longer than 256");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Target.parse(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("destination");
  }

  @Test
  void equalityIsByValue() {
    assertThat(Target.parse("a@h:2")).isEqualTo(Target.parse("ssh://a@h:2"));
    assertThat(Target.parse("a@h:2")).isNotEqualTo(Target.parse("a@h"));
    assertThat(Target.parse("a@h")).isNotEqualTo(Target.parse("h"));
    assertThat(Target.parse("[::1]").isIpv6()).isTrue();
    assertThat(Target.parse("web-1").isIpv6()).isFalse();
  }
}
