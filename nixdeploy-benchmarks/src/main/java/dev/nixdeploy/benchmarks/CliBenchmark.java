package dev.nixdeploy.benchmarks;

import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.benchmarks.CopyBenchmark.Tool;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.LocalCommand;
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
import java.util.Map;
import java.util.UUID;

/**
 * Times the installed {@code nix-deploy} command, a fresh JVM every run as users run it, against
 * {@code nix-copy-closure} to the same sandbox host: a no-op (a closure of 1001 paths already there),
 * one 200 MiB path, 401 small paths through a link with added latency, and {@code --help}. Within each
 * round the tools take turns, each round starting with the next one; medians over the rounds are
 * reported. Run as root with {@code scripts/benchmark cli [rounds [delayMillis [launcher]]]}.
 */
public final class CliBenchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private final SandboxHost host;
  private final Path sshConfig;
  private final Path home;
  private final String launcher;

  private CliBenchmark(SandboxHost host, Path sshConfig, Path home, String launcher) {
    this.host = host;
    this.sshConfig = sshConfig;
    this.home = home;
    this.launcher = launcher;
  }

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int delayMillis = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String launcher = args.length > 2 ? args[2] : "nix-deploy";
    String seed = "cli-bench-" + UUID.randomUUID().toString().substring(0, 8);

    System.out.println("Load average at the start (1, 5, 15 min): " + CopyBenchmark.loadAverage());
    System.out.println("Launcher: " + LocalCommand.of("sh", "-c", "command -v \"$1\"", "sh", launcher).run()
        .orThrow().stdout().strip());
    StorePath wide = SampleClosures.wide(seed, SampleClosures.WIDE_FILES);
    StorePath small = SampleClosures.wide(seed + "-small", 400);
    StorePath large = SampleClosures.ofSize(seed, 200);

    try (SandboxHosts hosts = SandboxHosts.start(1);
        DelayProxy proxy = DelayProxy.start(hosts.host(0).sshPort(), Duration.ofMillis(delayMillis))) {
      Path config = CopyBenchmark.writeSshConfig(hosts, proxy);
      Path home = Files.createDirectories(config.getParent().resolve("bench-home"));
      CliBenchmark bench = new CliBenchmark(hosts.host(0), config, home, launcher);
      String direct = hosts.host(0).alias();
      String delayed = direct + "-delayed";

      List<Tool> tools = List.of(bench.nixCopyClosure(), bench.nixDeploy(false), bench.nixDeploy(true));
      // The first deploying run records the launcher's class archive, and the signed one exchanges keys:
      // both happen once for a user, so they are done before anything is timed.
      System.out.println("Warming up: class archive, keys");
      for (Tool tool : tools) {
        tool.copy(direct, wide);
      }

      Map<String, Map<String, List<Duration>>> runs = new LinkedHashMap<>();
      String noOp = "no-op (1001 paths present)";
      String big = "one 200 MiB path";
      String slow = "401 small paths, +" + delayMillis + " ms each way";
      String help = "--help";
      for (int round = 1; round <= rounds; round++) {
        bench.measure(runs, noOp, tools, round, direct, wide, false);
        bench.measure(runs, big, tools, round, direct, large, true);
        bench.measure(runs, slow, tools, round, delayed, small, true);
        Duration took = time(() -> bench.command(launcher, "--help").run().orThrow());
        runs.computeIfAbsent(help, s -> new LinkedHashMap<>())
            .computeIfAbsent("nix-deploy CLI", t -> new ArrayList<>()).add(took);
        System.out.printf("%-36s %-34s round %d: %s%n", help, "nix-deploy", round, CopyBenchmark.seconds(took));
      }
      print(runs, tools.get(0).name());
      System.out.println("Load average at the end (1, 5, 15 min): " + CopyBenchmark.loadAverage());
    }
  }

  private void measure(Map<String, Map<String, List<Duration>>> runs, String job, List<Tool> tools, int round,
      String alias, StorePath root, boolean fresh) {
    for (int turn = 0; turn < tools.size(); turn++) {
      Tool tool = tools.get((turn + round - 1) % tools.size());
      if (fresh) {
        CopyBenchmark.removeClosure(host, root);
      } else if (!host.isValid(root)) {
        tool.copy(alias, root);
      }
      Duration took = time(() -> tool.copy(alias, root));
      if (!host.isValid(root)) {
        throw new NixDeployException(tool.name() + " did not copy " + root);
      }
      runs.computeIfAbsent(job, j -> new LinkedHashMap<>()).computeIfAbsent(tool.name(), t -> new ArrayList<>())
          .add(took);
      System.out.printf("%-36s %-34s round %d: %s%n", job, tool.name(), round, CopyBenchmark.seconds(took));
    }
  }

  private static Duration time(Runnable run) {
    long start = System.nanoTime();
    run.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private Tool nixCopyClosure() {
    return new Tool("nix-copy-closure (root)", (alias, root) -> LocalCommand.of("nix-copy-closure", "--to",
        SandboxUsers.ROOT + "@" + alias, root.path()).withEnv("NIX_SSHOPTS", "-F " + sshConfig)
        .withTimeout(TIMEOUT).run().orThrow());
  }

  /** The command as a user types it; {@code signed} is its default, the other row is {@code --noSign}. */
  private Tool nixDeploy(boolean signed) {
    String name = "nix-deploy CLI (root, " + (signed ? "signed)" : "--noSign)");
    return new Tool(name, (alias, root) -> {
      List<String> argv = new ArrayList<>(List.of(launcher, "path", "--to", SandboxUsers.ROOT + "@" + alias,
          "--ssh-config", sshConfig.toString(), "--path", root.path(), "-q"));
      if (!signed) {
        argv.add("--noSign");
      }
      ExecResult r = command(argv.toArray(String[]::new)).run();
      r.orThrow();
    });
  }

  /** A command with its own HOME: its keys and class archive stay out of the caller's. */
  private LocalCommand command(String... argv) {
    return LocalCommand.of(argv).withEnv("HOME", home.toString()).withTimeout(TIMEOUT);
  }

  private static void print(Map<String, Map<String, List<Duration>>> runs, String reference) {
    StringBuilder out = new StringBuilder("\nMedian (min - max) wall time, seconds; ratio to " + reference
        + "\n\n| job | tool | median | min - max | ratio |\n|---|---|---:|---:|---:|\n");
    runs.forEach((job, byTool) -> {
      Duration ref = byTool.containsKey(reference) ? CopyBenchmark.median(byTool.get(reference)) : null;
      byTool.forEach((tool, times) -> {
        Duration median = CopyBenchmark.median(times);
        List<Duration> sorted = times.stream().sorted().toList();
        out.append("| ").append(job).append(" | ").append(tool).append(" | ")
            .append(CopyBenchmark.seconds(median)).append(" | ").append(CopyBenchmark.seconds(sorted.get(0)))
            .append(" - ").append(CopyBenchmark.seconds(sorted.get(sorted.size() - 1))).append(" | ")
            .append(ref == null ? "-" : String.format(java.util.Locale.ROOT, "%.2fx",
                median.toNanos() / (double) ref.toNanos()))
            .append(" |\n");
      });
    });
    System.out.println(out);
  }
}
