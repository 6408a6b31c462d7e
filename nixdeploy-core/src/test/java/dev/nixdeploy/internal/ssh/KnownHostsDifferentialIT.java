package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.Command;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-key verdicts held to OpenSSH's: every case (known_hosts files, configuration, policy) is run once
 * through OpenSSH's own {@code ssh} and once through {@link SshTransports#connect} against the same real
 * sshd, and both must accept or refuse alike, and change the user's file alike. The exception is where
 * nix-deploy is stricter on purpose (a host known only through {@code @cert-authority}, under accept-new:
 * nix-deploy does not check host certificates, so it never adds a plain key beside a CA), which must be
 * accepted by OpenSSH and refused by us. (A known host offering a key of a type the files have no entry of is refused by both:
 * OpenSSH 9.2 counts any other key for the host as a changed key.) A few cases also run under
 * {@code StrictHostKeyChecking no}, which nix-deploy reads as accept-new: a revoked or changed key
 * OpenSSH accepts with a warning, nix-deploy refuses.
 */
class KnownHostsDifferentialIT {
  @TempDir static Path dir;
  static TestSshd ed25519Host;
  static TestSshd ecdsaHost;
  static Path clientKey;
  static String otherKey;

  @BeforeAll
  static void startServers() throws Exception {
    ed25519Host = TestSshd.start(dir.resolve("ed"), dir.resolve("ed").resolve("host_ed25519"));
    Path ecdsaKey = TestSshd.keygen(dir.resolve("ec").resolve("host_ecdsa"), "ecdsa", "");
    ecdsaHost = TestSshd.start(dir.resolve("ec"), ecdsaKey);
    clientKey = TestSshd.keygen(dir.resolve("keys/id_ed25519"), "ed25519", "");
    ed25519Host.authorize(clientKey);
    ecdsaHost.authorize(clientKey);
    Path other = TestSshd.keygen(dir.resolve("keys/other_host"), "ed25519", "");
    otherKey = publicKey(other);
  }

  @AfterAll
  static void stopServers() {
    for (TestSshd s : new TestSshd[] {ed25519Host, ecdsaHost}) {
      if (s != null) {
        s.close();
      }
    }
  }

  /**
   * One case: what the user file, a second user file and the global file hold ({@code {N}} is the host's
   * known_hosts name, {@code {KEY}} its key, {@code {OTHER}} another ed25519 key, {@code {ED}} the ed25519
   * host's key, {@code {HASHED}} the host's key under its hashed name), extra configuration lines, and
   * whether we are stricter than OpenSSH under accept-new.
   */
  record Case(String name, boolean ecdsa, String user, String user2, String global, String config,
      boolean stricterUnderAcceptNew) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    List<Case> cases = List.of(
        new Case("exact pin", false, "{N} {KEY}\n", "", "", "", false),
        new Case("hashed pin", false, "{HASHED}", "", "", "", false),
        new Case("wildcard pin", false, "[127.0.0.*]:{PORT} {KEY}\n", "", "", "", false),
        new Case("negated pattern rules the line out", false, "[127.0.0.*]:{PORT},!{N} {KEY}\n", "", "", "", false),
        new Case("no entry", false, "other.example {OTHER}\n", "", "", "", false),
        new Case("changed key", false, "{N} {OTHER}\n", "", "", "", false),
        new Case("changed key under a pattern", false, "[127.0.0.?]:* {OTHER}\n", "", "", "", false),
        new Case("pin and a revocation by pattern", false, "{N} {KEY}\n@revoked * {KEY}\n", "", "", "", false),
        new Case("revocation in the global file", false, "{N} {KEY}\n", "", "@revoked * {KEY}\n", "", false),
        new Case("revocation alone", false, "@revoked [127.0.0.1]:* {KEY}\n", "", "", "", false),
        new Case("pin in the second user file", false, "", "{N} {KEY}\n", "", "", false),
        new Case("pin in the global file", false, "", "", "{N} {KEY}\n", "", false),
        new Case("other key in the global file", false, "", "", "{N} {OTHER}\n", "", false),
        new Case("alias pinned", false, "web-alias {KEY}\n", "", "", "HostKeyAlias web-alias\n", false),
        new Case("alias unknown, host pinned", false, "{N} {KEY}\n", "", "", "HostKeyAlias web-alias\n", false),
        new Case("names are case-insensitive", false, "WEB-ALIAS {KEY}\n", "", "", "HostKeyAlias Web-Alias\n",
            false),
        new Case("bad lines are skipped", false,
            "{N} ssh-ed25519 @@@@\n@bogus {N} {KEY}\n# {N} {KEY}\n  {N}\t{KEY} comment\n", "", "", "", false),
        new Case("only a bad marker", false, "@bogus {N} {KEY}\n", "", "", "", false),
        new Case("hashing new entries", false, "", "", "", "HashKnownHosts yes\n", false),
        new Case("key type not pinned", true, "{N} {ED}\n", "", "", "", false),
        new Case("known through a certificate authority only", false, "@cert-authority [127.0.0.1]:* {OTHER}\n",
            "", "", "", true));
    List<Arguments> args = new ArrayList<>();
    for (Case c : cases) {
      args.add(Arguments.of(c, "yes"));
      args.add(Arguments.of(c, "accept-new"));
      if (UNDER_NO.contains(c.name())) {
        args.add(Arguments.of(c, "no"));
      }
    }
    return args.stream();
  }

  /**
   * The cases also run under {@code StrictHostKeyChecking no}, which nix-deploy treats as accept-new: a
   * revoked or changed key OpenSSH accepts with a warning (it only turns password logins off), nix-deploy
   * refuses.
   */
  static final java.util.Set<String> UNDER_NO = java.util.Set.of("exact pin", "no entry", "changed key",
      "pin and a revocation by pattern", "revocation in the global file", "revocation alone");

  /** What one client did: connected or not, and the user file afterwards. */
  record Outcome(boolean connected, String userFile, String detail) {}

  @ParameterizedTest(name = "{0}, StrictHostKeyChecking {1}")
  @MethodSource("cases")
  void bothClientsAgree(Case c, String strict) throws Exception {
    TestSshd host = c.ecdsa() ? ecdsaHost : ed25519Host;
    Path caseDir = Files.createTempDirectory(dir, "case");
    Outcome openssh = run(c, strict, host, caseDir.resolve("openssh"), true);
    Outcome ours = run(c, strict, host, caseDir.resolve("ours"), false);
    if (strict.equals("no")) {
      assertThat(!ours.connected() || openssh.connected())
          .as("nix-deploy (%s) is never laxer than OpenSSH (%s)", ours.detail(), openssh.detail()).isTrue();
      if (c.name().contains("revocation") || c.name().equals("changed key")) {
        assertThat(openssh.connected()).as("OpenSSH only warns: %s", openssh.detail()).isTrue();
        assertThat(ours.connected()).as("nix-deploy refuses it: %s", ours.detail()).isFalse();
        assertThat(ours.userFile()).isEqualTo(expand(c.user(), host));
        return;
      }
    }
    if (c.stricterUnderAcceptNew() && strict.equals("accept-new")) {
      assertThat(openssh.connected()).as("OpenSSH connects: %s", openssh.detail()).isTrue();
      assertThat(ours.connected()).as("nix-deploy refuses: %s", ours.detail()).isFalse();
      assertThat(ours.userFile()).isEqualTo(expand(c.user(), host));
      return;
    }
    assertThat(ours.connected()).as("nix-deploy (%s) against OpenSSH (%s)", ours.detail(), openssh.detail())
        .isEqualTo(openssh.connected());
    assertThat(ours.userFile().equals(expand(c.user(), host)))
        .as("nix-deploy left the user file as OpenSSH did:%n%s%nagainst%n%s", ours.userFile(), openssh.userFile())
        .isEqualTo(openssh.userFile().equals(expand(c.user(), host)));
    if (!ours.userFile().equals(openssh.userFile())) {
      // Both appended: hashed (salts differ) or plain alike.
      assertThat(added(ours, c, host).startsWith("|1|")).isEqualTo(added(openssh, c, host).startsWith("|1|"));
      assertThat(added(ours, c, host).replaceAll("^\\|1\\|[^ ]* ", ""))
          .isEqualTo(added(openssh, c, host).replaceAll("^\\|1\\|[^ ]* ", ""));
    }
  }

  private static String added(Outcome o, Case c, TestSshd host) {
    return o.userFile().substring(expand(c.user(), host).length());
  }

  private Outcome run(Case c, String strict, TestSshd host, Path d, boolean openssh) throws Exception {
    Files.createDirectories(d);
    Path user = write(d.resolve("known_hosts"), expand(c.user(), host));
    Path user2 = write(d.resolve("known_hosts2"), expand(c.user2(), host));
    Path global = write(d.resolve("ssh_known_hosts"), expand(c.global(), host));
    Path config = write(d.resolve("config"), String.join("\n",
        "Host t",
        "  HostName 127.0.0.1",
        "  Port " + host.port,
        "  User root",
        "  IdentityFile " + clientKey,
        "  IdentitiesOnly yes",
        "  UserKnownHostsFile " + user + " " + user2,
        "  GlobalKnownHostsFile " + global,
        "  StrictHostKeyChecking " + strict,
        "  UpdateHostKeys no",
        "  ConnectTimeout 20",
        "") + c.config().replaceAll("(?m)^", "  "));
    boolean connected;
    String detail;
    if (openssh) {
      Process p = new ProcessBuilder("ssh", "-F", config.toString(), "-o", "BatchMode=yes", "t", "true")
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      detail = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      connected = p.exitValue() == 0;
    } else {
      SshSettings settings = SshSettings.builder().sshConfigFile(config).useAgent(false).build();
      try (Transport t = SshTransports.connect(Target.parse("t"), settings)) {
        connected = t.run(Command.of("true")).exitCode() == 0;
        detail = "connected";
      } catch (HostKeyException e) {
        connected = false;
        detail = e.reason() + ": " + e.getMessage();
      }
    }
    return new Outcome(connected, Files.readString(user, StandardCharsets.ISO_8859_1), detail);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    return file;
  }

  private static String expand(String template, TestSshd host) {
    try {
      String name = "[127.0.0.1]:" + host.port;
      String key = publicKey(host.hostKey);
      byte[] blob = Base64.getDecoder().decode(key.split(" ")[1]);
      return template.replace("{HASHED}", KnownHosts.line(name, blob, true, new SecureRandom()))
          .replace("{N}", name).replace("{PORT}", Integer.toString(host.port)).replace("{KEY}", key)
          .replace("{OTHER}", otherKey).replace("{ED}", publicKey(ed25519Host.hostKey));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String publicKey(Path privateKey) throws IOException {
    String[] pub = Files.readString(Path.of(privateKey + ".pub")).trim().split(" ");
    return pub[0] + " " + pub[1];
  }
}
