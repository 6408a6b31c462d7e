package dev.nixdeploy.benchmarks;

import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.sandbox.CacheServer;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.LocalCommand;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Times a fleet deployment of one wide closure to eight sandbox hosts against a sequential loop of
 * {@code nix-copy-closure} to the same hosts, in one run: the fleet over ssh (one NAR stream fanned out
 * to every host, as root unsigned and as the untrusted deploy user signed) and through a signed binary
 * cache served by nginx on 127.0.0.1 (filled by {@code nix copy} with Nix's default xz compression and
 * with zstd, substituted by every host). Every
 * measured run starts from the same state (the closure deleted from every host, the cache emptied), the
 * ways take turns (each repetition starting with the next), and the median is reported. Run as root with
 * {@code scripts/benchmark fleet [repetitions [wideFiles [hosts]]]}.
 */
public final class FleetBenchmark {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

  private final SandboxHosts hosts;
  private final List<CacheServer> caches;

  private FleetBenchmark(SandboxHosts hosts, List<CacheServer> caches) {
    this.hosts = hosts;
    this.caches = caches;
  }

  public static void main(String[] args) throws IOException {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int wideFiles = args.length > 1 ? Integer.parseInt(args[1]) : SampleClosures.WIDE_FILES;
    int hostCount = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    String seed = "fleet-bench-" + UUID.randomUUID().toString().substring(0, 8);

    System.out.println("Load average at the start (1, 5, 15 min): " + CopyBenchmark.loadAverage());
    System.out.printf("Building samples (seed %s): %d small files, %d hosts%n", seed, wideFiles, hostCount);
    StorePath wide = SampleClosures.wide(seed, wideFiles);
    StorePath warmUp = SampleClosures.wide(seed + "-warm-up", 100);
    Path dir = Files.createTempDirectory("nixdeploy-fleet-bench");

    // One server per compression: hosts remember narinfos per cache URL, and the NAR file names differ.
    try (SandboxHosts hosts = SandboxHosts.start(hostCount);
        CacheServer server = CacheServer.start(Files.createDirectories(dir.resolve("xz")));
        CacheServer zstdServer = CacheServer.start(Files.createDirectories(dir.resolve("zstd")))) {
      FleetBenchmark bench = new FleetBenchmark(hosts, List.of(server, zstdServer));
      Path key = dir.resolve("signing-key.sec");
      SigningKeyPair.generate("nixdeploy-fleet-bench-" + seed).store(key, dir.resolve("signing-key.pub"));
      Deployer signed = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key).build();
      Deployer unsigned = signed.newBuilder().noSign().build();
      BinaryCache binaryCache = BinaryCache.at(server.url()).uploadTo(server.storeUrl());
      BinaryCache zstdCache = BinaryCache.at(zstdServer.url())
          .uploadTo(zstdServer.storeUrl() + "?compression=zstd");
      // Once, as a user who may become root: every host trusts the key and the caches (not measured).
      for (BinaryCache c : List.of(binaryCache, zstdCache)) {
        FleetResult trusted = signed.fleet(bench.targets(SandboxUsers.ADMIN)).ensureKeys().viaCache(c).deploy();
        if (!trusted.succeeded()) {
          throw new NixDeployException("could not set up the hosts: " + trusted.summary());
        }
      }

      List<Way> ways = List.of(
          bench.nixCopyClosureLoop(),
          bench.fleet("nix-deploy fleet (root, unsigned)", unsigned, SandboxUsers.ROOT, null),
          bench.fleet("nix-deploy fleet (deploy, signed)", signed, SandboxUsers.DEPLOY, null),
          bench.fleet("nix-deploy fleet via cache, xz (deploy, signed)", signed, SandboxUsers.DEPLOY, binaryCache),
          bench.fleet("nix-deploy fleet via cache, zstd (deploy, signed)", signed, SandboxUsers.DEPLOY,
              zstdCache));

      System.out.println("Warming up the JVM");
      for (Way way : ways.subList(1, ways.size())) {
        for (int i = 0; i < 2; i++) {
          bench.reset(warmUp);
          way.deploy(warmUp);
        }
      }

      Map<String, List<Duration>> runs = new LinkedHashMap<>();
      for (int rep = 1; rep <= repetitions; rep++) {
        for (int turn = 0; turn < ways.size(); turn++) {
          Way way = ways.get((turn + rep - 1) % ways.size());
          bench.reset(wide);
          long start = System.nanoTime();
          way.deploy(wide);
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          for (SandboxHost h : hosts.hosts()) {
            if (!h.isValid(wide)) {
              throw new NixDeployException(way.name() + " did not copy " + wide + " to " + h);
            }
          }
          runs.computeIfAbsent(way.name(), w -> new ArrayList<>()).add(took);
          System.out.printf("%-52s run %d: %s%n", way.name(), rep, CopyBenchmark.seconds(took));
        }
      }
      printTable(runs, ways, wideFiles + 1, hostCount);
      System.out.println("Load average at the end (1, 5, 15 min): " + CopyBenchmark.loadAverage());
    } finally {
      deleteTree(dir);
    }
  }

  private List<Target> targets(String user) {
    return hosts.hosts().stream().map(h -> Target.parse(h.destination(user))).toList();
  }

  /** {@code nix-copy-closure --to root@host} to one host after the other. */
  private Way nixCopyClosureLoop() {
    return new Way("nix-copy-closure loop (root)", root -> {
      for (SandboxHost h : hosts.hosts()) {
        ExecResult r = LocalCommand.of("nix-copy-closure", "--to", h.destination(SandboxUsers.ROOT), root.path())
            .withEnv("NIX_SSHOPTS", hosts.sshOptions()).withTimeout(COMMAND_TIMEOUT).run();
        r.orThrow();
      }
    });
  }

  private Way fleet(String name, Deployer deployer, String user, BinaryCache via) {
    return new Way(name, root -> {
      var fleet = deployer.fleet(targets(user)).copy(root);
      FleetResult result = (via == null ? fleet : fleet.viaCache(via)).deploy();
      if (!result.succeeded()) {
        throw new NixDeployException(name + " failed: " + result.summary());
      }
    });
  }

  /** Deletes the closure of {@code root} from every host and empties the caches. */
  private void reset(StorePath root) {
    hosts.hosts().forEach(h -> CopyBenchmark.removeClosure(h, root));
    for (CacheServer cache : caches) {
      try (Stream<Path> files = Files.list(cache.root())) {
        for (Path p : files.toList()) {
          deleteTree(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void printTable(Map<String, List<Duration>> runs, List<Way> ways, int paths, int hostCount) {
    Duration loop = CopyBenchmark.median(runs.get(ways.get(0).name()));
    StringBuilder out = new StringBuilder("\nWide closure (" + paths + " paths) to " + hostCount
        + " hosts, median wall time\n\n| way | seconds | of the loop | runs |\n|---|---:|---:|---|\n");
    for (Way way : ways) {
      List<Duration> times = runs.get(way.name());
      Duration median = CopyBenchmark.median(times);
      out.append("| ").append(way.name()).append(" | ").append(CopyBenchmark.seconds(median)).append(" | ")
          .append(String.format(java.util.Locale.ROOT, "%.2fx", median.toNanos() / (double) loop.toNanos()))
          .append(" | ").append(String.join(" / ", times.stream().map(CopyBenchmark::seconds).toList()))
          .append(" |\n");
    }
    System.out.println(out);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** One way of getting a closure onto every host. */
  private record Way(String name, Deploy deploy) {
    void deploy(StorePath root) {
      deploy.to(root);
    }
  }

  @FunctionalInterface
  private interface Deploy {
    void to(StorePath root);
  }
}
