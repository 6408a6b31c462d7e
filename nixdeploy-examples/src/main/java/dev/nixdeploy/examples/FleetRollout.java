package dev.nixdeploy.examples;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Rolls one NixOS system out to a fleet with one {@link Deployer}, the way a careful operator would: a
 * canary host first; if it succeeds, the others a few at a time; after the first failure, hosts not yet
 * started are skipped. Each host gets its own plan and SSH session, with keys exchanged, the closure
 * copied signed, and the activation's rollback and confirmation safety nets.
 *
 * <pre>{@code
 * List<FleetRollout.Outcome> outcomes = new FleetRollout(Deployer.builder().build(), 4)
 *     .rollOut(List.of("admin@web-1", "admin@web-2", "admin@web-3"), system, ActivationMode.SWITCH);
 * }</pre>
 *
 * Run it: {@code java -cp nix-deploy.jar dev.nixdeploy.examples.FleetRollout switch /nix/store/…-system
 * admin@web-1 admin@web-2} (with your {@code ~/.ssh/config} and known hosts).
 */
public final class FleetRollout {
  /** How one host fared. */
  public enum Status {
    /** Deployed and activated. */
    SUCCEEDED,
    /** The deployment failed; see {@link Outcome#error()}. */
    FAILED,
    /** Not attempted, because an earlier host failed. */
    SKIPPED
  }

  /**
   * How one host fared.
   *
   * @param host the target as given
   * @param status what happened
   * @param result what the deployment did, if it succeeded
   * @param error why it failed, if it did
   */
  public record Outcome(String host, Status status, Optional<DeploymentResult> result,
      Optional<RuntimeException> error) {
    static Outcome skipped(String host) {
      return new Outcome(host, Status.SKIPPED, Optional.empty(), Optional.empty());
    }
  }

  private final Deployer deployer;
  private final int parallelism;

  /**
   * @param deployer the configured deployer all hosts share (it is thread-safe)
   * @param parallelism how many hosts after the canary are deployed at once, at least 1
   */
  public FleetRollout(Deployer deployer, int parallelism) {
    this.deployer = Objects.requireNonNull(deployer, "deployer");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
    }
    this.parallelism = parallelism;
  }

  /**
   * @param hosts the targets; the first is the canary
   * @param system the system closure, in the local store
   * @param mode the activation action
   * @return one outcome per host, in the order given
   */
  public List<Outcome> rollOut(List<String> hosts, StorePath system, ActivationMode mode) {
    if (hosts.isEmpty()) {
      return List.of();
    }
    List<Outcome> outcomes = new ArrayList<>();
    Outcome canary = deploy(hosts.get(0), system, mode);
    outcomes.add(canary);
    List<String> rest = hosts.subList(1, hosts.size());
    if (canary.status() != Status.SUCCEEDED) {
      rest.forEach(h -> outcomes.add(Outcome.skipped(h)));
      return outcomes;
    }
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      List<Future<Outcome>> running = new ArrayList<>();
      for (String host : rest) {
        running.add(pool.submit(() -> {
          if (failed.get()) {
            return Outcome.skipped(host);
          }
          Outcome outcome = deploy(host, system, mode);
          if (outcome.status() == Status.FAILED) {
            failed.set(true);
          }
          return outcome;
        }));
      }
      for (Future<Outcome> f : running) {
        outcomes.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while rolling out", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("A deployment task failed unexpectedly", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return outcomes;
  }

  private Outcome deploy(String host, StorePath system, ActivationMode mode) {
    try {
      DeploymentResult result = deployer.deployTo(host).ensureKeys().copy(List.of(system)).activate(mode);
      return new Outcome(host, Status.SUCCEEDED, Optional.of(result), Optional.empty());
    } catch (RuntimeException e) {
      return new Outcome(host, Status.FAILED, Optional.empty(), Optional.of(e));
    }
  }

  /**
   * {@code FleetRollout ACTION SYSTEM HOST...}: rolls out with the default deployer settings, two hosts
   * at a time after the canary; exits with 1 unless every host succeeded.
   */
  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: FleetRollout switch|boot|test|dry-activate /nix/store/…-system HOST...");
      System.exit(2);
    }
    List<Outcome> outcomes = new FleetRollout(Deployer.builder().build(), 2)
        .rollOut(List.of(args).subList(2, args.length), StorePath.parse(args[1]),
            ActivationMode.fromAction(args[0]));
    for (Outcome o : outcomes) {
      System.out.println(o.host() + ": " + o.status()
          + o.error().map(e -> " (" + e.getMessage().lines().findFirst().orElse("") + ")").orElse(""));
    }
    System.exit(outcomes.stream().allMatch(o -> o.status() == Status.SUCCEEDED) ? 0 : 1);
  }
}
