package dev.nixdeploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.RemoteProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ScriptedTransportTest {
  static final Command VERSION = Command.of("nix-store", "--version");
  static final Command STATUS = Command.of("systemctl", "is-system-running");
  static final Command UNAME = Command.of("uname", "-m");

  @Test
  void answersScriptedCommandsInOrderAndRecordsThem() {
    ScriptedTransport t = ScriptedTransport.forHost("deploy@web-1")
        .expect(VERSION).thenSucceed("nix-store (Nix) 2.8.0\n")
        .expect(STATUS).thenRespond(1, "degraded\n", "oops\n");
    assertThat(t.host()).isEqualTo("deploy@web-1");
    assertThat(t.run(VERSION)).isEqualTo(new CommandResult(VERSION, 0, "nix-store (Nix) 2.8.0\n", ""));
    CommandResult status = t.run(STATUS);
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.stdout()).isEqualTo("degraded\n");
    assertThat(status.stderr()).isEqualTo("oops\n");
    assertThat(t.commands()).containsExactly(VERSION, STATUS);
    t.verifyAllConsumed();
  }

  @Test
  void failsClearlyOnAnUnexpectedCommandAndRemembersIt() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1").expect(VERSION).thenExit(0);
    Command hostile = Command.of("rm", "-rf", "/");
    assertThatThrownBy(() -> t.run(hostile))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Unexpected command on web-1: rm -rf /")
        .hasMessageContaining("expected next: nix-store --version");
    // Even if the code under test swallowed it, verification reports it.
    assertThatThrownBy(t::verifyAllConsumed).isInstanceOf(AssertionError.class)
        .hasMessageContaining("rm -rf /");
  }

  @Test
  void anUnexpectedCommandIsNotANixDeployExceptionSoItCannotBeSwallowedByAccident() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1");
    Throwable thrown = null;
    try {
      t.run(VERSION);
    } catch (NixDeployException | IllegalStateException e) {
      thrown = e;
    } catch (AssertionError e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(AssertionError.class).hasMessageContaining("expected next: nothing more");
  }

  @Test
  void commandsOutOfOrderFail() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1")
        .expect(VERSION).thenExit(0)
        .expect(STATUS).thenExit(0);
    assertThatThrownBy(() -> t.run(STATUS)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected next: nix-store --version");
  }

  @Test
  void verifyReportsExpectationsThatNeverRan() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1")
        .expect(VERSION).thenExit(0)
        .expect(STATUS).thenExit(0);
    t.run(VERSION);
    assertThatThrownBy(t::verifyAllConsumed).isInstanceOf(AssertionError.class)
        .hasMessageContaining("never ran: [systemctl is-system-running]")
        .hasMessageContaining("commands that ran: [nix-store --version]");
  }

  @Test
  void anExpectationAnswersOnceAStubAlways() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1")
        .stub(UNAME).thenSucceed("x86_64\n")
        .expect(VERSION).thenSucceed("2.8\n");
    assertThat(t.run(UNAME).stdout()).isEqualTo("x86_64\n");
    assertThat(t.run(VERSION).stdout()).isEqualTo("2.8\n");
    assertThat(t.run(UNAME).stdout()).isEqualTo("x86_64\n");
    assertThatThrownBy(() -> t.run(VERSION)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("stubbed: uname -m");
    assertThat(t.commands()).containsExactly(UNAME, VERSION, UNAME, VERSION);
  }

  @Test
  void recordsStandardInputAndStreamsBytes() throws Exception {
    Command sudo = Command.of("sudo", "-S", "-p", "", "true");
    byte[] binary = {0, 1, (byte) 0xff};
    ScriptedTransport t = ScriptedTransport.forHost("web-1")
        .expect(sudo).thenExit(0)
        .expect(Command.of("cat")).thenRespond(0, binary, new byte[0]);
    t.run(sudo, "s3cret\n".getBytes(StandardCharsets.UTF_8));
    assertThat(t.invocations().get(0).stdinAsString()).isEqualTo("s3cret\n");
    try (RemoteProcess p = t.start(Command.of("cat"))) {
      p.stdin().write(42);
      assertThat(p.stdout().readAllBytes()).isEqualTo(binary);
      assertThat(p.stderr().readAllBytes()).isEmpty();
      assertThat(p.waitFor(Duration.ofSeconds(1))).hasValue(0);
      assertThat(p.isAlive()).isFalse();
    }
    assertThat(t.invocations().get(1).stdin()).containsExactly(42);
  }

  @Test
  void canSimulateALostConnection() {
    ConnectionLostException lost = new ConnectionLostException("web-1", "Lost the connection to web-1", null);
    ScriptedTransport t = ScriptedTransport.forHost("web-1").expect(VERSION).thenThrow(lost);
    assertThatThrownBy(() -> t.run(VERSION)).isSameAs(lost);
    assertThat(t.commands()).containsExactly(VERSION);
    t.verifyAllConsumed();
  }

  @Test
  void refusesUseAfterCloseAndIncompleteScripts() {
    ScriptedTransport t = ScriptedTransport.forHost("web-1");
    t.expect(VERSION);
    assertThatThrownBy(() -> t.run(VERSION)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("thenRespond");
    ScriptedTransport.Expectation e = ScriptedTransport.forHost("x").expect(VERSION);
    e.thenExit(0);
    assertThatThrownBy(() -> e.thenExit(1)).hasMessageContaining("already scripted");
    t.close();
    assertThat(t.isClosed()).isTrue();
    assertThatThrownBy(() -> t.run(VERSION)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void isThreadSafe() throws Exception {
    ScriptedTransport t = ScriptedTransport.forHost("web-1").stub(UNAME).thenSucceed("x86_64\n");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<CommandResult>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(pool.submit(() -> t.run(UNAME)));
      }
      for (Future<CommandResult> r : results) {
        assertThat(r.get().stdout()).isEqualTo("x86_64\n");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(t.commands()).hasSize(100);
  }
}
