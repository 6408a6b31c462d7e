package dev.nixdeploy.core.activation;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.ActivationResult.Outcome;
import dev.nixdeploy.ActivationResult.Rollback;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import dev.nixdeploy.core.privilege.RootAccess;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
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
 * <pre>{@code
 * Activator activator = Activator.forDeployment(transport, target, settings);
 * ActivationResult r = activator.activate(system, ActivationOptions.defaults());
 * System.out.println(r.summary());
 * }</pre>
 *
 * <p>Not thread-safe: one activation at a time per activator (the host allows one at a time anyway).
 */
public final class Activator {
  private static final Logger LOG = LoggerFactory.getLogger(Activator.class);
  /** Where run directories live on the host. */
  static final String RUN_BASE = "/run/nix-deploy";
  /** How long to keep trying to reach the host again when a connection drops during an activation. */
  static final Duration RECONNECT_WINDOW = Duration.ofMinutes(2);
  /** How long the host may take to roll back after a missing confirmation. */
  static final Duration ROLLBACK_WINDOW = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Transport transport;
  private final Supplier<Transport> reconnect;
  private final @Nullable SudoPasswordSource sudoPasswords;
  private final DeployListener listener;

  private Activator(Transport transport, Supplier<Transport> reconnect,
      @Nullable SudoPasswordSource sudoPasswords, DeployListener listener) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
    this.sudoPasswords = sudoPasswords;
    this.listener = Objects.requireNonNull(listener, "listener");
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
    return new Activator(transport, reconnect, sudoPasswords, listener);
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
      listener.activationStarted(host, system, options.mode());
      String dir = launch(root);
      try (HostLink link = new HostLink(transport, reconnect)) {
        link.follow(dir, "activation", output, deadline(RECONNECT_WINDOW));
        KeyValues activation = KeyValues.parse(Objects.requireNonNull(
            link.readIfExists(dir + "/activation", deadline(RECONNECT_WINDOW)), "activation result"));
        Optional<String> error = activation.get("error");
        int exit = activation.integer("exit", -1);
        Outcome outcome = error.isPresent() ? Outcome.FAILED : outcome(exit);
        Optional<Rollback> rollback = activation.get("rollback_reason").map(reason -> new Rollback(reason,
            activation.integer("rollback_generation"), activation.storePath("rollback_system"),
            activation.integer("rollback_exit", -1)));
        rollback.ifPresent(r -> listener.rolledBack(host, r));

        boolean confirmed = false;
        Optional<String> unconfirmed = Optional.empty();
        if (activation.get("watchdog").isPresent()) {
          Confirmation c = confirm(link, dir, outcome != Outcome.FAILED);
          confirmed = c.confirmed();
          unconfirmed = c.problem();
          if (c.rollback().isPresent()) {
            rollback = c.rollback();
            listener.rolledBack(host, rollback.get());
          }
        }
        ActivationResult result = result(exit, outcome, activation, rollback, confirmed, false);
        if (error.isPresent()) {
          throw finish(result, "Activating " + system + " on " + host + " failed: " + error.get() + ".");
        }
        if (unconfirmed.isPresent() && rollback.isEmpty()) {
          throw finish(result, unconfirmed.get());
        }
        if (rollback.isPresent() || outcome == Outcome.FAILED) {
          throw finish(result, failureMessage(result, unconfirmed));
        }
        if (options.reboot()) {
          rebootAndCheck(link, root);
          result = result(exit, outcome, activation, rollback, confirmed, true);
        }
        listener.activationFinished(host, result);
        return result;
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
      String confirmSeconds = options.confirm()
          ? Long.toString(Math.max(1, (options.confirmTimeout().toMillis() + 999) / 1000)) : "0";
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
      return RUN_BASE + "/" + id;
    }

    private record Confirmation(boolean confirmed, Optional<Rollback> rollback, Optional<String> problem) {}

    // Proves over a new connection that the host is reachable, then reads the watchdog's verdict.
    private Confirmation confirm(HostLink link, String dir, boolean needed) {
      Optional<String> problem = Optional.empty();
      if (needed) {
        problem = sendConfirmation(dir);
      }
      link.follow(dir, "watchdog", output, deadline(options.confirmTimeout().plus(ROLLBACK_WINDOW)));
      KeyValues watchdog = KeyValues.parse(Objects.requireNonNull(
          link.readIfExists(dir + "/watchdog", deadline(RECONNECT_WINDOW)), "watchdog result"));
      String verdict = watchdog.get("outcome").orElse("");
      if (verdict.equals("confirmed")) {
        return new Confirmation(true, Optional.empty(), Optional.empty());
      }
      if (verdict.equals("rolled-back")) {
        Rollback r = new Rollback(watchdog.get("reason").orElse("not confirmed"),
            watchdog.integer("generation"), watchdog.storePath("system"), watchdog.integer("exit", -1));
        return new Confirmation(false, Optional.of(r), problem);
      }
      return new Confirmation(false, Optional.empty(), problem);
    }

    private Optional<String> sendConfirmation(String dir) {
      long deadline = deadline(options.confirmTimeout());
      String last = "";
      while (System.nanoTime() - deadline < 0) {
        try (Transport fresh = reconnect.get()) {
          CommandResult touched = fresh.run(Command.of("touch", dir + "/confirm/confirmed"));
          if (touched.succeeded()) {
            LOG.debug("confirmed the activation on {} over a new connection", host);
            return Optional.empty();
          }
          last = "touch failed: " + touched.stderr().strip();
        } catch (NixDeployException e) {
          last = e.getMessage();
        }
        HostLink.pause(Duration.ofMillis(500));
      }
      return Optional.of("nix-deploy could not open a new ssh connection to " + host + " within "
          + options.confirmTimeout().toSeconds() + "s after the activation (" + last + ")");
    }

    private void rebootAndCheck(HostLink link, RootAccess root) {
      listener.rebooting(host);
      long deadline = deadline(options.rebootTimeout());
      RootAccess asRoot = link.onOriginal() ? root : RootAccess.detect(link.transport(deadline), sudoPasswords);
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

    private String failureMessage(ActivationResult result, Optional<String> unconfirmed) {
      StringBuilder b = new StringBuilder();
      if (unconfirmed.isPresent() && result.outcome() != Outcome.FAILED) {
        b.append(unconfirmed.get()).append(", so the host rolled itself back. The new system probably cuts"
            + " off ssh access; fix its configuration and deploy again.");
      } else if (result.exitCode() == 4) {
        b.append("Activating ").append(system).append(" on ").append(host).append(": some units failed"
            + " (exit code 4), which counts as a failure with failOnPartialSuccess.");
      } else {
        b.append("Activating ").append(system).append(" on ").append(host).append(" failed with exit"
            + " code ").append(result.exitCode()).append('.');
      }
      result.rollback().ifPresentOrElse(r -> {
        if (r.succeeded()) {
          b.append(" Rolled back: ").append(r.system().orElseThrow()).append(" is active again");
          r.generation().ifPresent(g -> b.append(" (profile generation ").append(g).append(')'));
          b.append('.');
        } else if (r.system().isPresent()) {
          b.append(" Rolling back to ").append(r.system().get()).append(" failed too (exit code ")
              .append(r.exitCode()).append("): the host needs attention.");
        } else {
          b.append(" There was no previous system to roll back to: the host needs attention.");
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
