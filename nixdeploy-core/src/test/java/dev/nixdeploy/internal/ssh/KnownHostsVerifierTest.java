package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.HostKeyRepository;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.HostKeyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsVerifierTest {
  static final String K1 = "AAAAC3NzaC1lZDI1NTE5AAAAIEzdeTzSI4j597/gDwXtDKoCiqo8ENsy/kE4t2+Kp36S";
  static final String K1_FP = "SHA256:Ms3Fhmg6kYbROqkjN4X4FyUoMFfrOLAbSS5D3YgKoKM";
  static final String K3 = "AAAAC3NzaC1lZDI1NTE5AAAAIK3EXf94gu70lfBZbPlquHYgeFk7r30FhYtg5CINOSYu";
  static final String K3_FP = "SHA256:xHqcdRZV+eR1uW8vLIhRVpwWj8auV/O2kt+trH2lwHg";
  /** An ECDSA P-256 key, as ssh-keygen writes it. */
  static final String E1 = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIp92S8gda70ypPvHy/tsD46hz91qXPYR6IWEOHc69y62DvV9TxGHlKBywAYOQ/2SIduKdyfzkC7jdv0aZvuBRQ=";
  /** K1 for [127.0.0.1]:2222, hashed by {@code ssh-keygen -H}. */
  static final String HASHED_K1 = "|1|vzTmlwSHeDZkS69e5HiL/qsttlI=|c1D97oh53Q5gAIeic2ArTn69H1Q= ssh-ed25519 " + K1;

  @TempDir Path dir;

  private KnownHostsVerifier verifier(Path file, HostKeyPolicy policy, String host, int port) {
    return new KnownHostsVerifier(target(new KnownHostsFiles(List.of(file), List.of(), Optional.empty(), false), policy, host, port));
  }

  private static ResolvedTarget target(KnownHostsFiles files, HostKeyPolicy policy, String host, int port) {
    return new ResolvedTarget("deploy@web-1", host, port, "deploy", List.of(), 0, files, policy,
        Duration.ofSeconds(1), Duration.ZERO, 3, Optional.empty());
  }

  static byte[] key(String b64) {
    return Base64.getDecoder().decode(b64);
  }

  @Test
  void acceptsAPlainEntryAndAHashedPortEntry() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "web.example ssh-ed25519 " + K3 + "\n" + HASHED_K1 + "\n");
    assertThat(verifier(file, HostKeyPolicy.STRICT, "web.example", 22).check("x", key(K3)))
        .isEqualTo(HostKeyRepository.OK);
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.STRICT, "127.0.0.1", 2222);
    assertThat(v.check("x", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(v.refusal()).isNull();
  }

  @Test
  void strictRefusesAnUnknownKeyAndLeavesTheFileAlone() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, HASHED_K1 + "\n");
    // The same key under port 22 is another host for known_hosts.
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.STRICT, "127.0.0.1", 22);
    assertThat(v.check("x", key(K1))).isEqualTo(HostKeyRepository.NOT_INCLUDED);
    assertThat(v.refusal()).isEqualTo(new KnownHostsVerifier.Refusal(HostKeyException.Reason.UNKNOWN,
        "127.0.0.1", "ssh-ed25519", K1_FP, file, ""));
    assertThat(Files.readString(file)).isEqualTo(HASHED_K1 + "\n");
  }

  @Test
  void acceptNewAppendsAnUnknownKeyButRefusesAChangedOne() throws Exception {
    Path file = dir.resolve("sub").resolve("known_hosts");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.ACCEPT_NEW, "127.0.0.1", 2222);
    assertThat(v.check("x", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    KnownHostsVerifier again = verifier(file, HostKeyPolicy.ACCEPT_NEW, "127.0.0.1", 2222);
    assertThat(again.check("x", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(again.check("x", key(K3))).isEqualTo(HostKeyRepository.CHANGED);
    assertThat(again.refusal().reason()).isEqualTo(HostKeyException.Reason.CHANGED);
    assertThat(again.refusal().fingerprint()).isEqualTo(K3_FP);
    assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
  }

  @Test
  void acceptNewRefusesAKeyTypeThatIsNotPinnedForAKnownHost() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.ACCEPT_NEW, "127.0.0.1", 2222);
    assertThat(v.check("x", key(E1))).isEqualTo(HostKeyRepository.CHANGED);
    assertThat(v.refusal().reason()).isEqualTo(HostKeyException.Reason.CHANGED);
    assertThat(v.refusal().detail()).isEqualTo(file + ":1 (ssh-ed25519)");
    assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
  }

  @Test
  void acceptNewRefusesHostsPinnedByAPatternOrNegationOrAGlobalFile() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "*.example.com ssh-ed25519 " + K1 + "\n[127.0.0.*]:2222 ssh-ed25519 " + K1 + "\n");
    assertThat(verifier(file, HostKeyPolicy.ACCEPT_NEW, "web.EXAMPLE.com", 22).check("x", key(K3)))
        .isEqualTo(HostKeyRepository.CHANGED);
    assertThat(verifier(file, HostKeyPolicy.ACCEPT_NEW, "127.0.0.9", 2222).check("x", key(K3)))
        .isEqualTo(HostKeyRepository.CHANGED);
    Path global = dir.resolve("ssh_known_hosts");
    Files.writeString(global, "db.example.org ssh-ed25519 " + K1 + "\n");
    Path user = dir.resolve("user_known_hosts");
    KnownHostsFiles files = new KnownHostsFiles(List.of(user), List.of(global), Optional.empty(), false);
    KnownHostsVerifier v = new KnownHostsVerifier(target(files, HostKeyPolicy.ACCEPT_NEW, "db.example.org", 22));
    assertThat(v.check("x", key(K3))).isEqualTo(HostKeyRepository.CHANGED);
    assertThat(v.refusal().file()).isEqualTo(global);
    assertThat(user).doesNotExist();
    assertThat(new KnownHostsVerifier(target(files, HostKeyPolicy.STRICT, "db.example.org", 22))
        .check("x", key(K1))).isEqualTo(HostKeyRepository.OK);
  }

  @Test
  void aRevocationWithAPatternWinsOverAPinUnderEveryPolicy() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n@revoked * ssh-ed25519 " + K1 + "\n");
    for (HostKeyPolicy policy : HostKeyPolicy.values()) {
      KnownHostsVerifier v = verifier(file, policy, "127.0.0.1", 2222);
      assertThat(v.check("x", key(K1))).isEqualTo(HostKeyRepository.NOT_INCLUDED);
      assertThat(v.refusal().reason()).isEqualTo(HostKeyException.Reason.REVOKED);
      assertThat(v.refusal().detail()).isEqualTo(file + ":2 (ssh-ed25519)");
    }
  }

  @Test
  void aHostKnownOnlyThroughACertificateAuthorityIsRefusedWithTheReason() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "@cert-authority *.example.com ssh-ed25519 " + K3 + "\n");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.ACCEPT_NEW, "web.example.com", 22);
    assertThat(v.check("x", key(K1))).isEqualTo(HostKeyRepository.NOT_INCLUDED);
    assertThat(v.refusal().detail()).contains("@cert-authority", "host certificates");
    assertThat(Files.readString(file)).isEqualTo("@cert-authority *.example.com ssh-ed25519 " + K3 + "\n");
  }

  @Test
  void aHostKeyAliasIsLookedUpInsteadOfHostAndPort() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "web-alias ssh-ed25519 " + K1 + "\n");
    KnownHostsFiles files = new KnownHostsFiles(List.of(file), List.of(), Optional.of("web-alias"), false);
    assertThat(new KnownHostsVerifier(target(files, HostKeyPolicy.STRICT, "127.0.0.1", 2222)).check("x", key(K1)))
        .isEqualTo(HostKeyRepository.OK);
  }

  @Test
  void acceptNewHashesTheNameWhereTheFileOrTheConfigurationHashes() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, HASHED_K1 + "\n");
    assertThat(verifier(file, HostKeyPolicy.ACCEPT_NEW, "web.example", 22).check("x", key(K3)))
        .isEqualTo(HostKeyRepository.OK);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("|1|").endsWith(" ssh-ed25519 " + K3).doesNotContain("web.example");
    assertThat(verifier(file, HostKeyPolicy.STRICT, "WEB.example", 22).check("x", key(K3)))
        .isEqualTo(HostKeyRepository.OK);

    Path plain = dir.resolve("plain_known_hosts");
    KnownHostsFiles files = new KnownHostsFiles(List.of(plain), List.of(), Optional.empty(), true);
    new KnownHostsVerifier(target(files, HostKeyPolicy.ACCEPT_NEW, "db.example", 22)).check("x", key(K1));
    assertThat(Files.readString(plain)).startsWith("|1|").doesNotContain("db.example");
  }

  @Test
  void appendsOnANewLineWhenTheFileLacksATrailingNewline() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "other ssh-ed25519 " + K3);
    verifier(file, HostKeyPolicy.ACCEPT_NEW, "web", 22).check("x", key(K1));
    assertThat(Files.readAllLines(file)).containsExactly("other ssh-ed25519 " + K3, "web ssh-ed25519 " + K1);
  }

  @Test
  void messagesNameHostFingerprintFileAndWhatToDo() {
    Path file = dir.resolve("known_hosts");
    ResolvedTarget t = target(KnownHostsFiles.of(file), HostKeyPolicy.STRICT, "127.0.0.1", 2222);
    HostKeyException unknown = KnownHostsVerifier.exception("deploy@web-1", t, new KnownHostsVerifier.Refusal(
        HostKeyException.Reason.UNKNOWN, "[127.0.0.1]:2222", "ssh-ed25519", K1_FP, file, ""));
    assertThat(unknown.getMessage()).contains("deploy@web-1", K1_FP, file.toString(), "/etc/ssh/ssh_known_hosts",
        "ssh-keyscan -p 2222 -t ed25519 127.0.0.1 >> " + file, "--accept-new-host-key");
    assertThat(unknown.host()).isEqualTo("deploy@web-1");
    assertThat(unknown.fingerprint()).isEqualTo(K1_FP);
    assertThat(unknown.knownHostsFile()).isEqualTo(file);

    HostKeyException changed = KnownHostsVerifier.exception("deploy@web-1", t, new KnownHostsVerifier.Refusal(
        HostKeyException.Reason.CHANGED, "[127.0.0.1]:2222", "ssh-ed25519", K3_FP, file, file + ":3 (ssh-rsa)"));
    assertThat(changed.getMessage()).contains("CHANGED", K3_FP, file + ":3 (ssh-rsa)",
        "ssh-keygen -R '[127.0.0.1]:2222' -f " + file);
    assertThat(changed.reason()).isEqualTo(HostKeyException.Reason.CHANGED);
  }
}
