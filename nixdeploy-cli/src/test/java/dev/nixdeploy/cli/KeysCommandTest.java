package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.PublicKey;
import dev.nixdeploy.SigningKeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code nix-deploy keys …} in-process, as {@code main} does, and checks files and output. */
class KeysCommandTest {
  @TempDir Path dir;

  private static Cli run(String... args) {
    return Cli.run(args);
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void generateWritesNixKeyFilesAndPrintsThePublicKey() throws IOException {
    Path sec = dir.resolve("keys/deploy.sec");
    Path pub = dir.resolve("keys/deploy.pub");
    Cli run = run("keys", "generate", "--name", "deploy-1", "--secret-key", sec.toString(),
        "--public-key", pub.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    PublicKey printed = PublicKey.parse(run.out());
    assertThat(run.out()).isEqualTo(printed + System.lineSeparator());
    assertThat(printed.name()).isEqualTo("deploy-1");
    assertThat(Files.readString(pub)).isEqualTo(printed.toString());
    assertThat(mode(sec)).isEqualTo("rw-------");
    assertThat(mode(pub)).isEqualTo("rw-r--r--");
    assertThat(SigningKeyPair.load(sec).publicKey()).isEqualTo(printed);

    Cli pubRun = run("keys", "public", "--secret-key", sec.toString());
    assertThat(pubRun.exitCode()).isZero();
    assertThat(pubRun.out()).isEqualTo(run.out());
  }

  @Test
  void generateRefusesToOverwriteASecretKeyUnlessForced() throws IOException {
    Path sec = dir.resolve("k.sec");
    Path pub = dir.resolve("k.pub");
    assertThat(run("keys", "generate", "--name", "k", "--secret-key", sec.toString(), "--public-key",
        pub.toString()).exitCode()).isZero();
    String first = Files.readString(sec);

    Cli refused = run("keys", "generate", "--name", "k", "--secret-key", sec.toString(), "--public-key",
        pub.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).isEqualTo("error: secret key file " + sec + " already exists; pass --force to"
        + " replace it (the key in it will be lost)" + System.lineSeparator()
        + "hint: run 'nix-deploy keys generate --help' for its flags" + System.lineSeparator());
    assertThat(Files.readString(sec)).isEqualTo(first);

    Cli forced = run("keys", "generate", "--name", "k", "--secret-key", sec.toString(), "--public-key",
        pub.toString(), "--force");
    assertThat(forced.exitCode()).isZero();
    assertThat(Files.readString(sec)).isNotEqualTo(first);
    assertThat(mode(sec)).isEqualTo("rw-------");
  }

  @Test
  void generateRefusesABadNameAndTheSameFileTwice() {
    Cli badName = run("keys", "generate", "--name", "my key", "--secret-key", dir.resolve("s").toString(),
        "--public-key", dir.resolve("p").toString());
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).startsWith("error: --name: A key name must not contain white space or control"
        + " characters: \"my key\"" + System.lineSeparator());
    assertThat(dir.resolve("s")).doesNotExist();

    Path same = dir.resolve("same");
    Cli sameFile = run("keys", "generate", "--name", "k", "--secret-key", same.toString(), "--public-key",
        same.toString());
    assertThat(sameFile.exitCode()).isEqualTo(2);
    assertThat(sameFile.err()).startsWith("error: --secret-key and --public-key are the same file: ");
    assertThat(same).doesNotExist();
  }

  @Test
  void publicRefusesAnUnsafeFileInOneLineAndShowsTheTraceOnlyWhenVerbose() throws IOException {
    Path sec = dir.resolve("k.sec");
    SigningKeyPair.generate("k").store(sec, dir.resolve("k.pub"));
    Files.setPosixFilePermissions(sec, PosixFilePermissions.fromString("rw-r--r--"));
    String line = "error: Secret key file " + sec + " can be read or written by group or others (mode 0644);"
        + " restrict it with: chmod 600 " + sec + System.lineSeparator();
    String hint = "hint: run 'nix-deploy keys public --help' for its flags" + System.lineSeparator();

    Cli quiet = run("keys", "public", "--secret-key", sec.toString());
    assertThat(quiet.exitCode()).isEqualTo(2);
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.err()).isEqualTo(line + hint);

    for (String[] args : new String[][] {
        {"keys", "public", "-v", "--secret-key", sec.toString()},
        {"--verbose", "keys", "public", "--secret-key", sec.toString()}}) {
      Cli verbose = run(args);
      assertThat(verbose.exitCode()).isEqualTo(2);
      assertThat(verbose.err()).startsWith(line + hint).contains("dev.nixdeploy.SigningKeyException", "\tat ");
    }
  }

  @Test
  void publicReportsAMissingFile() {
    Path missing = dir.resolve("missing.sec");
    Cli run = run("keys", "public", "--secret-key", missing.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --secret-key " + missing + " does not exist; create one with"
        + " nix-deploy keys generate or nix-store --generate-binary-cache-key" + System.lineSeparator());
  }

  @Test
  void usageMistakesExitWith2WithOneErrorLineAndAHint() {
    Cli missingOption = run("keys", "generate", "--name", "k");
    assertThat(missingOption.exitCode()).isEqualTo(2);
    assertThat(missingOption.err().lines()).containsExactly(
        "error: Missing required options: '--secret-key=FILE', '--public-key=FILE'",
        "hint: run 'nix-deploy keys generate --help' for its flags");

    Cli noSubcommand = run("keys");
    assertThat(noSubcommand.exitCode()).isEqualTo(2);
    assertThat(noSubcommand.err().lines()).containsExactly("error: Missing subcommand: generate or public",
        "hint: run 'nix-deploy keys --help' for its flags");
  }

  @Test
  void helpAndVersion() {
    Cli help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: nix-deploy", "keys");
    Cli version = run("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).matches("nix-deploy \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\Rlocal Nix: .+\\R");
  }
}
