package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Exceptions carry their host, tell a lost connection apart, and survive serialization with context. */
class ExceptionsTest {
  private static final StorePath SYSTEM = StorePath.parse("/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-nixos");
  private static final StorePath PREVIOUS = StorePath.parse("/nix/store/0rmy5amx2vxcgcdk4wq6l0dmzn3l3z2p-nixos");

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void theRootCarriesTheHostWhereOneApplies() {
    NixDeployException root = new PrivilegeException("deploy@web-1", "no sudo");
    assertThat(root.host()).isEqualTo("deploy@web-1");
    assertThat(new NixDeployException("no host").host()).isNull();
    assertThat(new SigningKeyException(Path.of("k.sec"), "bad").host()).isNull();
  }

  @Test
  void aLostConnectionIsToldWhicheverStepItHit() {
    ConnectionLostException gone = new ConnectionLostException("web-1", "dropped", null);
    assertThat(gone.isConnectionLost()).isTrue();
    assertThat(new CopyFailedException("web-1", SYSTEM, "copy failed", gone).isConnectionLost()).isTrue();
    assertThat(new ActivationException("web-1", "lost", null, new NixDeployException("wrapped", gone))
        .isConnectionLost()).isTrue();
    assertThat(new CopyFailedException("web-1", SYSTEM, "hash mismatch", null).isConnectionLost()).isFalse();
  }

  @Test
  void exceptionsSurviveSerializationWithTheirContext() throws Exception {
    ActivationResult failed = ActivationResult.failure("admin@web-1", SYSTEM, ActivationMode.SWITCH, 1,
        Optional.of(PREVIOUS));
    ActivationException a = roundTrip(new ActivationException("admin@web-1", "failed", failed,
        new ConnectionLostException("admin@web-1", "dropped", null)));
    assertThat(a.result()).contains(failed);
    assertThat(a.host()).isEqualTo("admin@web-1");
    assertThat(a.isConnectionLost()).isTrue();

    CommandFailedException c = roundTrip(new CommandFailedException("web-1",
        new CommandResult(Command.of("nix-store", "--version"), 2, "", "boom")));
    assertThat(c.result().command()).isEqualTo(Command.of("nix-store", "--version"));
    assertThat(c.result().stderr()).isEqualTo("boom");

    HostKeyException h = roundTrip(new HostKeyException("web-1", HostKeyException.Reason.CHANGED,
        "ssh-ed25519", "SHA256:abc", Path.of("/home/ci/.ssh/known_hosts"), "changed"));
    assertThat(h.knownHostsFile()).isEqualTo(Path.of("/home/ci/.ssh/known_hosts"));
    assertThat(h.reason()).isEqualTo(HostKeyException.Reason.CHANGED);

    CopyFailedException copy = roundTrip(new UntrustedSignatureException("web-1", SYSTEM, "lacks a signature"));
    assertThat(copy).isInstanceOf(UntrustedSignatureException.class);
    assertThat(copy.path()).contains(SYSTEM);

    AuthenticationException auth = roundTrip(new AuthenticationException("web-1", "deploy",
        List.of("ssh-agent"), "refused", null));
    assertThat(auth.attempted()).containsExactly("ssh-agent");
    assertThat(roundTrip(new SigningKeyException(Path.of("k.sec"), "bad")).file()).contains(Path.of("k.sec"));
  }

  @Test
  void resultsForTestsAreOneLine() {
    ActivationResult ok = ActivationResult.success("web-1", SYSTEM, ActivationMode.SWITCH);
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.profile()).contains(ActivationOptions.SYSTEM_PROFILE);
    assertThat(ActivationResult.success("web-1", SYSTEM, ActivationMode.TEST).profile()).isEmpty();
    ActivationResult rolledBack = ActivationResult.failure("web-1", SYSTEM, ActivationMode.SWITCH, 1,
        Optional.of(PREVIOUS));
    assertThat(rolledBack.succeeded()).isFalse();
    assertThat(rolledBack.rollback().orElseThrow().succeeded()).isTrue();
    assertThat(ActivationResult.failure("web-1", SYSTEM, ActivationMode.TEST, 2, Optional.empty())
        .rolledBack()).isFalse();
  }

  @Test
  void aDeserializedStorePathIsCheckedAgain() throws Exception {
    assertThat(roundTrip(SYSTEM)).isEqualTo(SYSTEM);
    assertThat(roundTrip(Command.of("a", "b c"))).isEqualTo(Command.of("a", "b c"));
  }
}
