package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult.Rollback;
import dev.nixdeploy.Closure;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetHostResult.State;
import dev.nixdeploy.FleetListener;
import dev.nixdeploy.FleetListener.Step;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.deploy.CoreSession;
import dev.nixdeploy.internal.deploy.ProfileRequest;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.serve.FanOutCopy;
import dev.nixdeploy.internal.serve.ServeClient;
import dev.nixdeploy.internal.trust.KeyExchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one fleet plan: batch after batch, each in waves of at most {@code parallelism} hosts; a wave
 * connects and exchanges keys on its hosts in parallel, copies (one NAR stream fanned out to all, or
 * each host substituting from the binary cache), then sets profiles and activates in parallel. After a
 * batch, the health check; a failure rolls the batch back and stops the rollout.
 *
 * <p>The calling thread coordinates; host steps run on a pool of {@code parallelism} threads. An
 * interrupt of the calling thread cancels: no further step that changes a host starts, running
 * activations, health checks and rollbacks finish.
 */
final class FleetRun {
  private static final Logger LOG = LoggerFactory.getLogger(FleetRun.class);

  private final FleetPlan plan;
  private final @Nullable ActivationOptions activation;
  private final FleetListener listener;
  private final DeployListener deployListener;
  private final List<HostWork> works = new ArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean cancelled;
  private @Nullable String stopReason;
  private @Nullable Closure closure;
  private @Nullable CacheFill cacheFill;

  FleetRun(FleetPlan plan, @Nullable ActivationOptions activation) {
    this.plan = plan;
    this.activation = activation;
    this.listener = plan.fleetListener();
    this.deployListener = plan.settings().listener();
    plan.hosts().forEach(h -> works.add(new HostWork(h)));
  }

  FleetResult run() {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(plan.parallelism(), r -> {
      Thread t = new Thread(r, "nix-deploy fleet");
      t.setDaemon(true);
      return t;
    });
    try {
      if (plan.cache() != null && !plan.roots().isEmpty()) {
        cacheFill = CacheFill.fill(plan.settings(), plan.cache(), plan.roots());
        listener.cacheFilled(plan.cache());
      }
      List<List<HostWork>> batches = partition(works, plan.batchSize() > 0 ? plan.batchSize() : works.size());
      for (int b = 0; b < batches.size(); b++) {
        List<HostWork> batch = batches.get(b);
        if (checkCancelled() || stopReason != null) {
          batch.forEach(this::leaveUnstarted);
          continue;
        }
        listener.batchStarted(b, batch.stream().map(w -> w.host).toList());
        for (List<HostWork> wave : partition(batch, plan.parallelism())) {
          if (checkCancelled() || stopReason != null) {
            wave.forEach(this::leaveUnstarted);
            continue;
          }
          runWave(pool, wave);
          if (plan.maxFailures() > 0 && failures.get() >= plan.maxFailures() && stopReason == null) {
            stopReason = failures.get() + " host(s) failed, the most allowed (max failures "
                + plan.maxFailures() + "): no further host was started";
          }
        }
        if (plan.check() != null) {
          checkHealth(pool, batch, b);
        }
        List<String> failed = batch.stream().filter(w -> w.state == State.FAILED).map(w -> w.host.toString())
            .toList();
        if (plan.batchSize() > 0 && !failed.isEmpty() && stopReason == null) {
          stopReason = "batch " + b + (b == 0 ? " (the canary)" : "") + " failed on "
              + String.join(", ", failed) + ": no later batch was started";
        }
        for (HostWork w : batch) {
          if (w.started()) {
            w.end(State.SUCCEEDED, null);
            report(w);
          }
        }
      }
    } finally {
      works.forEach(HostWork::close);
      pool.shutdownNow();
      if (cancelled) {
        Thread.currentThread().interrupt();
      }
    }
    List<FleetHostResult> results = works.stream().map(HostWork::result).toList();
    return new FleetResult(results, Optional.ofNullable(stopReason), cancelled,
        Duration.ofNanos(System.nanoTime() - started));
  }

  private boolean checkCancelled() {
    if (Thread.interrupted()) {
      cancel();
    }
    return cancelled;
  }

  private void cancel() {
    if (!cancelled) {
      cancelled = true;
      if (stopReason == null) {
        stopReason = "cancelled: no further host was started";
      }
    }
  }

  private void leaveUnstarted(HostWork w) {
    if (w.started()) {
      return;
    }
    w.end(cancelled ? State.CANCELLED : State.SKIPPED, stopReason);
    report(w);
  }

  /** Connects, exchanges keys, copies, then sets profiles and activates, for a wave of hosts. */
  private void runWave(ExecutorService pool, List<HostWork> wave) {
    wave.forEach(HostWork::start);
    inParallel(pool, wave, this::prepare);
    List<HostWork> ready = wave.stream().filter(HostWork::going).toList();
    if (!plan.roots().isEmpty() && !ready.isEmpty()) {
      if (checkCancelled()) {
        ready.forEach(w -> w.end(State.CANCELLED, "cancelled before the copy: nothing was changed"));
        return;
      }
      if (cacheFill != null) {
        inParallel(pool, ready, this::substitute);
      } else {
        fanOut(ready);
      }
    }
    List<HostWork> copied = wave.stream().filter(HostWork::going).toList();
    if (plan.profileRequest() == null && activation == null) {
      return;
    }
    if (checkCancelled()) {
      copied.forEach(w -> w.end(State.CANCELLED, "cancelled after the copy, before "
          + (activation != null ? "the activation" : "the profile change") + ": the host runs what it ran"));
      return;
    }
    inParallel(pool, copied, this::apply);
  }

  private void prepare(HostWork w) {
    step(w, Step.CONNECTING);
    w.session = CoreSession.open(plan.settings(), w.host, Direction.TO, deployListener);
    if (plan.ensuresKeys()) {
      step(w, Step.KEYS);
      w.keys = w.session.ensureKeys();
      if (plan.cache() != null) {
        w.session.keyExchange().ensureSubstituter(w.session.transport(), plan.cache().url());
      }
    }
    if (!plan.roots().isEmpty() && cacheFill == null) {
      w.store = ServeClient.open(w.session.transport(), plan.settings());
    }
  }

  private void substitute(HostWork w) {
    step(w, Step.COPYING);
    w.copy = cacheFill.substituteOn(w.session.transport(), deployListener);
  }

  /** One NAR stream from the local store to every host of the wave. */
  private void fanOut(List<HostWork> ready) {
    ready.forEach(w -> step(w, Step.COPYING));
    try (Transport local = CoreSession.openLocal(plan.settings());
        ServeClient source = ServeClient.open(local, plan.settings())) {
      if (closure == null) {
        closure = source.closure(plan.roots());
      }
      FanOutCopy.Builder copy = FanOutCopy.builder().listener(deployListener).cancelled(this::checkCancelled);
      SigningKeyPair key = null;
      if (plan.settings().sign()) {
        KeyExchange keys = ready.get(0).session.keyExchange();
        key = keys.localKeyPair(local);
        copy.signer(key::sign);
      }
      List<FanOutCopy.Outcome> outcomes;
      try {
        outcomes = copy.build().copy(source, closure, ready.stream().map(w -> w.store).toList());
      } finally {
        if (key != null) {
          key.destroy();
        }
      }
      for (int i = 0; i < ready.size(); i++) {
        HostWork w = ready.get(i);
        FanOutCopy.Outcome o = outcomes.get(i);
        if (o.result().isPresent()) {
          w.copy = o.result().get();
        } else if (o.cancelled()) {
          w.end(State.CANCELLED, "cancelled during the copy: the paths the host confirmed stay in its store,"
              + " nothing else changed");
        } else {
          failed(w, o.error().orElseThrow());
        }
      }
    } catch (RuntimeException e) {
      // The local store failed: no host of the wave got its closure.
      ready.stream().filter(HostWork::going).forEach(w -> failed(w, e));
    } finally {
      ready.forEach(w -> {
        if (w.store != null) {
          w.store.close();
          w.store = null;
        }
      });
    }
  }

  /** Profile and activation, with what ran before recorded for a health-check rollback. */
  private void apply(HostWork w) {
    StorePath root = plan.roots().get(0);
    ProfileRequest profile = plan.profileRequest();
    if (profile != null) {
      step(w, Step.PROFILE);
      if (plan.check() != null) {
        w.previous = Previous.profileTarget(w.session.transport(), profile.directory() + "/" + profile.name());
      }
      w.profile = w.session.setProfile(root, profile.name(), profile.directory(), profile.runAs());
    }
    if (activation != null) {
      step(w, Step.ACTIVATING);
      w.activator = w.session.activator();
      try {
        w.activation = w.activator.activate(root, activation);
      } catch (ActivationException e) {
        w.activation = e.result().orElse(null);
        throw e;
      }
    }
  }

  /** Runs the health check on every host of the batch still going; on a failure, rolls them all back. */
  private void checkHealth(ExecutorService pool, List<HostWork> batch, int index) {
    List<HostWork> deployed = batch.stream().filter(HostWork::going).toList();
    if (deployed.isEmpty() || activation != null && activation.mode() == ActivationMode.DRY_ACTIVATE) {
      return;
    }
    List<String> unhealthy = new ArrayList<>();
    inParallel(pool, deployed, w -> {
      step(w, Step.HEALTH_CHECK);
      Optional<String> problem = HealthProbe.check(w.session.transport(), plan.check());
      problem.ifPresent(p -> {
        synchronized (unhealthy) {
          unhealthy.add(w.host + ": " + p);
        }
        w.error = "health check failed: " + p;
      });
    }, false);
    if (unhealthy.isEmpty()) {
      return;
    }
    stopReason = "the health check failed on " + unhealthy.size() + " host(s) of batch " + index + " ("
        + String.join("; ", unhealthy)
        + "): the batch was rolled back and no later batch was started";
    inParallel(pool, deployed, w -> rollBack(w, String.join("; ", unhealthy)), false);
  }

  /**
   * Returns a host of a failed batch to what it ran before: an activation is undone by the activation's
   * own rollback (what was running re-activated, profile and boot entry as they were); a profile of the
   * plan is pointed back at what it pointed to.
   */
  private void rollBack(HostWork w, String why) {
    String reason = w.error != null ? w.error : "rolled back with its batch: the health check failed on "
        + why;
    ProfileRequest profile = plan.profileRequest();
    if (activation == null && (profile == null || w.previous == null)) {
      w.end(State.FAILED, reason + "; the profile pointed nowhere before, so the host keeps the new one");
      return;
    }
    step(w, Step.ROLLING_BACK);
    if (activation != null) {
      try {
        Rollback r = Objects.requireNonNull(w.activator, "activator").rollBack(reason);
        if (!r.succeeded()) {
          w.end(State.FAILED, reason + "; rolling back" + r.system().map(s -> " to " + s).orElse("")
              + " failed (exit code " + r.exitCode() + "): the host needs attention");
          return;
        }
        w.rolledBackTo = r.system().orElse(null);
      } catch (RuntimeException e) {
        w.end(State.FAILED, reason + "; rolling back failed too: " + HostWork.message(e));
        return;
      }
    }
    StorePath previous = w.previous;
    if (profile != null && previous != null) {
      try {
        w.session.setProfile(previous, profile.name(), profile.directory(), profile.runAs());
      } catch (RuntimeException e) {
        w.end(State.FAILED, reason + "; pointing the profile back at " + previous + " failed too: "
            + HostWork.message(e));
        return;
      }
      if (activation == null) {
        w.rolledBackTo = previous;
      }
    }
    w.end(State.ROLLED_BACK, reason);
  }

  private void failed(HostWork w, RuntimeException e) {
    w.fail(e);
    failures.incrementAndGet();
    LOG.debug("{} failed", w.host, e);
    report(w);
  }

  /** Tells the listener a host's final state, once. */
  private void report(HostWork w) {
    if (w.reported.compareAndSet(false, true)) {
      listener.hostFinished(w.result());
    }
  }

  private void step(HostWork w, Step step) {
    listener.hostStep(w.host, step);
  }

  private void inParallel(ExecutorService pool, List<HostWork> hosts, Consumer<HostWork> task) {
    inParallel(pool, hosts, task, true);
  }

  /**
   * Runs {@code task} for each host on the pool and waits for all, whatever interrupts come meanwhile
   * (they cancel the run: a task that changes hosts is never abandoned half-way).
   *
   * @param failOnError whether an exception fails the host (else the task handles its own)
   */
  private void inParallel(ExecutorService pool, List<HostWork> hosts, Consumer<HostWork> task,
      boolean failOnError) {
    List<Future<?>> running = new ArrayList<>();
    for (HostWork w : hosts) {
      running.add(pool.submit(() -> {
        try {
          task.accept(w);
        } catch (RuntimeException e) {
          if (failOnError) {
            failed(w, e);
          } else {
            w.end(State.FAILED, HostWork.message(e));
          }
        }
      }));
    }
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          cancel();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("A fleet task failed unexpectedly", e.getCause());
        }
      }
    }
  }

  private static <T> List<List<T>> partition(List<T> all, int size) {
    List<List<T>> parts = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      parts.add(all.subList(i, Math.min(all.size(), i + size)));
    }
    return parts;
  }
}
