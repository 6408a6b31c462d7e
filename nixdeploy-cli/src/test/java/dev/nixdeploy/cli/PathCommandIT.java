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
    // Keys generated on first use are named after this machine: forget any earlier test's key of that name.
    host.exec("sed", "-i", "/-nix-deploy-1:/d", "/etc/nix/nix.conf").orThrow();

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

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains(host.hostKeyFingerprint())
        .contains(emptyKnownHosts.toString());
    assertThat(host.isValid(app)).isFalse();
  }

  @Test
  void badInputIsAOneLineErrorNamingIt() {
    Cli notInStore = path(connection("--to", "root@" + host.alias(), "--path", "/etc/hostname", "--noSign"));
    Cli hostile = path(connection("--to", "root@-oProxyCommand=id", "--path", "/etc/hostname"));
    Cli both = path(connection("--to", "a", "--from", "b"));

    assertThat(notInStore.exitCode()).isEqualTo(1);
    assertThat(notInStore.err()).contains("/etc/hostname").contains("which is not in /nix/store");
    assertThat(hostile.exitCode()).isEqualTo(1);
    assertThat(hostile.err()).startsWith("error: ").contains("-oProxyCommand=id");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }
}
