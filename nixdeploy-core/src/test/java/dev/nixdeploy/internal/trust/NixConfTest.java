package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Fuzz;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NixConfTest {
  private final Map<String, String> files = new HashMap<>();
  private final NixConf.Source source = path -> Optional.ofNullable(files.get(path));

  private List<NixConf.Setting> read(String text) {
    files.put("/etc/nix/nix.conf", text);
    return NixConf.settings("/etc/nix/nix.conf", text, source);
  }

  @Test
  void readsNameValueLinesSkippingCommentsAndBlankLines() {
    List<NixConf.Setting> s = read("""
        # a comment
        trusted-users = root @wheel   # trailing comment

        \tsandbox   =   false
        substituters =
        """);

    assertThat(s).extracting(NixConf.Setting::name).containsExactly("trusted-users", "sandbox", "substituters");
    assertThat(s.get(0).value()).isEqualTo("root @wheel");
    assertThat(s.get(0).line()).isEqualTo(2);
    assertThat(s.get(1).value()).isEqualTo("false");
    assertThat(s.get(2).words()).isEmpty();
  }

  @Test
  void aHashCutsTheLineEvenInsideAValue() {
    assertThat(read("extra-trusted-public-keys = a:AA#b:BB\n").get(0).value()).isEqualTo("a:AA");
  }

  @Test
  void toleratesCarriageReturnsAndAMissingFinalLineBreak() {
    List<NixConf.Setting> s = read("a = 1\r\nb = 2");
    assertThat(s).extracting(NixConf.Setting::value).containsExactly("1", "2");
  }

  @Test
  void hasNoContinuationLinesLikeNix() {
    // Nix 2.8: "error: illegal configuration line '  b:BBBB'"
    assertThatThrownBy(() -> read("extra-trusted-public-keys = a:AA \\\n  b:BBBB\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("illegal configuration line 'b:BBBB'")
        .hasMessageContaining("line 2");
  }

  @Test
  void refusesNameEqualsValueWithoutBlanksLikeNix() {
    assertThatThrownBy(() -> read("sandbox = false\ntrusted-public-keys=a:b\n"))
        .hasMessageContaining("illegal configuration line 'trusted-public-keys=a:b' in /etc/nix/nix.conf line 2");
  }

  @Test
  void expandsIncludesInPlaceRelativeToTheIncludingFile() {
    files.put("/etc/nix/conf.d/a.conf", "from-a = 1\ninclude ../b.conf\n");
    files.put("/etc/nix/b.conf", "from-b = 2\n");

    List<NixConf.Setting> s = read("first = 0\ninclude conf.d/a.conf\nlast = 3\n");

    assertThat(s).extracting(NixConf.Setting::name).containsExactly("first", "from-a", "from-b", "last");
    assertThat(s.get(2).file()).isEqualTo("/etc/nix/b.conf");
  }

  @Test
  void absoluteIncludesAndOptionalMissingOnes() {
    files.put("/opt/extra.conf", "x = 1\n");
    List<NixConf.Setting> s = read("include /opt/extra.conf\n!include missing.conf\ny = 2\n");
    assertThat(s).extracting(NixConf.Setting::name).containsExactly("x", "y");
  }

  @Test
  void aMissingPlainIncludeIsAnError() {
    assertThatThrownBy(() -> read("include missing.conf\n"))
        .hasMessageContaining("file '/etc/nix/missing.conf' included from '/etc/nix/nix.conf' line 1 does not exist");
  }

  @Test
  void anIncludeCycleIsRefusedInsteadOfRecursingForever() {
    // Nix 2.8 itself crashes (segmentation fault) on this.
    files.put("/etc/nix/a.conf", "include b.conf\n");
    files.put("/etc/nix/b.conf", "include ./a.conf\n");

    assertThatThrownBy(() -> read("include a.conf\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("include cycle: /etc/nix/nix.conf -> /etc/nix/a.conf -> /etc/nix/b.conf"
            + " -> /etc/nix/a.conf");
  }

  @Test
  void aFileIncludingItselfIsACycle() {
    assertThatThrownBy(() -> read("include nix.conf\n")).hasMessageContaining("include cycle");
  }

  @Test
  void includingOneFileTwiceWithoutACycleIsFine() {
    files.put("/etc/nix/common.conf", "c = 1\n");
    assertThat(read("include common.conf\ninclude common.conf\n")).hasSize(2);
  }

  @Test
  void includeDepthIsBounded() {
    for (int i = 0; i < 40; i++) {
      files.put("/etc/nix/d" + i + ".conf", "include d" + (i + 1) + ".conf\n");
    }
    files.put("/etc/nix/d40.conf", "x = 1\n");
    assertThatThrownBy(() -> read("include d0.conf\n")).hasMessageContaining("depth of more than 16");
  }

  @Test
  void anIncludeNeedsExactlyOneFile() {
    assertThatThrownBy(() -> read("include a.conf b.conf\n")).hasMessageContaining("illegal configuration line");
    assertThatThrownBy(() -> read("include\n")).hasMessageContaining("illegal configuration line");
  }

  @Test
  void resolvesLikeNixAbsPath() {
    assertThat(NixConf.resolve("/etc/nix/nix.conf", "x.conf")).isEqualTo("/etc/nix/x.conf");
    assertThat(NixConf.resolve("/etc/nix/nix.conf", "../x.conf")).isEqualTo("/etc/x.conf");
    assertThat(NixConf.resolve("/etc/nix/nix.conf", "/a/./b/../c")).isEqualTo("/a/c");
  }

  /**
   * Random nix.conf files that include one another ({@link Fuzz}): reading gives settings or an
   * IllegalArgumentException naming a file, never another failure or an endless recursion; every setting
   * has a name without blanks or {@code #}, and a value without {@code #} or a line break.
   */
  @Test
  void randomFilesReadAsSettingsOrAClearError() {
    String[] pieces = {"name", "extra-trusted-public-keys", "=", " = ", " ", "\t", "#", "include", "!include",
        "a.conf", "/etc/nix/b.conf", "../nix/a.conf", "missing.conf", "key:AAAA", "\r", "\n", "\\", "\"", "é"};
    String[] names = {"/etc/nix/nix.conf", "/etc/nix/a.conf", "/etc/nix/b.conf"};
    Fuzz.check("NixConfTest.randomFiles", random -> {
      for (int round = 0; round < 2_000; round++) {
        files.clear();
        for (String name : names) {
          StringBuilder text = new StringBuilder();
          for (int i = random.nextInt(30); i > 0; i--) {
            text.append(random.nextInt(8) == 0 ? Fuzz.text(random, 8) : pieces[random.nextInt(pieces.length)]);
          }
          files.put(name, text.toString());
        }
        try {
          for (NixConf.Setting setting : NixConf.settings(names[0], files.get(names[0]), source)) {
            // As in Nix, a name is any word before " = ", even "=x".
            assertThat(setting.name()).isNotEmpty().doesNotContain(" ", "\t", "#", "\n");
            assertThat(setting.value()).doesNotContain("#", "\n");
            assertThat(files).containsKey(setting.file());
          }
        } catch (IllegalArgumentException expected) {
          assertThat(expected.getMessage()).containsAnyOf(names);
        }
      }
    });
  }
}
