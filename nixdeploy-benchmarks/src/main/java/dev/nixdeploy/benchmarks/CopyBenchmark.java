package dev.nixdeploy.benchmarks;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.serve.CopyEngine;
import dev.nixdeploy.internal.serve.ServeClient;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.LocalCommand;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Times nix-deploy's closure copy and {@code nix-copy-closure} against the same sandbox host in one run:
 * a wide closure, one large path, a no-op, and the wide closure again over a link with added latency.
 * Every measured run starts from the same state (the paths are deleted from the host before it), the
 * tools take turns within each repetition (each repetition starting with the next tool), and the median
 * is reported. Run as root with
 * {@code scripts/benchmark [repetitions [wideFiles [largeMiB [delayMillis]]]]}.
 */
public final class CopyBenchmark {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

  private final SandboxHost host;
  private final Path sshConfig;
  private final SshSettings ssh;
  private final int repetitions;

  private CopyBenchmark(SandboxHosts hosts, Path sshConfig, int repetitions) {
    this.host = hosts.host(0);
    this.sshConfig = sshConfig;
    this.ssh = SshSettings.builder().sshConfigFile(sshConfig).identityFile(hosts.identityFile())
        .useAgent(false).build();
    this.repetitions = repetitions;
  }

  public static void main(String[] args) throws IOException {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int wideFiles = args.length > 1 ? Integer.parseInt(args[1]) : SampleClosures.WIDE_FILES;
    int largeMiB = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int delayMillis = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    String seed = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    System.out.println("Load average at the start (1, 5, 15 min): " + loadAverage());
    System.out.printf("Building samples (seed %s): %d small files, %d MiB%n", seed, wideFiles, largeMiB);
    StorePath wide = SampleClosures.wide(seed, wideFiles);
    StorePath large = SampleClosures.ofSize(seed, largeMiB);
    StorePath warmUp = SampleClosures.wide(seed + "-warm-up", 100);

    try (SandboxHosts hosts = SandboxHosts.start(1);
        DelayProxy proxy = DelayProxy.start(hosts.host(0).sshPort(), Duration.ofMillis(delayMillis))) {
      Path config = writeSshConfig(hosts, proxy);
      CopyBenchmark bench = new CopyBenchmark(hosts, config, repetitions);
      SigningKeyPair key = SigningKeyPair.generate("nixdeploy-bench-" + seed);
      bench.trust(key);

      String direct = hosts.host(0).alias();
      String delayed = direct + "-delayed";
      List<Tool> tools = List.of(
          bench.nixCopyClosure(SandboxUsers.ROOT),
          bench.engine(SandboxUsers.ROOT, null),
          bench.engine(SandboxUsers.DEPLOY, key));

      System.out.println("Warming up the JVM");
      for (Tool tool : tools) {
        for (int i = 0; i < 3; i++) {
          bench.removeFromHost(warmUp);
          tool.copy(direct, warmUp);
        }
      }

      Map<String, Map<String, Duration>> table = new LinkedHashMap<>();
      String wideName = "wide (" + (wideFiles + 1) + " paths)";
      String largeName = "large (1 path, " + largeMiB + " MiB)";
      String noOpName = "no-op (" + (wideFiles + 1) + " paths present)";
      String delayedName = "wide, +" + delayMillis + " ms each way";
      bench.measure(table, wideName, tools, direct, wide, true);
      bench.measure(table, largeName, tools, direct, large, true);
      bench.measure(table, noOpName, tools, direct, wide, false);
      bench.measure(table, delayedName, tools, delayed, wide, true);

      printTable(table, List.of(wideName, largeName, noOpName, delayedName), tools);
      System.out.println("Load average at the end (1, 5, 15 min): " + loadAverage());
    }
  }

  /** Times each tool {@code repetitions} times, taking turns, and records each one's median. */
  private void measure(Map<String, Map<String, Duration>> table, String scenario, List<Tool> tools,
      String alias, StorePath root, boolean fresh) {
    Map<String, List<Duration>> runs = new LinkedHashMap<>();
    for (int rep = 1; rep <= repetitions; rep++) {
      // Each repetition starts with another tool: the host's cost of creating files depends on what was
      // deleted just before (see docs/benchmarks.md), so no tool should always come first or last.
      for (int turn = 0; turn < tools.size(); turn++) {
        Tool tool = tools.get((turn + rep - 1) % tools.size());
        if (fresh) {
          removeFromHost(root);
        } else if (!host.isValid(root)) {
          tool.copy(alias, root);
        }
        long start = System.nanoTime();
        tool.copy(alias, root);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!host.isValid(root)) {
          throw new NixDeployException(tool.name() + " did not copy " + root);
        }
        runs.computeIfAbsent(tool.name(), t -> new ArrayList<>()).add(took);
        System.out.printf("%-32s %-40s run %d: %s%n", scenario, tool.name(), rep, seconds(took));
      }
    }
    runs.forEach((tool, times) -> table.computeIfAbsent(tool, t -> new LinkedHashMap<>())
        .put(scenario, median(times)));
  }

  private Tool nixCopyClosure(String user) {
    return new Tool("nix-copy-closure (" + user + ")", (alias, root) -> {
      ExecResult r = LocalCommand.of("nix-copy-closure", "--to", user + "@" + alias, root.path())
          .withEnv("NIX_SSHOPTS", "-F " + sshConfig).withTimeout(COMMAND_TIMEOUT).run();
      r.orThrow();
    });
  }

  private Tool engine(String user, SigningKeyPair key) {
    CopyEngine engine = CopyEngine.builder().signer(key == null ? null : key::sign).build();
    String name = "nix-deploy (" + user + (key == null ? ", unsigned)" : ", signed)");
    return new Tool(name, (alias, root) -> {
      try (LocalTransport local = LocalTransport.create();
          Transport remote = SshTransports.connect(Target.parse(user + "@" + alias), ssh);
          ServeClient from = ServeClient.open(local);
          ServeClient to = ServeClient.open(remote)) {
        CopyResult result = engine.copy(from, to, List.of(root));
        if (!result.sent().isEmpty() && !result.sent().get(result.pathsSent() - 1).equals(root)) {
          throw new NixDeployException("unexpected copy result " + result);
        }
      }
    });
  }

  /** Lists the key in the host's trusted-public-keys, so that the deploy user's signed paths go in. */
  private void trust(SigningKeyPair key) {
    host.exec("sh", "-c", "echo \"extra-trusted-public-keys = $1\" >> /etc/nix/nix.conf", "sh",
        key.publicKey().toString()).orThrow();
    host.restartNixDaemon();
  }

  /** Deletes the closure of {@code root} from the host's store, so that the next copy sends all of it. */
  private void removeFromHost(StorePath root) {
    removeClosure(host, root);
  }

  /** Deletes the closure of {@code root} from {@code host}'s store, if it holds it. */
  static void removeClosure(SandboxHost host, StorePath root) {
    if (!host.isValid(root)) {
      return;
    }
    ExecResult closure = host.exec("nix-store", "--query", "--requisites", root.path()).orThrow();
    List<String> argv = new ArrayList<>(List.of("nix-store", "--delete"));
    closure.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(argv::add);
    host.exec(argv.toArray(String[]::new)).orThrow();
  }

  /**
   * Writes an ssh configuration with the host's alias and a second alias, {@code <alias>-delayed}, that
   * reaches the same sshd through the proxy; both tools read it.
   */
  static Path writeSshConfig(SandboxHosts hosts, DelayProxy proxy) throws IOException {
    SandboxHost host = hosts.host(0);
    Path dir = hosts.sshConfig().getParent();
    Path knownHosts = dir.resolve("known_hosts_bench");
    String[] key = host.hostPublicKey().strip().split("\\s+");
    Files.writeString(knownHosts, "[" + host.address() + "]:" + host.sshPort() + " " + key[0] + " " + key[1]
        + "\n[" + host.address() + "]:" + proxy.port() + " " + key[0] + " " + key[1] + "\n");
    Path config = dir.resolve("ssh_config_bench");
    StringBuilder text = new StringBuilder();
    for (String[] entry : List.of(new String[] {host.alias(), Integer.toString(host.sshPort())},
        new String[] {host.alias() + "-delayed", Integer.toString(proxy.port())})) {
      text.append("Host ").append(entry[0]).append('\n')
          .append("  HostName ").append(host.address()).append('\n')
          .append("  Port ").append(entry[1]).append('\n')
          .append("  IdentityFile ").append(hosts.identityFile()).append('\n')
          .append("  IdentitiesOnly yes\n")
          .append("  UserKnownHostsFile ").append(knownHosts).append('\n')
          .append("  GlobalKnownHostsFile /dev/null\n")
          .append("  StrictHostKeyChecking yes\n")
          .append("  BatchMode yes\n")
          .append("  LogLevel ERROR\n\n");
    }
    Files.writeString(config, text);
    return config;
  }

  private static void printTable(Map<String, Map<String, Duration>> table, List<String> scenarios,
      List<Tool> tools) {
    StringBuilder out = new StringBuilder("\nMedian wall time, seconds\n\n| tool |");
    scenarios.forEach(s -> out.append(' ').append(s).append(" |"));
    out.append("\n|---|").append("---:|".repeat(scenarios.size())).append('\n');
    for (Tool tool : tools) {
      out.append("| ").append(tool.name()).append(" |");
      for (String s : scenarios) {
        out.append(' ').append(seconds(table.get(tool.name()).get(s))).append(" |");
      }
      out.append('\n');
    }
    System.out.println(out);
  }

  /** Other work on the machine skews the times: say how busy it was. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Duration median(List<Duration> times) {
    List<Duration> sorted = times.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
  }

  /** One way of copying a closure to {@code user@alias}. */
  record Tool(String name, Copier copier) {
    void copy(String alias, StorePath root) {
      copier.copy(alias, root);
    }
  }

  @FunctionalInterface
  interface Copier {
    void copy(String alias, StorePath root);
  }
}
