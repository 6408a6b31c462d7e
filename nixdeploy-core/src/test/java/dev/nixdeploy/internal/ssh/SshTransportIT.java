package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.ConnectionException;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSH transport against a real OpenSSH server on 127.0.0.1. */
class SshTransportIT {
  static final String PASSPHRASE = "correct horse ✓ battery";
  static final List<String> HOSTILE = List.of(
      "$(touch nixdeploy-pwned)", "`touch nixdeploy-pwned`", "'", "it's", "\"x\"", "a\nb", "\n",
      "-rf", "--", "", " ", "\t", "back\\slash", "$HOME", "*", "~", "a;b", "a&&b", "a|b", ">x", "ünïcødé ✓ 日本",
      "%s", "#", "!");

  @TempDir static Path dir;
  static TestSshd sshd;
  static Path knownHosts;
  static Path ed25519;
  static Path ecdsaEncrypted;
  static Path rsa;
  static Path stranger;

  @BeforeAll
  static void startServer() throws Exception {
    sshd = TestSshd.start(dir.resolve("sshd"), dir.resolve("sshd").resolve("host_ed25519"));
    ed25519 = TestSshd.keygen(dir.resolve("keys/id_ed25519"), "ed25519", "");
    ecdsaEncrypted = TestSshd.keygen(dir.resolve("keys/id_ecdsa"), "ecdsa", PASSPHRASE);
    rsa = TestSshd.keygen(dir.resolve("keys/id_rsa"), "rsa", "");
    stranger = TestSshd.keygen(dir.resolve("keys/stranger"), "ed25519", "");
    sshd.authorize(ed25519);
    sshd.authorize(ecdsaEncrypted);
    sshd.authorize(rsa);
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, sshd.knownHostsLine());
  }

  @AfterAll
  static void stopServer() {
    if (sshd != null) {
      sshd.close();
    }
  }

  static Target target() {
    return Target.parse("root@127.0.0.1:" + sshd.port);
  }

  static SshSettings.Builder settings() {
    return SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(ed25519).connectTimeout(Duration.ofSeconds(20));
  }

  static Transport connect() {
    return SshTransports.connect(target(), settings().build());
  }

  @Test
  void runsACommandAndReportsExitCodeStdoutAndStderr() {
    try (Transport t = connect()) {
      CommandResult r = t.run(Command.of("sh", "-c", "printf out; printf err >&2; exit 3"));
      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(r.stdout()).isEqualTo("out");
      assertThat(r.stderr()).isEqualTo("err");
      assertThat(t.host()).isEqualTo("root@127.0.0.1:" + sshd.port);
      assertThat(t.run(Command.of("id", "-un")).orThrow(t.host()).stdout()).isEqualTo("root\n");
    }
  }

  @Test
  void hostileArgumentsArriveLiterally() {
    try (Transport t = connect()) {
      for (String arg : HOSTILE) {
        CommandResult r = t.run(Command.of("printf", "%s", arg));
        assertThat(r.exitCode()).as("exit for %s", arg).isZero();
        assertThat(r.stdout().getBytes(StandardCharsets.UTF_8)).as("bytes of %s", arg)
            .isEqualTo(arg.getBytes(StandardCharsets.UTF_8));
      }
      StringBuilder expected = new StringBuilder();
      HOSTILE.forEach(a -> expected.append('[').append(a).append(']'));
      assertThat(t.run(Command.of("printf", "[%s]").with(HOSTILE.toArray(String[]::new))).stdout())
          .isEqualTo(expected.toString());
      // Commands start in the remote user's home, which is ours: the sshd runs here, as root.
      assertThat(t.run(Command.of("sh", "-c", "test -e nixdeploy-pwned")).exitCode()).isNotZero();
    }
  }

  @Test
  void feedsStandardInput() {
    try (Transport t = connect()) {
      byte[] input = "line one\nzwei ✓\n".getBytes(StandardCharsets.UTF_8);
      assertThat(t.run(Command.of("cat"), input).stdout()).isEqualTo("line one\nzwei ✓\n");
    }
  }

  @Test
  void runsSeveralChannelsAtOnceOverOneSession() throws Exception {
    // A connection of an earlier test may still be ending: count only the connections that are new.
    java.util.Set<Long> before = new java.util.HashSet<>();
    sshd.connections().forEach(c -> before.add(c.pid()));
    try (Transport t = connect()) {
      List<RemoteProcess> cats = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        cats.add(t.start(Command.of("cat")));
      }
      // Every cat answers while all four run: four live channels.
      for (int i = 0; i < cats.size(); i++) {
        OutputStream in = cats.get(i).stdin();
        in.write(("ping " + i + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(cats.get(i).stdout(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ping " + i);
      }
      assertThat(((SshTransport) t).channelsRunning()).isEqualTo(4);
      assertThat(sshd.connections()).filteredOn(c -> !before.contains(c.pid())).hasSize(1);
      for (RemoteProcess cat : cats) {
        cat.stdin().close();
        assertThat(cat.waitFor(Duration.ofSeconds(30))).hasValue(0);
        cat.close();
      }

      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<CommandResult>> results = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
          String word = "job-" + i;
          results.add(pool.submit(() -> t.run(Command.of("printf", "%s", word))));
        }
        for (int i = 0; i < results.size(); i++) {
          assertThat(results.get(i).get().stdout()).isEqualTo("job-" + i);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(sshd.connections()).filteredOn(c -> !before.contains(c.pid())).hasSize(1);
      assertThat(((SshTransport) t).channelsOpened()).isEqualTo(4 + 24);
    }
  }

  @Test
  void streamsALargeOutputWithFlatMemory() throws Exception {
    long size = 50L * 1024 * 1024;
    try (Transport t = connect();
        RemoteProcess p = t.start(Command.of("head", "-c", Long.toString(size), "/dev/zero"))) {
      p.stdin().close();
      long baseline = usedHeapAfterGc();
      long peak = baseline;
      long total = 0;
      long nonZero = 0;
      byte[] buffer = new byte[64 * 1024];
      InputStream out = p.stdout();
      for (int n; (n = out.read(buffer)) >= 0; ) {
        for (int i = 0; i < n; i++) {
          nonZero += buffer[i] == 0 ? 0 : 1;
        }
        long before = total;
        total += n;
        if (before / (8 << 20) != total / (8 << 20)) {
          peak = Math.max(peak, usedHeapAfterGc());
        }
      }
      assertThat(total).isEqualTo(size);
      assertThat(nonZero).isZero();
      assertThat(p.waitFor(Duration.ofSeconds(60))).hasValue(0);
      // Buffering the whole output would cost 50 MB of heap.
      assertThat(peak - baseline).isLessThan(24L << 20);
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  @Test
  void refusesAnUnknownHostKeyByDefault() throws Exception {
    Path empty = dir.resolve("empty_known_hosts");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> SshTransports.connect(target(), settings().knownHostsFile(empty).build()))
        .isInstanceOfSatisfying(HostKeyException.class, e -> {
          assertThat(e.reason()).isEqualTo(HostKeyException.Reason.UNKNOWN);
          assertThat(e.host()).isEqualTo(target().toString());
          assertThat(e.knownHostsFile()).isEqualTo(empty);
          assertThat(e.keyType()).isEqualTo("ssh-ed25519");
        })
        .hasMessageContaining(target().toString())
        .hasMessageContaining(sshd.fingerprint())
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("ssh-keyscan -p " + sshd.port);
    assertThat(Files.readString(empty)).isEmpty();
  }

  @Test
  void acceptNewAddsTheKeySoThatAStrictConnectSucceedsNext() throws Exception {
    Path file = dir.resolve("tofu").resolve("known_hosts");
    try (Transport t = SshTransports.connect(target(),
        settings().knownHostsFile(file).hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build())) {
      assertThat(t.run(Command.of("true")).exitCode()).isZero();
    }
    assertThat(Files.readString(file)).isEqualTo(sshd.knownHostsLine());
    try (Transport t = SshTransports.connect(target(), settings().knownHostsFile(file).build())) {
      assertThat(t.run(Command.of("true")).exitCode()).isZero();
    }
    assertThat(Files.readString(file)).isEqualTo(sshd.knownHostsLine());
  }

  @Test
  void refusesAChangedHostKeyEvenWithAcceptNew() throws Exception {
    Path otherKey = TestSshd.keygen(dir.resolve("other_host_key"), "ed25519", "");
    String[] pub = Files.readString(Path.of(otherKey + ".pub")).trim().split(" ");
    Path file = dir.resolve("changed_known_hosts");
    String content = "[127.0.0.1]:" + sshd.port + " " + pub[0] + " " + pub[1] + "\n";
    Files.writeString(file, content);
    assertThatThrownBy(() -> SshTransports.connect(target(),
        settings().knownHostsFile(file).hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build()))
        .isInstanceOfSatisfying(HostKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(HostKeyException.Reason.CHANGED))
        .hasMessageContaining("CHANGED")
        .hasMessageContaining(sshd.fingerprint())
        .hasMessageContaining(file.toString());
    assertThat(Files.readString(file)).isEqualTo(content);
  }

  @Test
  void refusesARevokedHostKey() throws Exception {
    Path file = dir.resolve("revoked_known_hosts");
    Files.writeString(file, sshd.knownHostsLine() + "@revoked " + sshd.knownHostsLine());
    assertThatThrownBy(() -> SshTransports.connect(target(),
        settings().knownHostsFile(file).hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build()))
        .isInstanceOfSatisfying(HostKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(HostKeyException.Reason.REVOKED))
        .hasMessageContaining("@revoked")
        .hasMessageContaining(sshd.fingerprint())
        .hasMessageContaining(file.toString());
  }

  @Test
  void connectsThroughAnSshConfigAlias() throws Exception {
    Path config = dir.resolve("ssh_config");
    Files.writeString(config, String.join("\n",
        "Host nixdeploy-test-alias",
        "  HostName 127.0.0.1",
        "  Port " + sshd.port,
        "  User root",
        "  IdentityFile " + rsa,
        "  UserKnownHostsFile " + knownHosts,
        "  ConnectTimeout 20",
        ""));
    SshSettings s = SshSettings.builder().sshConfigFile(config).useAgent(false).build();
    try (Transport t = SshTransports.connect(Target.parse("nixdeploy-test-alias"), s)) {
      assertThat(t.host()).isEqualTo("nixdeploy-test-alias");
      assertThat(t.run(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
    }
  }

  @Test
  void unlocksAnEncryptedKeyThroughThePassphraseSource() {
    List<Path> asked = new ArrayList<>();
    List<char[]> handedOut = new ArrayList<>();
    SshSettings s = SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(ecdsaEncrypted)
        .passphraseSource(file -> {
          asked.add(file);
          char[] p = PASSPHRASE.toCharArray();
          handedOut.add(p);
          return p;
        }).build();
    try (Transport t = SshTransports.connect(target(), s)) {
      assertThat(t.run(Command.of("printf", "ok")).stdout()).isEqualTo("ok");
    }
    assertThat(asked).containsExactly(ecdsaEncrypted);
    assertThat(new String(handedOut.get(0))).isEqualTo("\0".repeat(PASSPHRASE.length()));
  }

  @Test
  void aWrongPassphraseIsAClearAuthenticationError() {
    SshSettings s = SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(ecdsaEncrypted).passphraseSource(file -> "hunter2".toCharArray()).build();
    assertThatThrownBy(() -> SshTransports.connect(target(), s))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(ecdsaEncrypted.toString())
        .hasMessageContaining("does not unlock")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void anEncryptedKeyWithoutPassphraseSourceSaysWhatToDo() {
    SshSettings s = SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(ecdsaEncrypted).build();
    assertThatThrownBy(() -> SshTransports.connect(target(), s))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("encrypted").hasMessageContaining("ssh-add " + ecdsaEncrypted)
        .hasMessageNotContaining("passphraseSource");
  }

  @Test
  void aKeyTheHostDoesNotKnowIsAClearAuthenticationError() {
    SshSettings s = SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(stranger).build();
    assertThatThrownBy(() -> SshTransports.connect(target(), s))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> {
          assertThat(e.host()).isEqualTo(target().toString());
          assertThat(e.user()).isEqualTo("root");
          assertThat(e.attempted()).singleElement().asString().contains(stranger.toString());
        })
        .hasMessageContaining(target().toString())
        .hasMessageContaining("root")
        .hasMessageContaining(stranger.toString());
  }

  @Test
  void aMissingIdentityFileIsNamed() {
    Path missing = dir.resolve("keys/missing");
    SshSettings s = settings().identityFile(missing).build();
    assertThatThrownBy(() -> SshTransports.connect(target(), s))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "rsa"})
  void logsInWithEachKeyType(String type) {
    Path key = type.equals("rsa") ? rsa : ed25519;
    SshSettings s = SshSettings.builder().ignoreSshConfig().useAgent(false).knownHostsFile(knownHosts)
        .identityFile(key).build();
    try (Transport t = SshTransports.connect(target(), s)) {
      assertThat(t.run(Command.of("true")).exitCode()).isZero();
    }
  }

  @Test
  void logsInWithAKeyFromSshAgent() throws Exception {
    Path socket = dir.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    try {
      for (int i = 0; i < 500 && !Files.exists(socket); i++) {
        Thread.sleep(10);
      }
      ProcessBuilder add = new ProcessBuilder("ssh-add", rsa.toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      Process p = add.start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).isZero();
      SshSettings s = SshSettings.builder().ignoreSshConfig().knownHostsFile(knownHosts)
          .agentSocket(socket).build();
      try (Transport t = SshTransports.connect(target(), s)) {
        assertThat(t.run(Command.of("printf", "agent")).stdout()).isEqualTo("agent");
      }
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  @Test
  void aDroppedConnectionIsReportedAsLost() throws Exception {
    try (Transport t = connect()) {
      RemoteProcess cat = t.start(Command.of("cat"));
      cat.stdin().write("x\n".getBytes(StandardCharsets.UTF_8));
      cat.stdin().flush();
      assertThat(cat.stdout().read()).isEqualTo('x');
      int before = sshd.connections().size();
      assertThat(before).isGreaterThanOrEqualTo(1);
      sshd.dropConnections();
      assertThatThrownBy(() -> {
        cat.stdout().readAllBytes();
        cat.waitFor(Duration.ofSeconds(60));
      }).isInstanceOf(ConnectionLostException.class).hasMessageContaining(t.host());
      assertThatThrownBy(() -> t.run(Command.of("true")))
          .isInstanceOf(ConnectionLostException.class).hasMessageContaining(t.host());
    }
  }

  @Test
  void closingTheTransportEndsItsCommands() throws Exception {
    Transport t = connect();
    // OpenSSH delivers no signals to root sessions; a command reading its input sees it end.
    RemoteProcess reader = t.start(Command.of("sh", "-c", "echo $$; exec cat"));
    long pid = Long.parseLong(new BufferedReader(new InputStreamReader(reader.stdout(), StandardCharsets.UTF_8))
        .readLine().trim());
    ProcessHandle remote = ProcessHandle.of(pid).orElseThrow();
    assertThat(reader.isAlive()).isTrue();
    t.close();
    assertThat(reader.isAlive()).isFalse();
    // The sshd runs on this machine, so the remote command is a local process: it must go away.
    remote.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThatThrownBy(() -> t.start(Command.of("true"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    t.close();
  }

  @Test
  void aHostThatDoesNotAnswerIsAClearConnectionError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Target nowhere = Target.parse("root@127.0.0.1:" + closedPort);
    assertThatThrownBy(() -> SshTransports.connect(nowhere, settings().build()))
        .isInstanceOf(ConnectionException.class)
        .isNotInstanceOfAny(HostKeyException.class, AuthenticationException.class)
        .hasMessageContaining(nowhere.toString())
        .hasMessageContaining("port " + closedPort);
  }
}
