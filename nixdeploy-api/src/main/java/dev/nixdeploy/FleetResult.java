package dev.nixdeploy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link FleetDeployment} ended: one result per host, in the order the hosts were given, and
 * totals.
 *
 * <pre>{@code
 * FleetResult r = deployer.fleet(hosts).copy(system).activate(ActivationMode.SWITCH);
 * r.hosts().stream().filter(h -> !h.succeeded())
 *     .forEach(h -> System.err.println(h.host() + ": " + h.state().label() + " " + h.error().orElse("")));
 * System.exit(r.succeeded() ? 0 : 1);
 * }</pre>
 *
 * @param hosts one result per host, in the order given
 * @param stopReason why hosts were left unstarted (a failed health check, too many failures, a
 *     cancellation), if they were
 * @param cancelled whether the deployment was cancelled (its thread interrupted)
 * @param duration how long the whole deployment took
 */
public record FleetResult(List<FleetHostResult> hosts, Optional<String> stopReason, boolean cancelled,
    Duration duration) {

  /** Copies the host list and checks that no component is null. */
  public FleetResult {
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(duration, "duration");
  }

  /** @return true only if every host succeeded */
  public boolean succeeded() {
    return hosts.stream().allMatch(FleetHostResult::succeeded);
  }

  /**
   * @param state a final state
   * @return how many hosts ended in it
   */
  public int count(FleetHostResult.State state) {
    return (int) hosts.stream().filter(h -> h.state() == state).count();
  }

  /** @return how many store paths were copied to hosts, over all hosts */
  public int pathsCopied() {
    return hosts.stream().flatMap(h -> h.copy().stream()).mapToInt(CopyResult::pathsSent).sum();
  }

  /** @return how many NAR bytes were copied to hosts, over all hosts */
  public long bytesCopied() {
    return hosts.stream().flatMap(h -> h.copy().stream()).mapToLong(CopyResult::bytesSent).sum();
  }

  /** @return one line: how many hosts ended in each state that occurred, and how long it took */
  public String summary() {
    StringBuilder b = new StringBuilder();
    for (FleetHostResult.State state : FleetHostResult.State.values()) {
      int n = count(state);
      if (n > 0) {
        b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(state.label());
      }
    }
    return hosts.size() + " hosts: " + (b.length() == 0 ? "none" : b) + " in " + duration.toMillis() + " ms";
  }
}
