package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nix-deploy system}: copy a NixOS system closure and activate it, with rollback. */
@Command(
    name = "system",
    mixinStandardHelpOptions = true,
    description = {
        "Copy a NixOS system closure to or from a host and activate it, with rollback.",
        "%nCopies as 'path' does, then activates: on the host for --to, on this machine for --from."
            + " --switch and --boot set the system profile first; --test (the default) and --dry-activate"
            + " touch no profile. A failed switch or test rolls back to the previous generation; a switch"
            + " that cuts nix-deploy off rolls itself back unless confirmed over a new connection within"
            + " --confirm-timeout."})
final class SystemCommand implements Callable<Integer>, DeployRun.Step {
  private static final String SWITCH = "bin/switch-to-configuration";
  private static final String CURRENT_SYSTEM = "/run/current-system";

  @Spec CommandSpec spec;

  @ParentCommand NixDeployCommand root;

  @ArgGroup(multiplicity = "1")
  DirectionOptions direction;

  @ArgGroup(multiplicity = "0..1")
  ActionOptions action = new ActionOptions();

  @Option(names = "--path", paramLabel = "FILEPATH",
      description = "System closure, or a link to one such as ./result (default: first line of stdin).")
  String path;

  @Option(names = "--systemName", paramLabel = "NAME",
      description = "Use the profile system-profiles/NAME instead of the system profile.")
  String systemName;

  @Option(names = "--failOnPartialSuccess",
      description = "Fail (and roll back) when some units failed (exit code 4) instead of warning.")
  boolean failOnPartialSuccess;

  @Option(names = "--no-auto-rollback", description = "Leave a failed activation as it is.")
  boolean noAutoRollback;

  @Option(names = "--no-confirm", description = "Do not leave the confirmation watchdog on the host.")
  boolean noConfirm;

  @Option(names = "--confirm-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long the host waits for the confirmation before rolling back (default 30).")
  long confirmTimeoutSeconds;

  @Option(names = "--install-bootloader", description = "Reinstall the boot loader (NIXOS_INSTALL_BOOTLOADER=1).")
  boolean installBootloader;

  @Mixin DeployOptions deploy;

  @Mixin ConnectionOptions connection;

  @Mixin FleetOptions fleet;

  @Override
  public Integer call() {
    if (confirmTimeoutSeconds < 1 || confirmTimeoutSeconds > 3600) {
      throw new InvalidInputException("--confirm-timeout must be from 1 to 3600 seconds, not "
          + confirmTimeoutSeconds);
    }
    if (systemName != null) {
      PathCommand.checkName("--systemName", systemName);
    }
    if (action.reboot && direction.direction() == Direction.FROM) {
      throw new InvalidInputException("--reboot cannot be used with --from: the system is activated on this"
          + " machine, which nix-deploy does not reboot");
    }
    fleet.check();
    if (direction.fleet() || fleet.given()) {
      // Targets are checked before the path is read: a bad host is reported first.
      Output output = Output.of(spec);
      List<Target> targets = direction.targets();
      deploy.checkForFleet();
      connection.check();
      StorePath system = StorePathArgument.resolve(path != null ? path : StorePathArgument.firstLine(System.in),
          direction.direction());
      // As for one host: before any host is touched.
      checkLocal(Direction.TO, system);
      if (deploy.dryRun) {
        return new DeployRun(spec, root, connection, direction, deploy).dryRun(output, targets, system, this);
      }
      return fleet.run(spec, output, connection, deploy.json, targets, system, f -> f, options());
    }
    return new DeployRun(spec, root, connection, direction, deploy)
        .run(() -> path != null ? path : StorePathArgument.firstLine(System.in), this);
  }

  /** Before connecting, for {@code --to}: the path must be a NixOS system in the local store. */
  @Override
  public void checkLocal(Direction way, StorePath system) {
    if (way == Direction.TO && !isLocalSystem(system)) {
      throw notASystem(system);
    }
  }

  /** Before anything is copied, for {@code --from}: the path must be a NixOS system on the host. */
  @Override
  public void check(DeploymentSession session, StorePath system) {
    if (direction.direction() == Direction.FROM && !session.transport()
        .run(dev.nixdeploy.Command.of("test", "-x", system.path() + "/" + SWITCH)).succeeded()) {
      throw notASystem(system);
    }
  }

  private static boolean isLocalSystem(StorePath system) {
    Path program = Path.of(system.path(), SWITCH);
    return Files.isRegularFile(program) && Files.isExecutable(program);
  }

  private InvalidInputException notASystem(StorePath system) {
    return new InvalidInputException("--path " + system + " is not a NixOS system: it has no " + SWITCH
        + (direction.direction() == Direction.FROM ? " on " + direction.from : "")
        + ". Give a system's closure (config.system.build.toplevel, e.g. the result of nixos-rebuild"
        + " build), or copy other paths with nix-deploy path. Nothing was copied.");
  }

  @Override
  public Optional<String> replaces() {
    return Optional.of(CURRENT_SYSTEM);
  }

  @Override
  public List<String> plan(String host, StorePath system, Optional<StorePath> current) {
    ActivationOptions options = options();
    String where = direction.direction() == Direction.TO ? host : "this machine";
    StringBuilder b = new StringBuilder("activation: would run switch-to-configuration ")
        .append(options.mode().action()).append(" on ").append(where).append(" (running now: ")
        .append(current.map(StorePath::path).orElse("unknown")).append(')');
    if (options.mode() == ActivationMode.SWITCH || options.mode() == ActivationMode.BOOT) {
      b.append(", after pointing ").append(options.profile()).append(" at ").append(system);
    }
    if (options.autoRollback() && options.mode() != ActivationMode.DRY_ACTIVATE) {
      b.append("; rolls back if it fails");
    }
    if (options.confirm()) {
      b.append("; rolls back unless confirmed within ").append(options.confirmTimeout().toSeconds())
          .append(" s");
    }
    if (options.reboot()) {
      b.append("; then reboots and waits for the host");
    }
    return List.of(b.toString());
  }

  @Override
  public void run(DeploymentSession session, StorePath system, DeployRun.Done done) {
    done.activation = Optional.of(session.activate(system, options()));
  }

  private ActivationOptions options() {
    ActivationOptions.Builder options = ActivationOptions.builder()
        .mode(action.mode())
        .reboot(action.reboot)
        .failOnPartialSuccess(failOnPartialSuccess)
        .autoRollback(!noAutoRollback)
        .installBootloader(installBootloader)
        .confirmTimeout(Duration.ofSeconds(confirmTimeoutSeconds));
    if (noConfirm || direction.direction() == Direction.FROM) {
      options.confirm(false);
    }
    if (systemName != null) {
      options.systemName(systemName);
    }
    return options.build();
  }
}
