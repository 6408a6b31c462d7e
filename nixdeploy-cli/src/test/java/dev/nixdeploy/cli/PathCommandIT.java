package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nix-deploy path} against a real host, as a person would run it. */
@SandboxTest
class PathCommandIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
  }

  private static String seed() {
    return "path-cli-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> connection(String... more) {
    List<String> args = new ArrayList<>(List.of("--ssh-config", hosts.sshConfig().toString(),
        "-i", hosts.identityFile().toString(), "--known-hosts", hosts.knownHostsFile().toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static Cli path(List<String> args) {
    List<String> all = new ArrayList<>(List.of("path"));
    all.addAll(args);
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void deploysAResultLinkAsTheUntrustedUserWithASigningKey(@TempDir Path dir) throws Exception {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    Path result = Files.createSymbolicLink(dir.resolve("result"), Path.of(chain.app().path()));
    SigningKeyPair key = SigningKeyPair.generate("cli-" + UUID.randomUUID());
    Path secret = dir.resolve("signing-key.sec");
    key.store(secret, dir.resolve("signing-key.pub"));
    host.exec("sh", "-c", "printf '\\nextra-trusted-public-keys = %s\\n' \"$1\" >> /etc/nix/nix.conf", "sh",
        key.publicKey().toString()).orThrow();
    host.restartNixDaemon();

    Cli run = path(connection("--to", SandboxUsers.DEPLOY + "@" + host.alias(), "--path", result.toString(),
        "--signing-key", secret.toString()));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(chain.app().path());
    assertThat(run.err()).contains("[+] deploy@" + host.alias() + ": closure of 3 paths")
        .contains("sending 3 paths").contains("sent 3 paths");
    assertThat(chain.closure()).allMatch(host::isValid);
  }

  @Test
  void byDefaultKeysAreGeneratedAndTrustedBeforeTheSignedCopy(@TempDir Path dir) {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    Path secret = dir.resolve("keys/signing-key.sec");
    host.exec("rm", "-f", "/etc/nix/signing-key.sec", "/etc/nix/signing-key.pub").orThrow();

    Cli run = path(connection("--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", chain.app().path(),
        "--signing-key", secret.toString()));

    assertThat(run.exitCode()).as(run.err()).isZero();
    SigningKeyPair key = SigningKeyPair.load(secret);
    assertThat(run.err())
        .contains("[+] local: generated signing key " + key.publicKey())
        .contains("[+] " + SandboxUsers.ADMIN + "@" + host.alias() + ": generated signing key")
        .contains("now trusts " + key.name() + " (nix-daemon restarted)")
        .contains("sent 3 paths");
    assertThat(host.exec("cat", "/etc/nix/nix.conf").orThrow().stdout())
        .contains("extra-trusted-public-keys = " + key.publicKey());
    assertThat(host.exec("test", "-f", "/etc/nix/signing-key.sec").exitCode()).isZero();
    assertThat(chain.closure()).allMatch(host::isValid);
  }

  @Test
  void readsTheStorePathFromStandardInputAndSkipsWhatIsThere() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    InputStream stdin = System.in;
    try {
      for (int run = 0; run < 2; run++) {
        System.setIn(new ByteArrayInputStream((chain.app() + "\n").getBytes(StandardCharsets.UTF_8)));
        Cli cli = path(connection("--to", SandboxUsers.ROOT + "@" + host.alias(), "--noSign"));
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.err()).contains(run == 0 ? "sending 3 paths" : "already has everything");
      }
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void anUnknownHostKeyIsRefusedWithTheFingerprint(@TempDir Path dir) throws Exception {
    Path emptyKnownHosts = Files.createFile(dir.resolve("known_hosts"));
    StorePath app = SampleClosures.chain(seed()).app();

    Cli run = path(List.of("--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", emptyKnownHosts.toString(), "--to", "root@" + host.alias(), "--path", app.path(),
        "--noSign"));

    assertThat(run.exitCode()).as("host key verification failed").isEqualTo(3);
    assertThat(run.err()).startsWith("error: ").contains(host.hostKeyFingerprint())
        .contains(emptyKnownHosts.toString()).doesNotContain("mkdir");
    assertThat(host.isValid(app)).isFalse();

    // No ~/.ssh yet: the command the hint gives makes the directory first.
    Path missing = dir.resolve("no-ssh-dir/known_hosts");
    Cli noDir = path(List.of("--ssh-config", hosts.sshConfig().toString(), "-i", hosts.identityFile().toString(),
        "--known-hosts", missing.toString(), "--to", "root@" + host.alias(), "--path", app.path(), "--noSign"));
    assertThat(noDir.exitCode()).isEqualTo(3);
    assertThat(noDir.err()).contains("then add it with: mkdir -p -m 700 " + missing.getParent() + " && ssh-keyscan");
  }

  @Test
  void aHostNameThatDoesNotResolveIsSaidSo() {
    StorePath app = SampleClosures.chain(seed()).app();
    Cli run = path(connection("--to", "root@nonexistent.invalid", "--path", app.path(), "--noSign"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: Cannot connect to root@nonexistent.invalid: the host name"
        + " nonexistent.invalid does not resolve").doesNotContain("is up");
  }

  @Test
  void aUserWithoutSudoIsNotAskedForAPassword(@TempDir Path dir) {
    StorePath app = SampleClosures.chain(seed()).app();
    Cli run = path(connection("--to", SandboxUsers.DEPLOY + "@" + host.alias(), "--path", app.path(),
        "--signing-key", dir.resolve("new.sec").toString()));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("deploy may not use sudo there at all").doesNotContain("password");
    assertThat(host.isValid(app)).isFalse();
  }

  @Test
  void aDryRunChangesNothingAndSaysWhatWouldHappen(@TempDir Path dir) {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    Path secret = dir.resolve("signing-key.sec");

    Cli run = path(connection("--to", SandboxUsers.ADMIN + "@" + host.alias(), "--path", chain.app().path(),
        "--signing-key", secret.toString(), "--profileName", "dry-" + seed(), "--dry-run"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    String admin = SandboxUsers.ADMIN + "@" + host.alias();
    assertThat(run.out()).startsWith("dry run: nothing was changed\n")
        .contains("keys: local: would generate a signing key pair\n")
        .contains("keys: " + admin + ": would trust the key generated first")
        .contains("copy: 3 of 3 paths to " + admin + ", ")
        .contains("  " + chain.libA().path() + "  ")
        .contains("profile: would point /nix/var/nix/profiles/dry-");
    assertThat(secret).doesNotExist();
    assertThat(chain.closure()).noneMatch(host::isValid);

    Cli json = path(connection("--to", SandboxUsers.ROOT + "@" + host.alias(), "--path", chain.app().path(),
        "--noSign", "--dry-run", "--json"));
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).startsWith("{\n  \"version\": 1,\n  \"command\": \"path\",")
        .contains("\"dryRun\": true", "\"ok\": true", "\"exitCode\": 0", "\"closurePaths\": 3",
            "\"keys\": null", "\"path\": \"" + chain.app().path() + "\"")
        .endsWith("}\n");
    // One host is a fleet of one: the plan is in its element of hosts, nothing was copied.
    assertThat(json.out().replaceAll("\\s+", "")).contains("\"hosts\":[{\"host\":\"" + SandboxUsers.ROOT + "@"
        + host.alias() + "\",\"ok\":true,\"state\":\"succeeded\",\"keys\":null,\"copy\":null,")
        .contains("\"plan\":{\"keys\":null,\"copy\":{").contains("\"totals\":{\"hosts\":1,\"succeeded\":1,");
    assertThat(chain.closure()).noneMatch(host::isValid);
  }

  @Test
  void jsonDescribesTheDeploymentAndTheDiffAgainstTheProfile() {
    String profile = "json-" + letters();
    SampleClosures.Chain before = SampleClosures.chain("diffa" + letters());
    SampleClosures.Chain after = SampleClosures.chain("diffb" + letters());
    String root = SandboxUsers.ROOT + "@" + host.alias();
    assertThat(path(connection("--to", root, "--path", before.app().path(), "--noSign", "--profileName",
        profile)).exitCode()).isZero();

    Cli run = path(connection("--to", root, "--path", after.app().path(), "--noSign", "--profileName", profile,
        "--diff", "--json"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"ok\": true", "\"pathsCopied\": 3", "\"generationAfter\": 2",
        "\"profile\": \"/nix/var/nix/profiles/" + profile + "\"",
        "\"before\": \"" + before.app().path() + "\"", "\"name\": \"" + after.libA().name() + "\"",
        "\"pathsBefore\": 3");
    // The same members for each host as a deployment to many hosts has.
    assertThat(run.out().replaceAll("\\s+", "")).contains("\"hosts\":[{\"host\":\"" + root
        + "\",\"ok\":true,\"state\":\"succeeded\",\"keys\":null,\"copy\":{\"paths\":[\"")
        .contains("\"pathsCopied\":3,\"bytes\":").contains("\"alreadyPresent\":0,")
        .contains("\"activation\":null,\"rolledBackTo\":null,\"error\":null,")
        .contains("\"totals\":{\"hosts\":1,\"succeeded\":1,\"failed\":0,");
    assertThat(run.err()).contains("[A] " + after.app().name()).contains("[R] " + before.app().name())
        .contains("closure size: ");
    assertThat(after.closure()).allMatch(host::isValid);
  }

  private static String letters() {
    // Letters only: a digit after '-' would start a version.
    return UUID.randomUUID().toString().substring(0, 8).chars()
        .map(c -> Character.isDigit(c) ? 'g' + c - '0' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  @Test
  void badInputIsAOneLineErrorNamingIt() {
    Cli notInStore = path(connection("--to", "root@" + host.alias(), "--path", "/etc/hostname", "--noSign"));
    Cli hostile = path(connection("--to", "root@-oProxyCommand=id", "--path",
        SampleClosures.chain(seed()).app().path()));
    Cli both = path(connection("--to", "a", "--from", "b"));

    assertThat(notInStore.exitCode()).isEqualTo(2);
    assertThat(notInStore.err()).contains("/etc/hostname").contains("which is not in /nix/store");
    assertThat(hostile.exitCode()).isEqualTo(2);
    assertThat(hostile.err()).startsWith("error: ").contains("-oProxyCommand=id");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }
}
