package dev.nixdeploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fake host's own behaviour, command by command. How a whole deployment goes against it is tested
 * with the real deployer in nixdeploy-core ({@code DeployerOnFakeHostsTest}).
 */
class FakeNixHostTest {
  private final FakeNixHost web = FakeNixHost.builder("deploy@web-1").build();

  @Test
  void aPathGetsTheStorePathAndHashRealNixGivesTheSameFile() {
    // printf 'a library' > lib-1.0 && nix-store --add ./lib-1.0 && nix-store -q --hash …
    StorePath lib = web.addPath("lib-1.0", "a library");
    assertThat(lib.path()).isEqualTo("/nix/store/q0yvbxs906zi55cfkxbczjs0gb9lrfhy-lib-1.0");
    assertThat(web.pathInfo(lib).orElseThrow().narHash().toString())
        .isEqualTo("sha256:0ywiby7xh1h7qr8sc6ak6vllaqyrk2x8pljyka28s5k2bfv0yi75");
  }

  @Test
  void aSystemHasAnExecutableSwitchToConfiguration() {
    StorePath lib = web.addPath("lib", "x");
    StorePath system = web.addSystem("nixos-system", lib);
    assertThat(web.isSystem(system)).isTrue();
    assertThat(web.isSystem(lib)).isFalse();
    assertThat(web.pathInfo(system).orElseThrow().references()).containsExactly(lib);
    assertThatThrownBy(() -> web.addPath("app", "y", StorePath.parse(
        "/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-missing"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add it first");
  }

  @Test
  void narsRoundTrip() {
    byte[] nar = Nar.write(new Nar.Directory(Map.of("bin", new Nar.Directory(Map.of(
        "run", new Nar.File("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), true),
        "README", new Nar.File(new byte[13], false))))));
    assertThat(Nar.executables(nar)).containsExactly("bin/run");
    assertThatThrownBy(() -> Nar.executables(java.util.Arrays.copyOf(nar, nar.length - 8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sudoBehavesAsConfigured() {
    try (Transport t = web.connect()) {
      assertThat(t.run(Command.of("id", "-un")).stdout()).isEqualTo("deploy\n");
      assertThat(t.run(Command.of("sudo", "-n", "true")).succeeded()).isTrue();
      assertThat(t.run(Command.of("sudo", "-n", "--", "id", "-un")).stdout()).isEqualTo("root\n");
    }
    FakeNixHost guarded = FakeNixHost.builder("deploy@web-2").sudo(Sudo.withPassword("pw")).build();
    try (Transport t = guarded.connect()) {
      assertThat(t.run(Command.of("sudo", "-n", "true")).stderr()).contains("a password is required");
      // As nix-deploy sends it: the password line, then a marker line that a root shell reads up to.
      Command asRoot = Command.of("/usr/bin/sudo", "-S", "-k", "-p", "", "--", "sh", "-c", "(unwrap)", "sh",
          "marker-1", "id", "-un");
      assertThat(t.run(asRoot, "pw\nmarker-1\n".getBytes(StandardCharsets.UTF_8)).stdout()).isEqualTo("root\n");
      assertThat(t.run(asRoot, "wrong\nmarker-1\n".getBytes(StandardCharsets.UTF_8)).exitCode()).isEqualTo(1);
      assertThat(t.run(asRoot, "pw\nno-marker\n".getBytes(StandardCharsets.UTF_8)).exitCode()).isEqualTo(125);
    }
    FakeNixHost refused = FakeNixHost.builder("deploy@web-3").sudo(Sudo.refused()).build();
    try (Transport t = refused.connect()) {
      // As Debian's sudo: asked for a password like anyone without NOPASSWD; -v tells the difference.
      assertThat(t.run(Command.of("sudo", "-n", "true")).stderr()).contains("a password is required");
      assertThat(t.run(Command.of("sudo", "-n", "-v")).stderr()).contains("may not run sudo");
    }
  }

  @Test
  void anUnknownCommandFailsTheTestOnTheCallersThread() {
    try (Transport t = web.connect()) {
      assertThatThrownBy(() -> t.run(Command.of("rm", "-rf", "/"))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("does not know this command: rm -rf /");
      assertThatThrownBy(() -> t.run(Command.of("sh", "-c", "echo hi\necho more"), new byte[] {1}))
          .isInstanceOf(AssertionError.class).hasMessageContaining("sh -c echo hi …");
    }
    assertThat(web.commands()).hasSize(2);
  }

  @Test
  void aKeyInNixConfCountsOnceTheDaemonRestarts() {
    String line = "extra-trusted-public-keys = k-1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    try (Transport t = web.connect()) {
      byte[] seen = web.file(FakeNixHost.NIX_CONF);
      CommandResult r = t.run(Command.of("sudo", "-n", "--", "sh", "-c", "conf=$1 line=$2 seen=$3", "sh",
          FakeNixHost.NIX_CONF, line, "yes"), seen);
      assertThat(r.succeeded()).isTrue();
      assertThat(web.nixConf()).endsWith(line + "\n");
      assertThat(web.trustedKeys()).isEmpty();
      assertThat(t.run(Command.of("sudo", "-n", "--", "sh", "-c", "conf=$1 line=$2 seen=$3", "sh",
          FakeNixHost.NIX_CONF, line, "yes"), seen).exitCode()).as("changed since it was read").isEqualTo(75);
      web.restartDaemon();
      assertThat(web.trustedKeys()).extracting(k -> k.name()).containsExactly("k-1");
    }
  }

  @Test
  void failuresOnDemand() {
    Transport before = web.connect();
    web.reboot();
    assertThatThrownBy(() -> before.run(Command.of("true"))).isInstanceOf(ConnectionLostException.class);
    assertThat(web.openConnections()).isZero();
    web.changeHostKey();
    assertThatThrownBy(web::connect).isInstanceOf(HostKeyException.class);
  }
}
