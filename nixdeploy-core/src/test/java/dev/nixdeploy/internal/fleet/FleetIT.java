package dev.nixdeploy.internal.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetHostResult.State;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.sandbox.Activation;
import dev.nixdeploy.sandbox.CacheServer;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleet deployments against eight sandbox hosts: parallel, one unreachable, a canary, the cache. */
@SandboxTest(hosts = 8)
class FleetIT {
  private static final String SYSTEM_PROFILE = "/nix/var/nix/profiles/system";
  private static SandboxHosts hosts;
  private static Deployer deployer;

  @BeforeAll
  static void setUp(SandboxHosts sandbox, @TempDir Path dir) {
    hosts = sandbox;
    Path key = dir.resolve("signing-key.sec");
    SigningKeyPair.generate("fleet-it-" + UUID.randomUUID()).store(key, dir.resolve("signing-key.pub"));
    deployer = Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(key).build();
  }

  private static String seed(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<Target> as(String user) {
    return hosts.hosts().stream().map(h -> Target.parse(h.destination(user))).toList();
  }

  private static List<String> actionsOn(SandboxHost host, StorePath system) {
    return host.activations().stream().filter(a -> a.system().equals(system)).map(Activation::action).toList();
  }

  private static String runningSystem(SandboxHost host) {
    return host.exec("readlink", "-f", "/run/current-system").stdout().strip();
  }

  private static String profileTarget(SandboxHost host) {
    return host.exec("readlink", "-f", SYSTEM_PROFILE).stdout().strip();
  }

  @Test
  void everyHostReachesTheNewSystem() {
    StorePath system = SampleClosures.fakeSystem(seed("fleet"), FakeSystem.WORKING);

    FleetResult result = deployer.fleet(as(SandboxUsers.ADMIN)).ensureKeys().copy(system)
        .activate(ActivationMode.SWITCH);

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsOnly(State.SUCCEEDED);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.hosts()).allSatisfy(h -> assertThat(h.copy().orElseThrow().sent()).contains(system));
    assertThat(hosts.hosts()).allSatisfy(h -> {
      assertThat(actionsOn(h, system)).containsExactly("switch");
      assertThat(profileTarget(h)).isEqualTo(system.path());
    });
  }

  @Test
  void anUnreachableHostFailsAloneAndTheOthersSucceed() {
    SampleClosures.Chain chain = SampleClosures.chain(seed("fleet-unreachable"));
    List<Target> targets = new ArrayList<>(as(SandboxUsers.ADMIN));
    // Nothing listens on port 1 of 127.0.0.1: the connection is refused.
    targets.add(3, Target.parse("admin@127.0.0.1:1"));

    FleetResult result = deployer.fleet(targets).ensureKeys().copy(chain.app()).parallelism(3).deploy();

    assertThat(result.succeeded()).isFalse();
    assertThat(result.count(State.FAILED)).isEqualTo(1);
    assertThat(result.count(State.SUCCEEDED)).isEqualTo(8);
    FleetHostResult unreachable = result.hosts().get(3);
    assertThat(unreachable.host()).isEqualTo(Target.parse("admin@127.0.0.1:1"));
    assertThat(unreachable.error()).get().asString().contains("127.0.0.1");
    assertThat(hosts.hosts()).allSatisfy(h -> assertThat(chain.closure()).allMatch(h::isValid));
    assertThat(result.pathsCopied()).isEqualTo(8 * 3);
  }

  @Test
  void aCanaryFailingItsHealthCheckReturnsToWhatRanAndTheOtherHostsAreUntouched() {
    String tag = seed("fleet-canary");
    StorePath good = SampleClosures.fakeSystem(tag + "-good", FakeSystem.WORKING);
    StorePath next = SampleClosures.fakeSystem(tag + "-next", FakeSystem.WORKING);
    StorePath bad = SampleClosures.fakeSystem(tag + "-bad", FakeSystem.WORKING);
    assertThat(deployer.fleet(as(SandboxUsers.ADMIN)).ensureKeys().copy(good).activate(ActivationMode.SWITCH)
        .succeeded()).isTrue();
    // The canaries boot into another system next time, but still run the good one.
    assertThat(deployer.fleet(as(SandboxUsers.ADMIN).subList(0, 2)).copy(next).activate(ActivationMode.BOOT)
        .succeeded()).isTrue();
    // Healthy unless the bad system runs.
    HealthCheck check = HealthCheck.command("sh", "-c", "[ \"$(readlink -f /run/current-system)\" != \"$1\" ]",
        "sh", bad.path()).withDeadline(Duration.ofSeconds(2)).withInterval(Duration.ofMillis(500));

    FleetResult result = deployer.fleet(as(SandboxUsers.ADMIN)).copy(bad).batchSize(2).healthCheck(check)
        .activate(ActivationMode.SWITCH);

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsExactly(State.ROLLED_BACK,
        State.ROLLED_BACK, State.SKIPPED, State.SKIPPED, State.SKIPPED, State.SKIPPED, State.SKIPPED,
        State.SKIPPED);
    assertThat(result.stopReason()).get().asString().contains("health check failed");
    for (int i = 0; i < 2; i++) {
      SandboxHost canary = hosts.host(i);
      assertThat(result.hosts().get(i).rolledBackTo()).contains(good);
      // What ran runs again, and the boot entry is the one it was: as a failed activation rolls back.
      assertThat(canary.activations().stream().map(a -> a.system() + " " + a.action()).toList())
          .endsWith(bad + " switch", good + " test", next + " boot");
      assertThat(runningSystem(canary)).isEqualTo(good.path());
      assertThat(profileTarget(canary)).isEqualTo(next.path());
    }
    for (SandboxHost untouched : hosts.hosts().subList(2, 8)) {
      assertThat(untouched.isValid(bad)).isFalse();
      assertThat(actionsOn(untouched, bad)).isEmpty();
      assertThat(runningSystem(untouched)).isEqualTo(good.path());
      assertThat(profileTarget(untouched)).isEqualTo(good.path());
    }
  }

  @Test
  void eachNarIsReadFromTheLocalStoreOnceForTheWholeFleet() {
    StorePath wide = SampleClosures.wide(seed("fleet-once"), 40);
    StorePath big = SampleClosures.ofSize(seed("fleet-once"), 4);
    LocalServeBytes local = new LocalServeBytes();
    Deployer counting = deployer.newBuilder().localTransports(local).build();

    FleetResult result = counting.fleet(as(SandboxUsers.ADMIN)).ensureKeys().copy(List.of(wide, big)).deploy();

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsOnly(State.SUCCEEDED);
    long narBytes = result.hosts().get(0).copy().orElseThrow().bytesSent();
    assertThat(narBytes).isGreaterThan(4L << 20);
    assertThat(result.hosts()).allSatisfy(h -> {
      assertThat(h.copy().orElseThrow().pathsSent()).isEqualTo(42);
      assertThat(h.copy().orElseThrow().bytesSent()).isEqualTo(narBytes);
    });
    // Eight hosts got every NAR; the local store sent each once (NAR bytes plus the protocol's framing).
    assertThat(local.bytes()).isBetween(narBytes, narBytes + narBytes / 10 + (64 << 10));
    assertThat(hosts.hosts()).allSatisfy(h -> assertThat(h.isValid(wide) && h.isValid(big)).isTrue());
  }

  @Test
  void aJvmWith64MegabytesOfHeapStreamsA150MegabytePathToEightHosts() throws Exception {
    StorePath big = SampleClosures.ofSize(seed("fleet-heap"), 150);
    List<String> args = new ArrayList<>(List.of(hosts.sshConfig().toString(), hosts.identityFile().toString(),
        hosts.knownHostsFile().toString(), big.path()));
    hosts.hosts().forEach(h -> args.add(h.destination(SandboxUsers.ROOT)));

    dev.nixdeploy.internal.serve.SmallHeapJvm.Result run = dev.nixdeploy.internal.serve.SmallHeapJvm.run("64m",
        FleetMain.class, args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("succeeded 8 ");
    assertThat(hosts.hosts()).allSatisfy(h -> {
      assertThat(h.exec("nix-store", "--verify-path", big.path()).exitCode()).isZero();
      h.exec("nix-store", "--delete", big.path()).orThrow();
    });
    dev.nixdeploy.sandbox.LocalCommand.of("nix-store", "--delete", big.path()).run().orThrow();
  }

  /** The local store through a transport that counts what every local nix-store --serve sends. */
  private static final class LocalServeBytes implements dev.nixdeploy.LocalTransports {
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

    long bytes() {
      return bytes.get();
    }

    @Override
    public dev.nixdeploy.Transport open() {
      dev.nixdeploy.Transport local = dev.nixdeploy.internal.local.LocalTransport.create();
      return new dev.nixdeploy.Transport() {
        @Override
        public String host() {
          return local.host();
        }

        @Override
        public dev.nixdeploy.RemoteProcess start(dev.nixdeploy.Command command) {
          dev.nixdeploy.RemoteProcess p = local.start(command);
          return command.argv().contains("--serve") ? counted(p) : p;
        }

        @Override
        public void close() {
          local.close();
        }
      };
    }

    private dev.nixdeploy.RemoteProcess counted(dev.nixdeploy.RemoteProcess p) {
      java.io.InputStream out = new java.io.FilterInputStream(p.stdout()) {
        @Override
        public int read() throws java.io.IOException {
          int b = super.read();
          if (b >= 0) {
            bytes.incrementAndGet();
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
          int n = super.read(buffer, offset, length);
          if (n > 0) {
            bytes.addAndGet(n);
          }
          return n;
        }
      };
      return new dev.nixdeploy.RemoteProcess() {
        @Override
        public java.io.OutputStream stdin() {
          return p.stdin();
        }

        @Override
        public java.io.InputStream stdout() {
          return out;
        }

        @Override
        public java.io.InputStream stderr() {
          return p.stderr();
        }

        @Override
        public java.util.OptionalInt waitFor(Duration timeout) throws InterruptedException {
          return p.waitFor(timeout);
        }

        @Override
        public boolean isAlive() {
          return p.isAlive();
        }

        @Override
        public void close() {
          p.close();
        }
      };
    }
  }

  @Test
  void anUntrustedDeployUserSubstitutesFromTheSignedCache(@TempDir Path dir) {
    SampleClosures.Chain chain = SampleClosures.chain(seed("fleet-cache"));
    try (CacheServer server = CacheServer.start(dir)) {
      BinaryCache cache = BinaryCache.at(server.url()).uploadTo(server.storeUrl());
      // Once, by a user who may become root: trust our key and the cache.
      assertThat(deployer.fleet(as(SandboxUsers.ADMIN)).ensureKeys().viaCache(cache).deploy().succeeded())
          .isTrue();

      FleetResult result = deployer.fleet(as(SandboxUsers.DEPLOY)).ensureKeys().viaCache(cache)
          .copy(chain.app()).deploy();

      assertThat(result.hosts()).extracting(FleetHostResult::state).containsOnly(State.SUCCEEDED);
      assertThat(hosts.hosts()).allSatisfy(h -> assertThat(chain.closure()).allMatch(h::isValid));
      assertThat(result.pathsCopied()).isEqualTo(8 * 3);
      String appHash = chain.app().path().substring("/nix/store/".length(), "/nix/store/".length() + 32);
      assertThat(server.requests()).filteredOn(r -> r.startsWith("GET /" + appHash + ".narinfo")).hasSize(8);
      assertThat(server.requests()).filteredOn(r -> r.startsWith("GET /nar/")).hasSize(8 * 3);
    }
    String conf = hosts.host(0).exec("cat", "/etc/nix/nix.conf").stdout();
    assertThat(conf).contains("extra-trusted-substituters = http://127.0.0.1:");
  }

  @Test
  void rollingBatchesGoOnWhileAUrlFetchedByEachHostAnswers(@TempDir Path dir) {
    StorePath system = SampleClosures.fakeSystem(seed("fleet-http"), FakeSystem.WORKING);
    try (CacheServer server = CacheServer.start(dir)) {
      HealthCheck check = HealthCheck.http(server.url() + "/healthz-" + seed("probe"))
          .withDeadline(Duration.ofSeconds(1)).withInterval(Duration.ofMillis(500));
      FleetResult failing = deployer.fleet(as(SandboxUsers.ADMIN).subList(0, 2)).ensureKeys().copy(system)
          .batchSize(1).healthCheck(check).activate(ActivationMode.TEST);
      assertThat(failing.hosts()).extracting(FleetHostResult::state)
          .containsExactly(State.FAILED, State.SKIPPED);
      assertThat(failing.hosts().get(0).error()).get().asString().contains("404");

      java.nio.file.Files.writeString(server.root().resolve("healthz"), "ok\n");
      FleetResult result = deployer.fleet(as(SandboxUsers.ADMIN)).ensureKeys().copy(system).batchSize(4)
          .healthCheck(HealthCheck.http(server.url() + "/healthz")).activate(ActivationMode.TEST);

      assertThat(result.hosts()).extracting(FleetHostResult::state).containsOnly(State.SUCCEEDED);
      assertThat(server.requests()).filteredOn(r -> r.startsWith("GET /healthz ")).hasSize(8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void afterMaxFailuresNoFurtherHostIsStarted() {
    SampleClosures.Chain chain = SampleClosures.chain(seed("fleet-max-failures"));
    List<Target> targets = new ArrayList<>(List.of(Target.parse("admin@127.0.0.1:1"),
        Target.parse("admin@127.0.0.1:2")));
    targets.addAll(as(SandboxUsers.ADMIN));

    FleetResult result = deployer.fleet(targets).copy(chain.app()).parallelism(2).maxFailures(2).deploy();

    assertThat(result.hosts()).extracting(FleetHostResult::state).containsExactly(State.FAILED, State.FAILED,
        State.SKIPPED, State.SKIPPED, State.SKIPPED, State.SKIPPED, State.SKIPPED, State.SKIPPED,
        State.SKIPPED, State.SKIPPED);
    assertThat(result.stopReason()).get().asString().contains("max failures 2");
    assertThat(hosts.hosts()).allSatisfy(h -> assertThat(h.isValid(chain.app())).isFalse());
  }

  @Test
  void aCancelledFleetLetsRunningActivationsFinishAndStartsNoOtherHost() throws Exception {
    StorePath system = SampleClosures.fakeSystem(seed("fleet-cancel"), FakeSystem.WORKING);
    java.util.concurrent.atomic.AtomicReference<Thread> runner = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<FleetResult> result = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean interruptedAfter = new java.util.concurrent.atomic.AtomicBoolean();
    List<FleetHostResult> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    dev.nixdeploy.FleetListener interruptOnActivation = new dev.nixdeploy.FleetListener() {
      @Override
      public void hostStep(Target host, Step step) {
        if (step == Step.ACTIVATING) {
          runner.get().interrupt();
        }
      }

      @Override
      public void hostFinished(FleetHostResult host) {
        reported.add(host);
      }
    };
    Thread t = new Thread(() -> {
      result.set(deployer.fleet(as(SandboxUsers.ADMIN)).ensureKeys().copy(system).parallelism(2)
          .listener(interruptOnActivation).activate(ActivationMode.TEST));
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    runner.set(t);
    t.start();
    t.join(Duration.ofMinutes(3).toMillis());

    assertThat(result.get().cancelled()).isTrue();
    assertThat(interruptedAfter).isTrue();
    assertThat(result.get().hosts()).extracting(FleetHostResult::state).containsExactly(State.SUCCEEDED,
        State.SUCCEEDED, State.CANCELLED, State.CANCELLED, State.CANCELLED, State.CANCELLED, State.CANCELLED,
        State.CANCELLED);
    // Every host's final state was reported, once, as the result has it.
    assertThat(reported).extracting(h -> h.host() + " " + h.state()).containsExactlyInAnyOrderElementsOf(
        result.get().hosts().stream().map(h -> h.host() + " " + h.state()).toList());
    assertThat(actionsOn(hosts.host(0), system)).containsExactly("test");
    assertThat(actionsOn(hosts.host(1), system)).containsExactly("test");
    assertThat(hosts.hosts().subList(2, 8)).allSatisfy(h -> assertThat(h.isValid(system)).isFalse());
  }
}
