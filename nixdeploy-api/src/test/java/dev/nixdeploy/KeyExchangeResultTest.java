package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.KeyExchangeResult.Change;
import dev.nixdeploy.KeyExchangeResult.ChangeKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyExchangeResultTest {
  private static final PublicKey KEY = PublicKey.of("laptop-nix-deploy-1", new byte[32]);

  @Test
  void nothingChangedReadsAsAlreadyInPlace() {
    KeyExchangeResult r = new KeyExchangeResult("admin@web-1", List.of(), List.of());

    assertThat(r.alreadyInPlace()).isTrue();
    assertThat(r.daemonRestarted()).isFalse();
    assertThat(r.summaryLines()).containsExactly("admin@web-1: keys already in place, nothing changed");
  }

  @Test
  void summarizesEveryChangeAndNote() {
    KeyExchangeResult r = new KeyExchangeResult("admin@web-1", List.of(
        new Change(ChangeKind.KEY_GENERATED, "local", KEY),
        new Change(ChangeKind.KEY_TRUSTED, "admin@web-1", KEY),
        new Change(ChangeKind.DAEMON_RESTARTED, "admin@web-1", KEY)), List.of("local needs no key"));

    assertThat(r.alreadyInPlace()).isFalse();
    assertThat(r.daemonRestarted()).isTrue();
    assertThat(r.changes(ChangeKind.KEY_TRUSTED)).extracting(Change::host).containsExactly("admin@web-1");
    assertThat(r.toString()).isEqualTo(String.join("\n",
        "local: generated key pair laptop-nix-deploy-1 (public key " + KEY + ")",
        "admin@web-1: now trusts key " + KEY,
        "admin@web-1: restarted nix-daemon",
        "note: local needs no key"));
  }

  @Test
  void isImmutable() {
    List<Change> changes = new ArrayList<>();
    KeyExchangeResult r = new KeyExchangeResult("h", changes, List.of());
    changes.add(new Change(ChangeKind.KEY_TRUSTED, "h", KEY));
    assertThat(r.changes()).isEmpty();
  }
}
