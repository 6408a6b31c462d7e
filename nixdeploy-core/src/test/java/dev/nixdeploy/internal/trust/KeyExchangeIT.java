package dev.nixdeploy.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.KeyExchangeResult.ChangeKind;
import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.UntrustedSignatureException;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.serve.CopyEngine;
import dev.nixdeploy.internal.serve.ServeClient;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key exchange against real hosts over ssh: sandbox-0 is the target; sandbox-1 stands in for the
 * deploying machine where a non-root receiver is needed ({@code --from}).
 */
@SandboxTest(hosts = 2)
class KeyExchangeIT {
  private static final String CONF = "/etc/nix/nix.conf";
  private static final SudoPasswordSource NO_PASSWORD = (h, u) -> {
    throw new AssertionError("asked for a sudo password for " + u + " on " + h);
  };

  private static SandboxHosts hosts;
  private static SandboxHost target;
  private static SandboxHost receiver;
  private static SshSettings ssh;
  private static String originalConf;

  @TempDir
  Path localDir;
  private Path secretKeyFile;

  @BeforeAll
  static void startHosts(SandboxHosts sandbox) {
    hosts = sandbox;
    target = hosts.host(0);
    receiver = hosts.host(1);
    ssh = hosts.sshSettings();
    originalConf = target.exec("cat", CONF).orThrow().stdout();
  }

  @BeforeEach
  void resetHosts() {
    for (SandboxHost host : List.of(target, receiver)) {
      host.exec("sh", "-c", "rm -f /etc/nix/signing-key.sec /etc/nix/signing-key.pub /etc/nix/*.conf"
          + " /etc/nix/.nix-deploy.lock && rm -rf /etc/nix/trusted.d && printf %s \"$1\" >/etc/nix/nix.conf && chmod 644 /etc/nix/nix.conf",
          "sh", originalConf).orThrow();
      host.restartNixDaemon();
    }
    secretKeyFile = localDir.resolve("nixdeploy-trust-local-" + UUID.randomUUID()).resolve("signing-key.sec");
  }

  private static Transport connect(SandboxHost host, String user) {
    return SshTransports.connect(Target.parse(host.destination(user)), ssh);
  }

  private KeyExchange.Builder exchange() {
    return KeyExchange.builder().secretKeyFile(secretKeyFile);
  }

  private KeyExchangeResult ensureTo(KeyExchange exchange, String user) {
    try (LocalTransport local = LocalTransport.create(); Transport remote = connect(target, user)) {
      return exchange.ensureTo(local, remote);
    }
  }

  /** Copies {@code root}'s closure from this machine to the target as the untrusted deploy user. */
  private CopyResult copyAsDeploy(SigningKeyPair key, StorePath root) {
    try (LocalTransport local = LocalTransport.create(); Transport remote = connect(target, SandboxUsers.DEPLOY);
        ServeClient from = ServeClient.open(local); ServeClient to = ServeClient.open(remote)) {
      return CopyEngine.builder().signer(key::sign).build().copy(from, to, List.of(root));
    }
  }

  private SigningKeyPair localKey() {
    try (LocalTransport local = LocalTransport.create()) {
      return exchange().build().localKeyPair(local);
    }
  }

  private static String seed() {
    return "trust-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String state(SandboxHost host, String file) {
    ExecResult r = host.exec("sh", "-c", "if [ -e \"$1\" ]; then stat -c '%i %Y %y %s %a %U' \"$1\";"
        + " sha256sum \"$1\"; else echo missing; fi", "sh", file);
    return r.orThrow().stdout();
  }

  private static long trustLines(SandboxHost host, PublicKey key) {
    return host.exec("cat", CONF).orThrow().stdout().lines().filter(l -> l.contains(key.toString())).count();
  }

  @Test
  void adminsExchangeLetsTheUntrustedDeployUserCopySignedPaths() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    SigningKeyPair key = localKey();
    assertThatThrownBy(() -> copyAsDeploy(key, chain.app())).isInstanceOf(UntrustedSignatureException.class);
    long daemonBefore = target.nixDaemonPid();
    List<String> events = new CopyOnWriteArrayList<>();
    DeployListener listener = new DeployListener() {
      @Override
      public void keyGenerated(String host, PublicKey k) {
        events.add("generated " + host + " " + k.name());
      }

      @Override
      public void keyTrusted(String host, PublicKey k, boolean restarted) {
        events.add("trusted " + host + " " + k + " " + restarted);
      }
    };

    KeyExchangeResult result = ensureTo(exchange().listener(listener).sudoPasswords(NO_PASSWORD).build(),
        SandboxUsers.ADMIN);

    CopyResult copied = copyAsDeploy(key, chain.app());
    assertThat(copied.sent()).containsExactlyElementsOf(chain.closure());
    assertThat(result.changes()).extracting(KeyExchangeResult.Change::kind)
        .containsExactly(ChangeKind.KEY_GENERATED, ChangeKind.KEY_TRUSTED, ChangeKind.DAEMON_RESTARTED);
    assertThat(result.changes(ChangeKind.KEY_TRUSTED).get(0).key()).isEqualTo(key.publicKey());
    assertThat(target.nixDaemonPid()).isNotEqualTo(daemonBefore);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).matches("generated admin@sandbox-0 sandbox-0-nix-deploy-[0-9a-f]{8}");
    assertThat(events.get(1)).isEqualTo("trusted admin@sandbox-0 " + key.publicKey() + " true");
    assertThat(target.exec("stat", "-c", "%a %U:%G", "/etc/nix/signing-key.sec", "/etc/nix/signing-key.pub")
        .orThrow().stdout()).isEqualTo("600 root:root\n644 root:root\n");
    assertThat(target.exec("cat", CONF).orThrow().stdout())
        .isEqualTo(originalConf + "extra-trusted-public-keys = " + key.publicKey() + "\n");
    assertThat(result.toString()).contains("now trusts key " + key.publicKey());
    key.destroy();
  }

  @Test
  void theOperatorDoesItWithItsSudoPassword() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    SigningKeyPair key = localKey();
    assertThatThrownBy(() -> copyAsDeploy(key, chain.app())).isInstanceOf(UntrustedSignatureException.class);

    KeyExchangeResult result = ensureTo(exchange()
        .sudoPasswords((h, u) -> SandboxUsers.OPERATOR_PASSWORD.toCharArray()).build(), SandboxUsers.OPERATOR);

    assertThat(result.daemonRestarted()).isTrue();
    assertThat(copyAsDeploy(key, chain.app()).sent()).containsExactlyElementsOf(chain.closure());
    key.destroy();
  }

  @Test
  void aSecondRunChangesNothingRestartsNothingAndNeedsNoSudo() {
    KeyExchangeResult first = ensureTo(exchange().build(), SandboxUsers.ADMIN);
    assertThat(first.alreadyInPlace()).isFalse();
    String conf = state(target, CONF);
    String secret = state(target, "/etc/nix/signing-key.sec");
    String localSecret = Files.exists(secretKeyFile) ? secretKeyFile.toFile().lastModified() + "" : "none";
    long daemon = target.nixDaemonPid();

    // deploy cannot use sudo at all: the second run must not need it.
    KeyExchangeResult second = ensureTo(exchange().sudoPasswords(NO_PASSWORD).build(), SandboxUsers.DEPLOY);
    KeyExchangeResult third = ensureTo(exchange().build(), SandboxUsers.ADMIN);

    assertThat(second.alreadyInPlace()).isTrue();
    assertThat(third.alreadyInPlace()).isTrue();
    assertThat(second.summaryLines()).containsExactly("deploy@sandbox-0: keys already in place, nothing changed");
    assertThat(state(target, CONF)).isEqualTo(conf);
    assertThat(state(target, "/etc/nix/signing-key.sec")).isEqualTo(secret);
    assertThat(secretKeyFile.toFile().lastModified() + "").isEqualTo(localSecret);
    assertThat(target.nixDaemonPid()).isEqualTo(daemon);
  }

  @Test
  void twoConcurrentExchangesAddOneLine() throws Exception {
    int threads = 2;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<KeyExchangeResult>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          try (LocalTransport local = LocalTransport.create();
              Transport remote = connect(target, SandboxUsers.ADMIN)) {
            KeyExchange exchange = exchange().build();
            start.await();
            return exchange.ensureTo(local, remote);
          }
        }));
      }
      List<KeyExchangeResult> done = new ArrayList<>();
      for (Future<KeyExchangeResult> f : results) {
        done.add(f.get());
      }
      PublicKey key = SigningKeyPair.load(secretKeyFile).publicKey();

      assertThat(trustLines(target, key)).isEqualTo(1);
      assertThat(target.exec("cat", CONF).orThrow().stdout())
          .isEqualTo(originalConf + "extra-trusted-public-keys = " + key + "\n");
      assertThat(done.stream().mapToLong(r -> r.changes(ChangeKind.KEY_TRUSTED).size()).sum()).isEqualTo(1);
      assertThat(done.stream().mapToLong(r -> r.changes(ChangeKind.KEY_GENERATED).stream()
          .filter(c -> c.host().equals("local")).count()).sum()).isEqualTo(1);
      assertThat(done.stream().mapToLong(r -> r.changes(ChangeKind.KEY_GENERATED).stream()
          .filter(c -> !c.host().equals("local")).count()).sum()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keepsCommentsSettingsAndIncludesByteForByte() {
    String conf = originalConf + "# kept: a comment\nextra-substituters =   # odd spacing kept\n"
        + "!include local.conf\n!include missing.conf\n\ttrusted-users = root # no final line break";
    target.exec("sh", "-c", "printf %s \"$1\" >/etc/nix/nix.conf && chmod 664 /etc/nix/nix.conf"
        + " && echo 'max-jobs = 1' >/etc/nix/local.conf", "sh", conf).orThrow();

    ensureTo(exchange().build(), SandboxUsers.ADMIN);

    PublicKey key = SigningKeyPair.load(secretKeyFile).publicKey();
    assertThat(target.exec("cat", CONF).orThrow().stdout())
        .isEqualTo(conf + "\nextra-trusted-public-keys = " + key + "\n");
    assertThat(target.exec("stat", "-c", "%a %U:%G", CONF).orThrow().stdout()).isEqualTo("664 root:root\n");
    assertThat(target.exec("cat", "/etc/nix/local.conf").orThrow().stdout()).isEqualTo("max-jobs = 1\n");
    assertThat(target.exec("ls", "-A", "/etc/nix").orThrow().stdout().lines())
        .as("no temporary file left behind")
        .containsExactlyInAnyOrder(".nix-deploy.lock", "local.conf", "nix.conf", "signing-key.pub", "signing-key.sec");
  }

  @Test
  void aNixConfThatIsNotUtf8IsEditedAndKeepsItsBytes() {
    // 0xE9 is "é" in Latin-1, and no UTF-8.
    target.exec("sh", "-c", "printf '%s\\n# caf\\351 in Latin-1\\n' \"$1\" >/etc/nix/nix.conf", "sh",
        originalConf).orThrow();
    String before = hex(target, CONF);
    assertThat(before).contains("636166e920"); // "caf\351 "

    KeyExchangeResult first = ensureTo(exchange().build(), SandboxUsers.ADMIN);

    PublicKey key = SigningKeyPair.load(secretKeyFile).publicKey();
    assertThat(first.changes()).extracting(KeyExchangeResult.Change::kind).contains(ChangeKind.KEY_TRUSTED);
    assertThat(hex(target, CONF)).isEqualTo(before
        + HexFormat.of().formatHex(("extra-trusted-public-keys = " + key + "\n").getBytes(StandardCharsets.UTF_8)));
    assertThat(ensureTo(exchange().build(), SandboxUsers.ADMIN).changes()).isEmpty();
  }

  /** @return the file's bytes in lowercase hex, read on the host so that no decoding touches them */
  private static String hex(SandboxHost host, String file) {
    return host.exec("sh", "-c", "od -An -v -tx1 \"$1\" | tr -d ' \\n'", "sh", file).orThrow().stdout();
  }

  @Test
  void aKeyTrustedThroughAnIncludedFileIsLeftAlone() {
    SigningKeyPair key = localKey();
    target.exec("sh", "-c", "echo '!include trusted.d/keys.conf' >>/etc/nix/nix.conf && mkdir -p /etc/nix/trusted.d"
        + " && echo \"extra-trusted-public-keys = $1\" >/etc/nix/trusted.d/keys.conf"
        + " && nix-store --generate-binary-cache-key pre-1 /etc/nix/signing-key.sec /etc/nix/signing-key.pub",
        "sh", key.publicKey().toString()).orThrow();
    target.restartNixDaemon();
    String before = state(target, CONF);
    long daemon = target.nixDaemonPid();

    KeyExchangeResult result = ensureTo(exchange().sudoPasswords(NO_PASSWORD).build(), SandboxUsers.DEPLOY);

    assertThat(result.alreadyInPlace()).isTrue();
    assertThat(state(target, CONF)).isEqualTo(before);
    assertThat(target.nixDaemonPid()).isEqualTo(daemon);
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    assertThat(copyAsDeploy(key, chain.app()).sent()).hasSize(3);
    key.destroy();
  }

  @Test
  void onNixosTheReadOnlyNixConfIsLeftAloneAndTheConfigurationLineIsGiven() {
    String storeFile = target.exec("sh", "-c", "cp /etc/nix/nix.conf /tmp/nixos-nix.conf.$$"
        + " && nix-store --add /tmp/nixos-nix.conf.$$ && rm /tmp/nixos-nix.conf.$$").orThrow().stdout().strip();
    target.exec("ln", "-sfn", storeFile, CONF).orThrow();
    SigningKeyPair key = localKey();
    String before = state(target, CONF) + target.exec("ls", "-la", "/etc/nix").orThrow().stdout();

    assertThatThrownBy(() -> ensureTo(exchange().build(), SandboxUsers.ADMIN))
        .isInstanceOf(KeyExchangeException.class)
        .hasMessageContaining("read-only link into the Nix store (NixOS)")
        .hasMessageContaining("nix.settings.trusted-public-keys = [ \"" + key.publicKey() + "\" ];");

    assertThat(state(target, CONF) + target.exec("ls", "-la", "/etc/nix").orThrow().stdout()).isEqualTo(before);
    assertThat(target.exec("readlink", CONF).orThrow().stdout().strip()).isEqualTo(storeFile);
    key.destroy();
  }

  @Test
  void aUserWithoutSudoIsToldWhatToDoAndNothingChanges() {
    String before = state(target, CONF) + target.exec("ls", "-la", "/etc/nix").orThrow().stdout();

    assertThatThrownBy(() -> ensureTo(exchange().build(), SandboxUsers.DEPLOY))
        .isInstanceOf(PrivilegeException.class)
        .hasMessageContaining("as user deploy")
        .hasMessageContaining("Nothing was changed")
        .hasMessageContaining("NOPASSWD");

    assertThat(state(target, CONF) + target.exec("ls", "-la", "/etc/nix").orThrow().stdout()).isEqualTo(before);
  }

  /** An include only root may read: the advice keeps its secrets secret (a group), never chmod 644. */
  @Test
  void anUnreadableIncludeIsReportedWithAdviceThatKeepsItsSecrets() {
    target.exec("sh", "-c", "printf 'access-tokens = github.com=ghp_SECRET\\n' > /etc/nix/secrets.conf"
        + " && chmod 600 /etc/nix/secrets.conf && printf '!include secrets.conf\\n' >> /etc/nix/nix.conf").orThrow();
    String before = state(target, CONF);

    assertThatThrownBy(() -> ensureTo(exchange().build(), SandboxUsers.ADMIN))
        .isInstanceOf(KeyExchangeException.class)
        .hasMessageContaining("/etc/nix/secrets.conf")
        .hasMessageContaining("chgrp GROUP /etc/nix/secrets.conf; chmod 640 /etc/nix/secrets.conf")
        .hasMessageContaining("do not make it readable by everyone")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("644", "ghp_SECRET"));

    assertThat(state(target, CONF)).isEqualTo(before);
  }

  /**
   * A {@code --from} host whose public key is named {@code evil#x} (nix.conf would read the name as
   * {@code evil} and a comment) is refused before the receiving nix.conf changes.
   */
  @Test
  void aFromHostsKeyWithANameNixConfCannotCarryIsRefusedBeforeTheReceiverChanges() {
    target.exec("nix-store", "--generate-binary-cache-key", "evil#x", "/etc/nix/signing-key.sec",
        "/etc/nix/signing-key.pub").orThrow();
    String before = state(receiver, CONF);

    try (Transport here = connect(receiver, SandboxUsers.ADMIN); Transport there = connect(target, SandboxUsers.ADMIN)) {
      assertThatThrownBy(() -> exchange().build().ensureFrom(here, there))
          .hasMessageContaining("evil#x")
          .hasMessageContaining("'#'");
    }

    assertThat(state(receiver, CONF)).isEqualTo(before);
  }

  @Test
  void noSecretKeyCrossesTheNetwork() throws IOException {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    ensureTo(exchange().build(), SandboxUsers.ADMIN);
    try (LocalTransport local = LocalTransport.create(); Transport remote = connect(target, SandboxUsers.ADMIN)) {
      exchange().build().ensureFrom(local, remote);
    }
    SigningKeyPair key = localKey();
    copyAsDeploy(key, chain.app());
    key.destroy();
    String localSecret = Files.readString(secretKeyFile).strip();
    String localBase64 = localSecret.substring(localSecret.indexOf(':') + 1);
    String hostSecret = target.exec("cat", "/etc/nix/signing-key.sec").orThrow().stdout().strip();
    String hostBase64 = hostSecret.substring(hostSecret.indexOf(':') + 1);

    // The host's /tmp is this machine's: skip the test's own key directory and the sandbox hosts' files.
    ExecResult onHost = target.exec("grep", "-rlF", "-D", "skip", "--exclude-dir=" + secretKeyFile.getParent()
        .getFileName(), "--exclude-dir=nixdeploy-sandbox-*", localBase64, "/etc", "/nix/var", "/tmp", "/home",
        "/root");
    assertThat(onHost.exitCode()).as("local secret found on the host in: %s", onHost.stdout()).isEqualTo(1);
    ProcessBuilder grep = new ProcessBuilder("grep", "-rlF", "-D", "skip", "--exclude-dir=nixdeploy-sandbox-*",
        hostBase64, secretKeyFile.getParent().toString(), System.getProperty("java.io.tmpdir"));
    grep.redirectErrorStream(true);
    Process p = grep.start();
    String found = new String(p.getInputStream().readAllBytes());
    assertThat(waitFor(p)).as("host secret found locally in: %s", found).isEqualTo(1);
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void fromTheHostSignsTheClosureAndTheReceiverTrustsItsKey() {
    SampleClosures.Chain chain = SampleClosures.chain(seed());
    try (LocalTransport local = LocalTransport.create(); Transport root = connect(target, SandboxUsers.ROOT);
        ServeClient from = ServeClient.open(local); ServeClient to = ServeClient.open(root)) {
      CopyEngine.builder().build().copy(from, to, List.of(chain.app()));
    }
    assertThatThrownBy(() -> pullAsDeploy(chain.app())).isInstanceOf(UntrustedSignatureException.class);
    long receiverDaemon = receiver.nixDaemonPid();

    KeyExchangeResult result;
    KeyExchange exchange = exchange().build();
    try (Transport here = connect(receiver, SandboxUsers.ADMIN); Transport there = connect(target, SandboxUsers.ADMIN)) {
      result = exchange.ensureFrom(here, there);
      exchange.signOnRemote(there, chain.closure());
      exchange.signOnRemote(there, chain.closure()); // repeating it is harmless
    }

    PublicKey hostKey = PublicKey.parse(target.exec("cat", "/etc/nix/signing-key.pub").orThrow().stdout());
    assertThat(result.changes()).containsExactly(
        new KeyExchangeResult.Change(ChangeKind.KEY_GENERATED, "admin@sandbox-0", hostKey),
        new KeyExchangeResult.Change(ChangeKind.KEY_TRUSTED, "admin@sandbox-1", hostKey),
        new KeyExchangeResult.Change(ChangeKind.DAEMON_RESTARTED, "admin@sandbox-1", hostKey));
    assertThat(hostKey.name()).matches("sandbox-0-nix-deploy-[0-9a-f]{8}");
    assertThat(receiver.nixDaemonPid()).isNotEqualTo(receiverDaemon);
    assertThat(pullAsDeploy(chain.app()).sent()).containsExactlyElementsOf(chain.closure());
    assertThat(target.exec("nix-store", "-q", "--hash", chain.app().path()).succeeded()).isTrue();
    assertThat(target.exec("sh", "-c", "nix path-info --extra-experimental-features nix-command --sigs \"$1\"",
        "sh", chain.app().path()).orThrow().stdout()).containsOnlyOnce(hostKey.name() + ":");
    assertThat(secretKeyFile).doesNotExist();
  }

  private CopyResult pullAsDeploy(StorePath root) {
    try (Transport there = connect(target, SandboxUsers.DEPLOY); Transport here = connect(receiver, SandboxUsers.DEPLOY);
        ServeClient from = ServeClient.open(there); ServeClient to = ServeClient.open(here)) {
      return CopyEngine.builder().build().copy(from, to, List.of(root));
    }
  }

  @Test
  void fromIntoARootSingleUserStoreNeedsNoTrustedKey() {
    assumeThat(System.getenv("NIX_REMOTE")).as("a local store opened directly").isNull();
    assumeThat(new com.sun.security.auth.module.UnixSystem().getUid()).as("root").isZero();
    String localConf = readLocalConf();
    KeyExchangeResult result;
    try (LocalTransport local = LocalTransport.create(); Transport there = connect(target, SandboxUsers.ADMIN)) {
      result = exchange().build().ensureFrom(local, there);
    }
    assertThat(result.changes()).extracting(KeyExchangeResult.Change::kind).containsExactly(ChangeKind.KEY_GENERATED);
    assertThat(result.notes()).singleElement().asString().contains("local is root with a store it opens directly");
    assertThat(readLocalConf()).isEqualTo(localConf);
  }

  private static String readLocalConf() {
    try {
      Path conf = Path.of(CONF);
      return Files.exists(conf) ? Files.readString(conf) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
