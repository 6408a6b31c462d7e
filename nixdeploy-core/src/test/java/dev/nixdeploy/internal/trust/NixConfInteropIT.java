package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.internal.local.LocalTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our reading of the trusted keys agrees with the local Nix 2.8's ({@code nix show-config}). */
class NixConfInteropIT {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "# nothing but a comment\n",
      "extra-trusted-public-keys = a-1:AAAA b-1:BBBB # trailing comment\n",
      "trusted-public-keys = z-1:ZZZZ\nextra-trusted-public-keys = y-1:YYYY\n",
      "extra-trusted-public-keys = y-1:YYYY\ntrusted-public-keys = z-1:ZZZZ\n",
      "binary-cache-public-keys = old-1:OOOO\nextra-binary-cache-public-keys = older-1:PPPP",
      "extra-trusted-public-keys = a-1:AAAA\ninclude sub/keys.conf\nextra-trusted-public-keys = c-1:CCCC\n",
      "!include missing.conf\n\textra-trusted-public-keys\t=\tt-1:TTTT\r\n",
      "include sub/keys.conf\ntrusted-public-keys =\n"})
  void agreesWithNix(String conf) throws IOException {
    Files.writeString(dir.resolve("nix.conf"), conf);
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/keys.conf"), "extra-trusted-public-keys = inc-1:IIII\n!include ../none\n");

    List<NixConf.Setting> settings = NixConf.settings(dir.resolve("nix.conf").toString(), conf, this::read);

    assertThat(TrustedKeys.effective(settings)).isEqualTo(nixTrustedKeys());
  }

  private Optional<String> read(String path) {
    try {
      return Optional.of(Files.readString(Path.of(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> nixTrustedKeys() {
    try (LocalTransport local = LocalTransport.create()) {
      CommandResult r = local.run(Command.of("env", "NIX_CONF_DIR=" + dir, "NIX_USER_CONF_FILES=/dev/null",
          "nix", "--extra-experimental-features", "nix-command", "show-config")).orThrow("local");
      String line = r.stdout().lines().filter(l -> l.startsWith("trusted-public-keys =")).findFirst()
          .orElseThrow();
      String value = line.substring("trusted-public-keys =".length()).strip();
      return value.isEmpty() ? List.of() : Arrays.asList(value.split(" "));
    }
  }
}
