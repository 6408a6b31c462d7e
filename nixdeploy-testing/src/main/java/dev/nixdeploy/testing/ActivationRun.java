package dev.nixdeploy.testing;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.testing.FakeProcess.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One activation on a {@link FakeNixHost}, as nix-deploy's activation script does it on a real host: the
 * profile set for {@code switch} and {@code boot}, {@code switch-to-configuration} ending as scripted, a
 * rollback to the previous generation and system on failure, the result files and the log, and the
 * watchdog that rolls back unless the activation is confirmed over a new connection. It runs at once
 * when launched; the watchdog decides when the deployer asks for its verdict.
 */
final class ActivationRun {
  private static final long STARTED = System.nanoTime();

  private final FakeNixHost host;
  private final String dir;
  private final String action;
  private final StorePath system;
  private final String profile;
  private final int confirmSeconds;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final String activation;
  private final boolean armed;
  private final boolean ok;
  private final boolean setProfile;
  private final String before;
  private final String running;
  private final String previous;
  private final String after;
  private final long confirmDeadline;
  private final boolean locksOut;
  private String rbReason = "";
  private String rbGeneration = "";
  private String rbSystem = "";
  private int rbExit = -1;
  private boolean confirmed;
  private boolean expired;
  private @Nullable String watchdog;

  /** Arguments as the launch script gets them: id, user, script, action, system, profile, flags. */
  private ActivationRun(FakeNixHost host, List<String> args) {
    this.host = host;
    this.dir = "/run/nix-deploy/" + args.get(0);
    this.action = args.get(3);
    this.system = StorePath.parse(args.get(4));
    this.profile = args.get(5);
    boolean autoRollback = args.get(7).equals("1");
    this.confirmSeconds = Integer.parseInt(args.get(8));
    boolean strict = args.get(9).equals("1");
    SwitchBehaviour behaviour = host.takeSwitchBehaviour();

    before = profile.isEmpty() ? "" : text(host.generation(profile));
    // What runs now is what a rollback brings back; the profile's system is the boot default to restore.
    running = host.currentSystem().map(StorePath::path).orElse("");
    previous = before.isEmpty() ? "" : host.profile(profile).map(StorePath::path).orElse("");
    boolean sets = action.equals("switch") || action.equals("boot");
    if (sets) {
      say("setting profile " + profile + " to " + system);
    }
    after = sets ? Integer.toString(host.setProfile(profile, system)) : "";
    setProfile = sets;
    armed = confirmSeconds > 0;

    say("running " + system + "/bin/switch-to-configuration " + action);
    behaviour.output().forEach(this::print);
    int code = behaviour.exitCode();
    if (action.equals("switch") || action.equals("test")) {
      host.currentSystem(system);
    }
    say("switch-to-configuration " + action + " exited with " + code);
    boolean outcomeOk = code == 0 || code == 100 || (code == 4 && !strict);
    if (!outcomeOk && autoRollback && !action.equals("dry-activate")) {
      rollBack("switch-to-configuration " + action + " failed with exit code " + code);
    }
    ok = outcomeOk;
    long now = now();
    confirmDeadline = armed && ok ? now + confirmSeconds * 100L : 0;
    locksOut = behaviour.locksOut() && ok;
    if (locksOut) {
      host.lockOut(true);
    }
    activation = lines("exit=" + code, "outcome=" + (ok ? "ok" : "failed"), "before=" + before,
        "after=" + after, "previous=" + previous, "running=" + running, "rollback_reason=" + rbReason,
        "rollback_generation=" + rbGeneration, "rollback_system=" + rbSystem, "rollback_exit=" + rbExit,
        "watchdog=" + (armed ? "armed" : ""), "confirm_deadline=" + (confirmDeadline == 0 ? "" : confirmDeadline));
  }

  static ActivationRun start(FakeNixHost host, List<String> args) {
    synchronized (host) {
      return new ActivationRun(host, args);
    }
  }

  String dir() {
    return dir;
  }

  /**
   * Returns to what was there before this run, as the activation script does: the profile to the
   * generation it had (or, if it had none, no profile at all), and the host to the system it was running
   * when the run started, with the profile's previous system as the boot default again.
   */
  private void rollBack(String reason) {
    rbReason = reason;
    say("rolling back: " + reason);
    if (setProfile) {
      if (!before.isEmpty()) {
        print("switching profile from version " + host.generation(profile).orElse(0) + " to " + before);
        host.profileState(profile).current = Integer.parseInt(before);
        rbGeneration = before;
      } else if (!after.isEmpty()) {
        host.removeProfile(profile);
        say("removed " + profile + " again: it had no generation before");
      }
    }
    rbExit = 0;
    switch (action) {
      case "switch" -> {
        if (!running.isEmpty() && !previous.isEmpty() && !previous.equals(running)) {
          rbSystem = running;
          reactivate(running, "test");
          reactivate(previous, "boot");
        } else {
          rbSystem = running.isEmpty() ? previous : running;
          if (!rbSystem.isEmpty()) {
            reactivate(rbSystem, "switch");
          }
        }
      }
      case "boot" -> {
        rbSystem = previous.isEmpty() ? running : previous;
        if (!rbSystem.isEmpty()) {
          reactivate(rbSystem, "boot");
        }
      }
      case "test" -> {
        rbSystem = running.isEmpty() ? previous : running;
        if (!rbSystem.isEmpty()) {
          reactivate(rbSystem, "test");
        }
      }
      default -> { }
    }
    if (rbSystem.isEmpty()) {
      rbExit = -1;
      say("no system was running and the profile had no generation before: nothing to re-activate");
    }
  }

  /** Re-activates a system for a rollback: its switch-to-configuration always succeeds. */
  private void reactivate(String system, String how) {
    say("running " + system + "/bin/switch-to-configuration " + how);
    if (how.equals("switch") || how.equals("test")) {
      host.currentSystem(StorePath.parse(system));
    }
    say(system + "/bin/switch-to-configuration " + how + " exited with 0");
  }

  /** The log from byte {@code offset}; exit 0 as the follower does once {@code until} exists. */
  synchronized Result follow(long offset, String until) {
    if (until.equals("watchdog")) {
      decideWatchdog();
    }
    byte[] all = log.toByteArray();
    byte[] rest = offset >= all.length ? new byte[0] : Arrays.copyOfRange(all, (int) offset, all.length);
    return file(until).isPresent() ? new Result(0, rest, new byte[0]) : new Result(1, rest, Nar.utf8(
        "fake host: " + until + " will never appear in " + dir + "\n"));
  }

  synchronized Optional<String> file(String name) {
    return switch (name) {
      case "activation" -> Optional.of(activation);
      case "watchdog" -> Optional.ofNullable(watchdog);
      default -> Optional.empty();
    };
  }

  /** The login user's rename of the token over a new connection: 0 confirmed, 3 too late. */
  synchronized Result confirm() {
    if (expired) {
      return Result.fail(3, "the confirmation window has closed\n");
    }
    confirmed = true;
    return Result.ok("");
  }

  /** The watchdog's verdict, once the deployer asks for it: its window has passed by then. */
  private void decideWatchdog() {
    if (watchdog != null || !armed) {
      return;
    }
    synchronized (host) {
      if (!ok) {
        watchdog = lines("outcome=not-needed");
      } else if (confirmed) {
        say("confirmed over a new connection");
        watchdog = lines("outcome=confirmed");
      } else {
        expired = true;
        rollBack("not confirmed over a new ssh connection within " + confirmSeconds + "s");
        watchdog = lines("outcome=rolled-back", "reason=" + rbReason, "generation=" + rbGeneration,
            "system=" + rbSystem, "exit=" + rbExit);
        host.lockOut(false);
      }
    }
  }

  /**
   * The host's monotonic clock in centiseconds. Where a locked-out switch waits for a confirmation that
   * cannot come, its window has passed: the clock says so, and the deployer stops trying at once.
   */
  static long clock(Collection<ActivationRun> runs) {
    long now = now();
    for (ActivationRun r : runs) {
      synchronized (r) {
        if (r.locksOut && r.watchdog == null) {
          now = Math.max(now, r.confirmDeadline);
        }
      }
    }
    return now;
  }

  private static long now() {
    return 100_000 + (System.nanoTime() - STARTED) / 10_000_000L;
  }

  private void say(String line) {
    print("nix-deploy: " + line);
  }

  private synchronized void print(String line) {
    log.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String text(OptionalInt i) {
    return i.isPresent() ? Integer.toString(i.getAsInt()) : "";
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }
}
