package dev.nixdeploy.internal.activation;

import static dev.nixdeploy.internal.activation.ActivationHosts.activator;
import static dev.nixdeploy.internal.activation.ActivationHosts.connect;
import static dev.nixdeploy.internal.activation.ActivationHosts.copyAsRoot;
import static dev.nixdeploy.internal.activation.ActivationHosts.seed;
import static dev.nixdeploy.internal.activation.ActivationHosts.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety nets around the detached activation: reconnecting after a late drop, a run directory only the
 * login user can read, and a confirmation that comes too late being reported as such.
 */
@SandboxTest
class ActivationSafetyIT {
  private static final String PEER = "peer";
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    host = sandbox.host(0);
    ssh = sandbox.sshSettings();
    // Another user in admin's primary group, as all normal users share "users" on NixOS.
    String group = host.exec("id", "-g", SandboxUsers.ADMIN).orThrow().stdout().strip();
    host.exec("useradd", "-M", "-N", "-g", group, "-s", "/bin/sh", PEER).orThrow();
  }

  private static StorePath system(String seed, FakeSystem kind) {
    StorePath system = SampleClosures.fakeSystem(seed, kind);
    copyAsRoot(host, ssh, system);
    return system;
  }

  private static ActivationOptions.Builder switchOf(String name) {
    return ActivationOptions.builder().mode(ActivationMode.SWITCH).systemName(name);
  }

  private static Set<String> runIds() {
    return new HashSet<>(Arrays.asList(host.exec("sh", "-c", "ls -A /run/nix-deploy 2>/dev/null || true")
        .orThrow().stdout().split("\\s+")));
  }

  @Test
  void aDropLongAfterTheActivationStartedIsStillRetried() {
    String seed = seed("late-drop");
    StorePath slow = SlowSystem.build(seed, 8, 2);
    copyAsRoot(host, ssh, slow);
    AtomicBoolean dropped = new AtomicBoolean();
    DeployListener dropper = new DeployListener() {
      @Override
      public void activationOutput(String h, String line) {
        // Eight seconds in, past the whole reconnect window counted from the start.
        if (line.contains("slow activation halfway") && dropped.compareAndSet(false, true)) {
          host.stopSshd();
          host.startSshd();
        }
      }
    };

    ActivationResult r;
    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      r = activator(t, host, ssh, SandboxUsers.ADMIN, dropper).withReconnectWindow(Duration.ofSeconds(5))
          .activate(slow, switchOf(seed).build());
    }

    assertThat(dropped).isTrue();
    assertThat(r.succeeded()).isTrue();
    assertThat(r.confirmed()).isTrue();
    assertThat(r.rollback()).isEmpty();
    assertThat(r.output()).anyMatch(l -> l.contains("slow activation done"));
    assertThat(target(host, ActivationOptions.SYSTEM_PROFILES_DIR + "/" + seed)).isEqualTo(slow.path());
  }

  @Test
  void onlyTheLoginUserCanReadTheRunDirectoryAndNobodyElseListsRuns() {
    String seed = seed("private");
    StorePath system = system(seed, FakeSystem.WORKING);
    Set<String> before = runIds();
    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      assertThat(activator(t, host, ssh, SandboxUsers.ADMIN, DeployListener.NONE)
          .activate(system, switchOf(seed).build()).confirmed()).isTrue();
    }
    Set<String> ids = runIds();
    ids.removeAll(before);
    assertThat(ids).hasSize(1);
    String dir = "/run/nix-deploy/" + ids.iterator().next();
    List<String> files = List.of(dir + "/log", dir + "/activation", dir + "/watchdog");

    for (String file : files) {
      assertThat(host.execAs(SandboxUsers.ADMIN, "cat", file).succeeded()).as(file).isTrue();
      for (String other : List.of(PEER, SandboxUsers.DEPLOY)) {
        assertThat(host.execAs(other, "cat", file).succeeded()).as(other + " reads " + file).isFalse();
      }
    }
    for (String other : List.of(PEER, SandboxUsers.DEPLOY, SandboxUsers.ADMIN)) {
      assertThat(host.execAs(other, "ls", "/run/nix-deploy").succeeded()).as(other + " lists runs").isFalse();
      assertThat(host.execAs(other, "ls", dir).succeeded()).as(other + " lists " + dir).isFalse();
    }
    // Root's directory: the login user can neither add nor replace files in it.
    assertThat(host.execAs(SandboxUsers.ADMIN, "sh", "-c", "mv -f \"$1/log\" \"$1/moved\"", "sh", dir)
        .succeeded()).isFalse();
    assertThat(host.execAs(SandboxUsers.ADMIN, "touch", dir + "/new").succeeded()).isFalse();
    ExecResult modes = host.exec("stat", "-c", "%a %U %n", "/run/nix-deploy", dir, files.get(0),
        files.get(1), files.get(2)).orThrow();
    assertThat(modes.stdout().lines().toList()).containsExactly(
        "711 root /run/nix-deploy", "711 root " + dir, "600 admin " + files.get(0),
        "600 admin " + files.get(1), "600 admin " + files.get(2));
  }

  @Test
  void aConfirmationAfterTheHostsWindowLosesAndIsReportedAsTooLate() {
    String seed = seed("too-late");
    StorePath good = system(seed + "-good", FakeSystem.WORKING);
    StorePath next = system(seed + "-next", FakeSystem.WORKING);
    ActivationOptions options = switchOf(seed).confirmTimeout(Duration.ofSeconds(2)).build();
    AtomicInteger connections = new AtomicInteger();
    // The new connection that confirms gets through only after the host's window has closed.
    Supplier<Transport> slowToConnect = () -> {
      if (connections.incrementAndGet() == 1) {
        HostLink.pause(Duration.ofSeconds(5));
      }
      return connect(host, ssh, SandboxUsers.ADMIN);
    };

    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      assertThat(activator(t, host, ssh, SandboxUsers.ADMIN, DeployListener.NONE).activate(good, options)
          .confirmed()).isTrue();
      Activator slow = Activator.create(t, slowToConnect, null, DeployListener.NONE);

      assertThatThrownBy(() -> slow.activate(next, options))
          .isInstanceOf(ActivationException.class)
          .hasMessageContaining("only after the host's confirmation window of 2s had closed")
          .hasMessageContaining("so the host rolled itself back")
          .hasMessageContaining("Rolled back: " + good.path() + " is active again (profile generation 1)")
          .hasMessageNotContaining("failed with exit code")
          .satisfies(e -> {
            ActivationResult r = ((ActivationException) e).result().orElseThrow();
            assertThat(r.exitCode()).isZero();
            assertThat(r.confirmed()).isFalse();
            assertThat(r.rollback().orElseThrow().reason()).contains("not confirmed");
          });
    }

    assertThat(target(host, ActivationOptions.SYSTEM_PROFILES_DIR + "/" + seed)).isEqualTo(good.path());
  }
}
