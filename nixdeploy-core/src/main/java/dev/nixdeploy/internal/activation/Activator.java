package dev.nixdeploy.internal.activation;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.ActivationResult.Outcome;
import dev.nixdeploy.ActivationResult.Rollback;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.privilege.RootAccess;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activates NixOS system closures on one host, the way {@code nixos-rebuild} does, with safety nets:
 *
 * <ol>
 *   <li>checks that the path is a system closure ({@code bin/switch-to-configuration}) before anything
 *       changes, and that the login user can become root;
 *   <li>starts, as root and detached from the ssh session ({@code systemd-run} where systemd runs, else
 *       {@code setsid}), a fixed script in a private run directory under {@code /run/nix-deploy}: it sets
 *       the system profile ({@code switch}, {@code boot}), runs {@code switch-to-configuration ACTION}, and
 *       on failure returns the profile and the running system to the previous generation;
 *   <li>streams the output back while the connection lives, reconnecting if it drops, and reads the
 *       result from a file;
 *   <li>for a confirmed activation, proves over a <em>new</em> ssh connection that the host is still
 *       reachable; without that proof, a watchdog left on the host rolls back by itself;
 *   <li>for a reboot, reboots, waits for the host to answer again and checks it booted the new system.
 * </ol>
 *
 * <p>Internal: applications use {@code deployer.deployTo(host).copy(system).activate(options)}. Directly:
 *
 * <pre>{@code
 * Activator activator = Activator.create(transport, () -> SshTransports.connect(target, ssh),
 *     sudoPasswords, DeployListener.NONE);
 * ActivationResult r = activator.activate(system, ActivationOptions.defaults());
 * System.out.println(r.summary());
 * }</pre>
 *
 * <p>After a successful activation, {@link #rollBack(String)} returns the host to what ran before it,
 * with the same rollback a failed activation gets (a fleet whose health check fails does this).
 *
 * <p>Not thread-safe: one activation at a time per activator (the host allows one at a time anyway).
 */
public final class Activator {
  private static final Logger LOG = LoggerFactory.getLogger(Activator.class);
  /** Where run directories live on the host. */
  static final String RUN_BASE = "/run/nix-deploy";
  /**
   * How long to keep trying to reach the host again after each drop of the connection during an
   * activation, measured from that drop.
   */
  static final Duration RECONNECT_WINDOW = Duration.ofMinutes(2);
  /** How long before the host's confirmation window closes nix-deploy stops trying to confirm (at most). */
  static final Duration CONFIRM_MARGIN = Duration.ofSeconds(2);
  /** Exit code of the confirm script when the watchdog took the token first. */
  private static final int TOO_LATE = 3;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Transport transport;
  private final Supplier<Transport> reconnect;
  private final @Nullable SudoPasswordSource sudoPasswords;
  private final DeployListener listener;
  private final Duration reconnectWindow;
  /** The last activation's run directory and output, for a later {@link #rollBack(String)}. */
  private @Nullable LastRun last;

  private record LastRun(String id, StorePath system, OutputLines output) {}

  private Activator(Transport transport, Supplier<Transport> reconnect,
      @Nullable SudoPasswordSource sudoPasswords, DeployListener listener, Duration reconnectWindow) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
    this.sudoPasswords = sudoPasswords;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.reconnectWindow = Objects.requireNonNull(reconnectWindow, "reconnectWindow");
  }

  /**
   * @param transport a connection to the host, used first; never closed by the activator
   * @param reconnect makes a new connection to the same host as the same user: to confirm, and to go
   *     on when the first connection drops; the activator closes what it returns
   * @param sudoPasswords where to get a sudo password, if the host's sudo wants one; null if none
   * @param listener who is told about progress
   * @return an activator for that host
   */
  public static Activator create(Transport transport, Supplier<Transport> reconnect,
      @Nullable SudoPasswordSource sudoPasswords, DeployListener listener) {
    return new Activator(transport, reconnect, sudoPasswords, listener, RECONNECT_WINDOW);
  }

  /**
   * @param window how long to keep trying after each drop of the connection (default
   *     {@link #RECONNECT_WINDOW})
   * @return a copy of this activator with that reconnect window
   */
  Activator withReconnectWindow(Duration window) {
    return new Activator(transport, reconnect, sudoPasswords, listener, window);
  }

  /**
   * Activates a system closure already in the host's store.
   *
   * @param system the system closure (e.g. {@code config.system.build.toplevel})
   * @param options what to do and which safety nets to use
   * @return what happened; a partial success (exit code 4) or a needed reboot (exit code 100) is a
   *     success whose {@link ActivationResult#outcome()} says so
   * @throws ActivationException if the path is no system closure (nothing changed), the activation
   *     failed (the result says whether and how it rolled back), it could not be confirmed (the host
   *     rolled back), or the host did not come back on the new system after a reboot
   * @throws dev.nixdeploy.PrivilegeException if the login user cannot become root (nothing changed)
   * @throws NixDeployException if the host cannot be reached
   */
  public ActivationResult activate(StorePath system, ActivationOptions options) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(options, "options");
    return new Run(system, options).run();
  }

  /**
   * Returns the host to what ran before the last activation of this activator, which succeeded: the
   * rollback a failed activation gets, run as root detached from the connection ({@code /run/current-system}
   * as it was re-activated, the profile returned to its generation before and the boot entry restored).
   * Once per activation.
   *
   * @param reason why, for the result
   * @return the rollback; {@link Rollback#succeeded()} says whether re-activating the old system worked
   * @throws IllegalStateException if this activator has activated nothing (since its last rollback)
   * @throws ActivationException if the host refuses: the activation did not succeed, was rolled back
   *     already, or another activation runs there
   * @throws NixDeployException if the host cannot be reached
   */
  public Rollback rollBack(String reason) {
    Objects.requireNonNull(reason, "reason");
    LastRun run = last;
    if (run == null) {
      throw new IllegalStateException("Nothing to roll back: this activator has not activated a system");
    }
    last = null;
    String host = transport.host();
    String dir = RUN_BASE + "/" + run.id();
    RootAccess root = RootAccess.detect(transport, sudoPasswords);
    try {
      CommandResult started = root.run(Command.of("sh", "-c", Scripts.ROLLBACK, "sh", run.id()));
      if (!started.succeeded()) {
        throw new ActivationException(host, "Could not start rolling back " + run.system() + " on " + host
            + " (exit code " + started.exitCode() + "): " + started.stderr().strip() + ". Nothing was changed.",
            null);
      }
    } finally {
      root.forget();
    }
    KeyValues outcome;
    try (HostLink link = new HostLink(transport, reconnect, reconnectWindow)) {
      link.follow(dir, "rollback", run.output());
      outcome = KeyValues.parse(Objects.requireNonNull(link.readIfExists(dir + "/rollback"), "rollback"));
    } catch (HostKeyException e) {
      throw e;
    } catch (NixDeployException e) {
      throw new ActivationException(host, "Lost " + host + " while rolling back " + run.system() + ": "
          + e.getMessage() + ". The rollback goes on there; its output is in " + dir + "/log.", null, e);
    }
    Optional<String> refused = outcome.get("error");
    if (refused.isPresent()) {
      throw new ActivationException(host, "Cannot roll back " + run.system() + " on " + host + ": "
          + refused.get() + ".", null);
    }
    Rollback r = new Rollback(reason, outcome.integer("generation"), outcome.storePath("system"),
        outcome.integer("exit", -1));
    listener.rolledBack(host, r);
    return r;
  }

  /** One activation. */
  private final class Run {
    private final StorePath system;
    private final ActivationOptions options;
    private final String host = transport.host();
    private final long started = System.nanoTime();
    private final OutputLines output;

    Run(StorePath system, ActivationOptions options) {
      this.system = system;
      this.options = options;
      this.output = new OutputLines(host, listener);
    }

    ActivationResult run() {
      checkSystemClosure();
      RootAccess root = RootAccess.detect(transport, sudoPasswords);
      try {
        return run(root);
      } finally {
        root.forget();
      }
    }

    private ActivationResult run(RootAccess root) {
      listener.activationStarted(host, system, options.mode());
      String id = launch(root);
      String dir = RUN_BASE + "/" + id;
      last = new LastRun(id, system, output);
      try (HostLink link = new HostLink(transport, reconnect, reconnectWindow)) {
        KeyValues activation = readResult(link, dir, "activation");
        Optional<String> error = activation.get("error");
        int exit = activation.integer("exit", -1);
        Outcome outcome = error.isPresent() ? Outcome.FAILED : outcome(exit);
        Optional<Rollback> rollback = activation.get("rollback_reason").map(reason -> new Rollback(reason,
            activation.integer("rollback_generation"), activation.storePath("rollback_system"),
            activation.integer("rollback_exit", -1)));
        rollback.ifPresent(r -> listener.rolledBack(host, r));

        Confirmation confirmation = Confirmation.NONE;
        if (activation.get("watchdog").isPresent()) {
          confirmation = confirm(link, dir, activation, outcome != Outcome.FAILED);
          if (confirmation.rollback().isPresent()) {
            rollback = confirmation.rollback();
            listener.rolledBack(host, rollback.get());
          }
        }
        Optional<String> unconfirmed = confirmation.problem();
        ActivationResult result = result(exit, outcome, activation, rollback, confirmation.confirmed(), false);
        if (error.isPresent()) {
          throw finish(result, "Activating " + system + " on " + host + " failed: " + error.get() + ".");
        }
        if (unconfirmed.isPresent() && rollback.isEmpty()) {
          throw finish(result, unconfirmed.get());
        }
        if (rollback.isPresent() || outcome == Outcome.FAILED) {
          throw finish(result, failureMessage(result, confirmation));
        }
        if (options.reboot()) {
          rebootAndCheck(link, root);
          result = result(exit, outcome, activation, rollback, confirmation.confirmed(), true);
        }
        listener.activationFinished(host, result);
        return result;
      }
    }

    // Waits for a result file of the run (streaming the log meanwhile) and reads it.
    private KeyValues readResult(HostLink link, String dir, String name) {
      try {
        link.follow(dir, name, output);
        return KeyValues.parse(Objects.requireNonNull(link.readIfExists(dir + "/" + name), name));
      } catch (HostKeyException e) {
        throw e;
      } catch (NixDeployException e) {
        throw new ActivationException(host, "Lost " + host + " while activating " + system + ": "
            + e.getMessage() + ". The activation goes on there"
            + (options.confirm() ? " (without nix-deploy's confirmation the host rolls itself back)" : "")
            + "; its output is in " + dir + "/log.", null, e);
      }
    }

    private void checkSystemClosure() {
      CommandResult check = transport.run(Command.of("sh", "-c",
          "[ -x \"$1/bin/switch-to-configuration\" ] && [ -f \"$1/bin/switch-to-configuration\" ]", "sh",
          system.path()));
      if (!check.succeeded()) {
        throw new ActivationException(host, system + " is not a NixOS system closure on " + host
            + ": it has no bin/switch-to-configuration (or is not in the host's store). Nothing was changed."
            + " Copy the closure of a system (config.system.build.toplevel) first.", null);
      }
    }

    private String launch(RootAccess root) {
      String id = HexFormat.of().formatHex(randomBytes());
      String confirmSeconds = options.confirm() ? Long.toString(Math.max(1, confirmSeconds())) : "0";
      Command launch = Command.of("sh", "-c", Scripts.LAUNCH, "sh", id, root.user(), Scripts.ACTIVATE,
          options.mode().action(), system.path(), options.profile(), flag(options.installBootloader()),
          flag(options.autoRollback()), confirmSeconds, flag(options.failOnPartialSuccess()));
      CommandResult launched = root.run(launch);
      if (!launched.succeeded()) {
        throw new ActivationException(host, "Could not start the activation of " + system + " on " + host
            + " (exit code " + launched.exitCode() + "): " + launched.stderr().strip()
            + ". Nothing was changed.", null);
      }
      LOG.debug("activation {} on {} started with {}", id, host, launched.stdout().strip());
      return id;
    }

    /** What came of a confirmation: the watchdog's verdict, and why nix-deploy could not confirm. */
    private record Confirmation(boolean confirmed, Optional<Rollback> rollback, Optional<String> problem,
        boolean tooLate) {
      static final Confirmation NONE = new Confirmation(false, Optional.empty(), Optional.empty(), false);
    }

    // Proves over a new connection that the host is reachable, then reads the watchdog's verdict.
    private Confirmation confirm(HostLink link, String dir, KeyValues activation, boolean needed) {
      Optional<String> problem = Optional.empty();
      boolean tooLate = false;
      if (needed) {
        CommandResult sent = sendConfirmation(dir, confirmationDeadline(link, activation));
        tooLate = sent.exitCode() == TOO_LATE;
        if (tooLate) {
          problem = Optional.of("nix-deploy reached " + host + " again over a new ssh connection, but only"
              + " after the host's confirmation window of " + confirmSeconds() + "s had closed");
        } else if (!sent.succeeded()) {
          problem = Optional.of("nix-deploy could not open a new ssh connection to " + host + " within "
              + confirmSeconds() + "s after the activation (" + sent.stderr().strip() + ")");
        }
      }
      KeyValues watchdog = readResult(link, dir, "watchdog");
      String verdict = watchdog.get("outcome").orElse("");
      if (verdict.equals("confirmed")) {
        return new Confirmation(true, Optional.empty(), Optional.empty(), false);
      }
      if (verdict.equals("rolled-back")) {
        Rollback r = new Rollback(watchdog.get("reason").orElse("not confirmed"),
            watchdog.integer("generation"), watchdog.storePath("system"), watchdog.integer("exit", -1));
        return new Confirmation(false, Optional.of(r), problem, tooLate);
      }
      return new Confirmation(false, Optional.empty(), problem, tooLate);
    }

    /*
     * When nix-deploy stops trying to confirm: a margin before the host's window closes. The host says
     * when (confirm_deadline, on its monotonic clock); asking the host's clock now, and counting from
     * before the question, errs on the early side whatever the latency.
     */
    private long confirmationDeadline(HostLink link, KeyValues activation) {
      long asked = System.nanoTime();
      long leftNanos = options.confirmTimeout().toNanos();
      OptionalLong hostDeadline = activation.number("confirm_deadline");
      if (hostDeadline.isPresent()) {
        try {
          CommandResult clock = link.call(t -> t.run(Command.of("sh", "-c", Scripts.CLOCK)));
          leftNanos = (hostDeadline.getAsLong() - Long.parseLong(clock.orThrow(host).stdout().strip()))
              * 10_000_000L;
        } catch (NixDeployException | NumberFormatException e) {
          LOG.debug("cannot read the clock of {}, counting the confirmation window from now: {}", host,
              e.getMessage());
        }
      }
      long margin = Math.min(CONFIRM_MARGIN.toNanos(), Math.max(0, leftNanos) / 4);
      return asked + leftNanos - margin;
    }

    /*
     * Takes the host's confirmation token over new connections until the deadline: exit code 0 when
     * confirmed, TOO_LATE when the watchdog took it first, anything else (with the last problem as
     * standard error) when no try got through.
     */
    private CommandResult sendConfirmation(String dir, long deadline) {
      Command confirm = Command.of("sh", "-c", Scripts.CONFIRM, "sh", dir);
      String last = "no try was made";
      while (true) {
        try (Transport fresh = reconnect.get()) {
          CommandResult r = fresh.run(confirm);
          if (r.succeeded() || r.exitCode() == TOO_LATE) {
            LOG.debug("confirming the activation on {} over a new connection: exit code {}", host,
                r.exitCode());
            return r;
          }
          last = "confirming failed: " + r.stderr().strip();
        } catch (NixDeployException e) {
          last = e.getMessage();
        }
        if (System.nanoTime() - deadline >= 0) {
          return new CommandResult(confirm, -1, "", last);
        }
        HostLink.pause(Duration.ofMillis(500));
      }
    }

    private long confirmSeconds() {
      return (options.confirmTimeout().toMillis() + 999) / 1000;
    }

    private void rebootAndCheck(HostLink link, RootAccess root) {
      listener.rebooting(host);
      long deadline = deadline(options.rebootTimeout());
      RootAccess asRoot = link.onOriginal() ? root
          : RootAccess.detect(link.call(t -> t, deadline), sudoPasswords);
      Transport before = asRoot.transport();
      try {
        CommandResult reboot = asRoot.run(Command.of("reboot"));
        if (!reboot.succeeded() && before.run(Command.of("true")).succeeded()) {
          throw new ActivationException(host, "The system " + system + " is set to boot on " + host
              + ", but reboot failed (exit code " + reboot.exitCode() + "): " + reboot.stderr().strip(),
              null);
        }
      } catch (ActivationException e) {
        throw e;
      } catch (NixDeployException e) {
        LOG.debug("the connection to {} ended with the reboot: {}", host, e.getMessage());
      } finally {
        if (asRoot != root) {
          asRoot.forget();
        }
      }
      // The old connection ends when the host goes down; only a connection made after that counts.
      while (true) {
        try {
          before.run(Command.of("true"));
        } catch (NixDeployException e) {
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new ActivationException(host, "The host " + host + " did not go down within "
              + options.rebootTimeout().toSeconds() + "s of the reboot command", null);
        }
        HostLink.pause(Duration.ofMillis(250));
      }
      link.drop();
      String booted;
      try {
        booted = link.call(t -> t.run(Command.of("readlink", "-f", "/run/booted-system")), deadline)
            .stdout().strip();
      } catch (NixDeployException e) {
        throw new ActivationException(host, "The host " + host + " did not answer over ssh within "
            + options.rebootTimeout().toSeconds() + "s of the reboot: " + e.getMessage()
            + ". The new system is its boot default.", null);
      }
      if (!booted.equals(system.path())) {
        throw new ActivationException(host, "The host " + host + " came back after the reboot running "
            + (booted.isEmpty() ? "an unknown system" : booted) + ", not " + system
            + ". Check its bootloader and boot log.", null);
      }
    }

    private Outcome outcome(int exit) {
      return switch (exit) {
        case 0 -> Outcome.SUCCEEDED;
        case 100 -> Outcome.REBOOT_REQUIRED;
        case 4 -> options.failOnPartialSuccess() ? Outcome.FAILED : Outcome.PARTIALLY_SUCCEEDED;
        default -> Outcome.FAILED;
      };
    }

    private ActivationResult result(int exit, Outcome outcome, KeyValues activation,
        Optional<Rollback> rollback, boolean confirmed, boolean rebooted) {
      boolean setsProfile = options.mode().setsProfile();
      return new ActivationResult(host, system, options.mode(),
          setsProfile ? Optional.of(options.profile()) : Optional.empty(), exit, outcome,
          setsProfile ? activation.integer("before") : OptionalInt.empty(),
          activation.integer("after"), rollback, confirmed, rebooted,
          Duration.ofNanos(System.nanoTime() - started), output.tail());
    }

    private String failureMessage(ActivationResult result, Confirmation confirmation) {
      StringBuilder b = new StringBuilder();
      Optional<String> unconfirmed = confirmation.problem();
      if (confirmation.rollback().isPresent() && result.outcome() != Outcome.FAILED) {
        // The switch worked; the watchdog undid it for want of a confirmation.
        if (confirmation.tooLate()) {
          b.append(unconfirmed.orElseThrow()).append(", so the host rolled itself back. Deploy again, with a"
              + " longer confirmation timeout (--confirm-timeout) if the host is slow to take new connections after a switch.");
        } else if (unconfirmed.isPresent()) {
          b.append(unconfirmed.get()).append(", so the host rolled itself back. The new system probably"
              + " cuts off ssh access; fix its configuration and deploy again.");
        } else {
          b.append("Activating ").append(system).append(" on ").append(host).append(" worked, but the host"
              + " did not take nix-deploy's confirmation and rolled itself back (")
              .append(confirmation.rollback().get().reason()).append(").");
        }
      } else if (result.exitCode() == 4) {
        b.append("Activating ").append(system).append(" on ").append(host).append(": some units failed"
            + " (exit code 4), which counts as a failure with --failOnPartialSuccess.");
      } else {
        b.append("Activating ").append(system).append(" on ").append(host).append(" failed with exit"
            + " code ").append(result.exitCode()).append('.');
      }
      result.rollback().ifPresentOrElse(r -> {
        if (r.succeeded()) {
          b.append(" Rolled back: ").append(r.system().orElseThrow()).append(options.mode() == ActivationMode.BOOT
              ? " is the boot default again" : " is active again");
          r.generation().ifPresent(g -> b.append(" (profile generation ").append(g).append(')'));
          if (result.profile().isPresent() && result.generationBefore().isEmpty()) {
            b.append("; the profile ").append(result.profile().get())
                .append(" had no generation before and has none again");
          }
          b.append('.');
        } else if (r.system().isPresent()) {
          b.append(" Rolling back to ").append(r.system().get()).append(" failed too (exit code ")
              .append(r.exitCode()).append("): the host needs attention.");
        } else {
          b.append(" No system was running and the profile had no generation before, so there was nothing"
              + " to re-activate: the host needs attention.");
        }
      }, () -> b.append(options.autoRollback() || options.mode() == ActivationMode.DRY_ACTIVATE
          ? "" : " Automatic rollback is off: the host stays on the new system."));
      String tail = String.join("\n", result.output().subList(
          Math.max(0, result.output().size() - 10), result.output().size()));
      if (!tail.isBlank()) {
        b.append("\nLast output:\n").append(tail);
      }
      return b.toString();
    }

    private ActivationException finish(ActivationResult result, String message) {
      listener.activationFinished(host, result);
      return new ActivationException(host, message, result);
    }
  }

  private static byte[] randomBytes() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return id;
  }

  private static String flag(boolean on) {
    return on ? "1" : "0";
  }

  private static long deadline(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Override
  public String toString() {
    return "Activator{" + transport.host() + "}";
  }
}
