package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
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
  /** K1 for [127.0.0.1]:2222, hashed by {@code ssh-keygen -H}. */
  static final String HASHED_K1 = "|1|vzTmlwSHeDZkS69e5HiL/qsttlI=|c1D97oh53Q5gAIeic2ArTn69H1Q= ssh-ed25519 " + K1;

  @TempDir Path dir;

  private KnownHostsVerifier verifier(Path file, HostKeyPolicy policy) {
    return new KnownHostsVerifier(new JSch(), file, policy, "web-1");
  }

  private static byte[] key(String b64) {
    return Base64.getDecoder().decode(b64);
  }

  @Test
  void acceptsAPlainEntryAndAHashedPortEntry() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "web.example ssh-ed25519 " + K3 + "\n" + HASHED_K1 + "\n");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.STRICT);
    assertThat(v.check("web.example", key(K3))).isEqualTo(HostKeyRepository.OK);
    assertThat(v.check("[127.0.0.1]:2222", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(v.refusal()).isNull();
  }

  @Test
  void strictRefusesAnUnknownKeyAndLeavesTheFileAlone() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, HASHED_K1 + "\n");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.STRICT);
    // The same key under port 22 is another host for known_hosts.
    assertThat(v.check("127.0.0.1", key(K1))).isEqualTo(HostKeyRepository.NOT_INCLUDED);
    assertThat(v.refusal()).isEqualTo(new KnownHostsVerifier.Refusal(HostKeyException.Reason.UNKNOWN,
        "127.0.0.1", "ssh-ed25519", K1_FP));
    assertThat(Files.readString(file)).isEqualTo(HASHED_K1 + "\n");
  }

  @Test
  void acceptNewAppendsAnUnknownKeyButRefusesAChangedOne() throws Exception {
    Path file = dir.resolve("sub").resolve("known_hosts");
    KnownHostsVerifier v = verifier(file, HostKeyPolicy.ACCEPT_NEW);
    assertThat(v.check("[127.0.0.1]:2222", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    KnownHostsVerifier again = verifier(file, HostKeyPolicy.ACCEPT_NEW);
    assertThat(again.check("[127.0.0.1]:2222", key(K1))).isEqualTo(HostKeyRepository.OK);
    assertThat(again.check("[127.0.0.1]:2222", key(K3))).isEqualTo(HostKeyRepository.CHANGED);
    assertThat(again.refusal().reason()).isEqualTo(HostKeyException.Reason.CHANGED);
    assertThat(again.refusal().fingerprint()).isEqualTo(K3_FP);
    assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + K1 + "\n");
  }

  @Test
  void appendsOnANewLineWhenTheFileLacksATrailingNewline() throws Exception {
    Path file = dir.resolve("known_hosts");
    Files.writeString(file, "other ssh-ed25519 " + K3);
    verifier(file, HostKeyPolicy.ACCEPT_NEW).check("web", key(K1));
    assertThat(Files.readAllLines(file)).containsExactly("other ssh-ed25519 " + K3, "web ssh-ed25519 " + K1);
  }

  @Test
  void messagesNameHostFingerprintFileAndWhatToDo() {
    Path file = dir.resolve("known_hosts");
    ResolvedTarget t = new ResolvedTarget("deploy@web-1", "127.0.0.1", 2222, "deploy", List.of(), 0, file,
        HostKeyPolicy.STRICT, Duration.ofSeconds(1), Duration.ZERO, 3, Optional.empty());
    HostKeyException unknown = KnownHostsVerifier.exception("deploy@web-1", t, new KnownHostsVerifier.Refusal(
        HostKeyException.Reason.UNKNOWN, "[127.0.0.1]:2222", "ssh-ed25519", K1_FP));
    assertThat(unknown.getMessage()).contains("deploy@web-1", K1_FP, file.toString(),
        "ssh-keyscan -p 2222 -t ed25519 127.0.0.1 >> " + file, "--accept-new-host-key");
    assertThat(unknown.host()).isEqualTo("deploy@web-1");
    assertThat(unknown.fingerprint()).isEqualTo(K1_FP);
    assertThat(unknown.knownHostsFile()).isEqualTo(file);

    HostKeyException changed = KnownHostsVerifier.exception("deploy@web-1", t, new KnownHostsVerifier.Refusal(
        HostKeyException.Reason.CHANGED, "[127.0.0.1]:2222", "ssh-ed25519", K3_FP));
    assertThat(changed.getMessage()).contains("CHANGED", K3_FP, file.toString(),
        "ssh-keygen -R '[127.0.0.1]:2222' -f " + file);
    assertThat(changed.reason()).isEqualTo(HostKeyException.Reason.CHANGED);
  }
}
