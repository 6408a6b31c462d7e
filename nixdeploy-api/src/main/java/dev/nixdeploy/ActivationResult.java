package dev.nixdeploy;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What activating a NixOS system on a host did: the action and how {@code switch-to-configuration}
 * ended, the profile generations before and after, whether the host went back to the previous system
 * and why, and the last lines of output.
 *
 * <pre>{@code
 * ActivationResult r = activator.activate(system, ActivationOptions.defaults());
 * System.out.println(r.summary());
 * if (r.outcome() == ActivationResult.Outcome.REBOOT_REQUIRED) { ... }
 * }</pre>
 *
 * <p>In tests of code that handles results, {@link #success} and {@link #failure} make one in a line.
 * Serializable, so an {@link ActivationException} keeps its result across processes.
 *
 *
 * @param host where the system was activated, as in messages (e.g. {@code deploy@web-1})
 * @param system the system closure activated
 * @param mode the action
 * @param profile the profile {@code switch} and {@code boot} set, if this action sets one
 * @param exitCode how {@code switch-to-configuration} exited (-1 if it never ran, e.g. setting the
 *     profile failed)
 * @param outcome what the exit code means, given the options
 * @param generationBefore the profile's generation before, if the profile existed
 * @param generationAfter the generation the activation made, if it set the profile
 * @param rollback the return to the previous system, if there was one
 * @param confirmed whether the host received the confirmation that nix-deploy still reaches it
 * @param rebooted whether the host rebooted into the system and came back on it
 * @param duration how long the activation took, reboot and confirmation included
 * @param output the last lines the activation printed
 */
public record ActivationResult(
    String host,
    StorePath system,
    ActivationMode mode,
    Optional<String> profile,
    int exitCode,
    Outcome outcome,
    OptionalInt generationBefore,
    OptionalInt generationAfter,
    Optional<Rollback> rollback,
    boolean confirmed,
    boolean rebooted,
    Duration duration,
    List<String> output) implements Serializable {

  /** What the activation's exit code means. */
  public enum Outcome {
    /** Exit code 0. */
    SUCCEEDED,
    /** Exit code 4: some units failed, yet the system is switched. A warning, unless asked to fail. */
    PARTIALLY_SUCCEEDED,
    /** Exit code 100: the system is switched, but a reboot is needed to complete it. */
    REBOOT_REQUIRED,
    /** Anything else, or a partial success with {@code failOnPartialSuccess}. */
    FAILED
  }

  /**
   * A return to the previous system.
   *
   * @param reason why: the activation failed, or it was not confirmed in time
   * @param generation the profile generation restored, if the profile was rolled back
   * @param system the previous system re-activated, if one was known
   * @param exitCode how the previous system's {@code switch-to-configuration} exited (-1 if none ran)
   */
  public record Rollback(String reason, OptionalInt generation, Optional<StorePath> system, int exitCode) {
    /** Checks that no component is null. */
    public Rollback {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(generation, "generation");
      Objects.requireNonNull(system, "system");
    }

    /** @return true if the previous system was re-activated successfully */
    public boolean succeeded() {
      return system.isPresent() && exitCode == 0;
    }
  }

  /** Checks that no component is null and copies the output. */
  public ActivationResult {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(generationBefore, "generationBefore");
    Objects.requireNonNull(generationAfter, "generationAfter");
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(duration, "duration");
    output = List.copyOf(output);
  }

  /**
   * A successful activation, for tests: exit code 0, no rollback, not confirmed, not rebooted. A
   * {@code switch} or {@code boot} set {@link ActivationOptions#SYSTEM_PROFILE} from generation 1 to 2.
   *
   * <pre>{@code
   * when(plan.activate(ActivationMode.SWITCH)).thenReturn(... ActivationResult.success("web-1", system, ActivationMode.SWITCH) ...);
   * }</pre>
   *
   * @param host where the system was activated
   * @param system the system closure
   * @param mode the action
   * @return the result
   */
  public static ActivationResult success(String host, StorePath system, ActivationMode mode) {
    return of(host, system, mode, 0, Outcome.SUCCEEDED, Optional.empty());
  }

  /**
   * A failed activation, for tests: {@code switch-to-configuration} exited with {@code exitCode}, and
   * the host rolled back to {@code previous} unless that is empty.
   *
   * @param host where the system was activated
   * @param system the system closure
   * @param mode the action
   * @param exitCode how {@code switch-to-configuration} exited, e.g. 1
   * @param previous the system re-activated by the rollback (successfully, with the profile back at
   *     generation 1), or empty for no rollback
   * @return the result
   */
  public static ActivationResult failure(String host, StorePath system, ActivationMode mode, int exitCode,
      Optional<StorePath> previous) {
    Optional<Rollback> rollback = previous.map(p -> new Rollback("switch-to-configuration " + mode.action()
        + " failed with exit code " + exitCode,
        mode.setsProfile() ? OptionalInt.of(1) : OptionalInt.empty(), Optional.of(p), 0));
    return of(host, system, mode, exitCode, Outcome.FAILED, rollback);
  }

  private static ActivationResult of(String host, StorePath system, ActivationMode mode, int exitCode,
      Outcome outcome, Optional<Rollback> rollback) {
    boolean profile = mode.setsProfile();
    return new ActivationResult(host, system, mode,
        profile ? Optional.of(ActivationOptions.SYSTEM_PROFILE) : Optional.empty(), exitCode, outcome,
        profile ? OptionalInt.of(1) : OptionalInt.empty(), profile ? OptionalInt.of(2) : OptionalInt.empty(),
        rollback, false, false, Duration.ZERO, List.of());
  }

  /** @return true if the system is active (or set to boot) and stays so: no failure, no rollback */
  public boolean succeeded() {
    return outcome != Outcome.FAILED && rollback.isEmpty();
  }

  /** @return true if the host went back to the previous system */
  public boolean rolledBack() {
    return rollback.isPresent();
  }

  /** @return a few lines for people: what ran, how it ended, generations, rollback, reboot */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(mode.action()).append(' ').append(system).append(" on ").append(host).append(": ");
    b.append(switch (outcome) {
      case SUCCEEDED -> "succeeded";
      case PARTIALLY_SUCCEEDED -> "switched, but some units failed (exit code 4)";
      case REBOOT_REQUIRED -> "switched; a reboot is required to complete it (exit code 100)";
      case FAILED -> exitCode < 0 ? "failed" : "failed with exit code " + exitCode;
    });
    profile.ifPresent(p -> {
      b.append("\n  profile ").append(p).append(": generation ");
      b.append(generationBefore.isPresent() ? Integer.toString(generationBefore.getAsInt()) : "(none)");
      generationAfter.ifPresent(g -> b.append(" -> ").append(g));
    });
    rollback.ifPresent(r -> {
      b.append("\n  rolled back (").append(r.reason()).append(')');
      r.generation().ifPresent(g -> b.append(" to generation ").append(g));
      if (r.system().isPresent()) {
        b.append(r.exitCode() == 0 ? ", re-activated " : ", re-activating failed (exit code "
            + r.exitCode() + ") for ").append(r.system().get());
      } else {
        b.append(", no previous system to re-activate");
      }
    });
    if (confirmed) {
      b.append("\n  confirmed over a new ssh connection");
    }
    if (rebooted) {
      b.append("\n  rebooted and came back on the new system");
    }
    b.append("\n  took ").append(duration.toMillis()).append(" ms");
    return b.toString();
  }

  /** Serialized as its components, {@code Optional}s as nullable values (Optional is not serializable). */
  private Object writeReplace() {
    Rollback r = rollback.orElse(null);
    return new Form(host, system, mode, profile.orElse(null), exitCode, outcome, boxed(generationBefore),
        boxed(generationAfter), r == null ? null : r.reason(), r == null ? null : boxed(r.generation()),
        r == null ? null : r.system().orElse(null), r == null ? 0 : r.exitCode(), r != null, confirmed,
        rebooted, duration, List.copyOf(output));
  }

  private static @Nullable Integer boxed(OptionalInt i) {
    return i.isPresent() ? i.getAsInt() : null;
  }

  private static OptionalInt unboxed(@Nullable Integer i) {
    return i == null ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /** The serial form; {@link #readResolve} checks it through the canonical constructor. */
  private record Form(String host, StorePath system, ActivationMode mode,
      @Nullable String profile, int exitCode, Outcome outcome,
      @Nullable Integer generationBefore,
      @Nullable Integer generationAfter,
      @Nullable String rollbackReason,
      @Nullable Integer rollbackGeneration,
      @Nullable StorePath rollbackSystem, int rollbackExit, boolean rolledBack,
      boolean confirmed, boolean rebooted, Duration duration, List<String> output) implements Serializable {
    private static final long serialVersionUID = 1L;

    private Object readResolve() {
      Optional<Rollback> rollback = rolledBack
          ? Optional.of(new Rollback(Objects.requireNonNull(rollbackReason, "rollbackReason"),
              unboxed(rollbackGeneration), Optional.ofNullable(rollbackSystem), rollbackExit))
          : Optional.empty();
      return new ActivationResult(host, system, mode, Optional.ofNullable(profile), exitCode, outcome,
          unboxed(generationBefore), unboxed(generationAfter), rollback, confirmed, rebooted, duration,
          output);
    }
  }
}
