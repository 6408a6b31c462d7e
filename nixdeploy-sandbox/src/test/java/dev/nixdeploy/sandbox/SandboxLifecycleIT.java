package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SandboxLifecycleIT {
  private static final List<String> MACHINE_FILES = List.of("/etc/passwd", "/etc/shadow", "/etc/group",
      "/etc/hosts", "/etc/nix/nix.conf", "/etc/ssh/sshd_config", "/etc/NIXOS", "/etc/sudoers.d/nixdeploy-sandbox",
      "/usr/local/sbin/systemctl", "/usr/local/bin/systemctl");

  @Test
  void twoSetsRunSideBySideAndLeaveNothingBehind() throws Exception {
    Map<String, String> machineBefore = snapshot();
    SandboxHosts first = SandboxHosts.start(2);
    List<Long> pids = new ArrayList<>();
    Path firstRoot = first.root();
    Path secondRoot;
    try (SandboxHosts second = SandboxHosts.start(1)) {
      secondRoot = second.root();
      assertThat(secondRoot).isNotEqualTo(firstRoot);
      List<SandboxHost> all = new ArrayList<>(first.hosts());
      all.addAll(second.hosts());
      assertThat(all).extracting(SandboxHost::sshPort).doesNotHaveDuplicates();
      for (SandboxHost host : all) {
        pids.addAll(host.processIds());
      }
      assertThat(second.host(0).ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();
      assertThat(first.host(1).ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();
      assertThat(snapshot()).isEqualTo(machineBefore);
    } finally {
      first.close();
    }
    first.close();

    // Each host: unshare, its first process, nix-daemon, sshd, and the first process's sleep.
    assertThat(pids).hasSizeGreaterThanOrEqualTo(3 * 5);
    assertThat(pids).noneMatch(Processes::running);
    assertThat(Processes.withCommandLineContaining(firstRoot.toString())).isEmpty();
    assertThat(Processes.withCommandLineContaining(secondRoot.toString())).isEmpty();
    assertThat(firstRoot).doesNotExist();
    assertThat(secondRoot).doesNotExist();
    assertThat(snapshot()).isEqualTo(machineBefore);
  }

  @Test
  void stoppingSshdBreaksOpenSessionsAndStartingItAgainLetsUsersIn() throws Exception {
    try (SandboxHosts hosts = SandboxHosts.start(1)) {
      SandboxHost host = hosts.host(0);
      Path started = host.dir().resolve("home/deploy/session-started");
      CompletableFuture<ExecResult> session = CompletableFuture.supplyAsync(() ->
          host.ssh(SandboxUsers.DEPLOY, "touch session-started; sleep 60").run());
      for (int i = 0; i < 500 && !Files.exists(started) && !session.isDone(); i++) {
        Thread.sleep(20);
      }
      assertThat(started).as("the session started; it ended with %s", session.getNow(null)).exists();
      long sshd = host.sshdPid();

      host.stopSshd();

      assertThat(session.get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(255);
      assertThat(host.ssh(SandboxUsers.DEPLOY, "true").run().stderr()).contains("Connection refused");
      host.startSshd();
      assertThat(host.sshdPid()).isNotEqualTo(sshd);
      assertThat(host.ssh(SandboxUsers.DEPLOY, "true").run().succeeded()).isTrue();
    }
  }

  @Test
  void hostsDieWithAKilledJvm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path stderr = Files.createTempFile("sandbox-crash-child", ".log");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SandboxCrashChild.class.getName())
        .redirectError(stderr.toFile())
        .start();
    String root;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      root = out.readLine();
    }
    String childErrors = Files.readString(stderr);
    Files.delete(stderr);
    assertThat(root).as("the child JVM started a host; it printed %s", childErrors).isNotNull();
    List<Long> pids = child.descendants().map(ProcessHandle::pid).toList();
    assertThat(Processes.withCommandLineContaining(root)).isNotEmpty();

    child.destroyForcibly().waitFor();

    try {
      assertThat(Processes.stillRunningAfterWaiting(pids)).isEmpty();
      assertThat(Processes.withCommandLineContaining(root)).isEmpty();
    } finally {
      // A killed JVM cannot delete its files.
      LocalCommand.of("rm", "-rf", root).run().orThrow();
    }
  }

  private static Map<String, String> snapshot() throws IOException {
    Map<String, String> contents = new LinkedHashMap<>();
    for (String file : MACHINE_FILES) {
      Path path = Path.of(file);
      contents.put(file, Files.exists(path) ? Files.readString(path) : "(absent)");
    }
    return contents;
  }
}
