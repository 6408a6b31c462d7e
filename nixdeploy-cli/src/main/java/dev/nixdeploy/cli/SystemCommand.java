package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.util.List;
import java.time.Duration;
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
final class SystemCommand implements Callable<Integer> {
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

  @Mixin ConnectionOptions connection;

  @Mixin FleetOptions fleet;

  @Override
  public Integer call() {
    ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), root.verbose);
    ActivationOptions options = options();
    boolean many = direction.fleet() || fleet.given();
    // Targets are checked before the path is read: a bad host is reported first.
    List<Target> targets = many || direction.direction() == Direction.TO ? direction.targets() : List.of();
    String given = path != null ? path : StorePathArgument.firstLine(System.in);
    StorePath system = StorePathArgument.resolve(given, direction.direction());
    if (many) {
      return fleet.run(spec, root.verbose, connection, targets, system, f -> f, options);
    }
    Deployment plan = direction.plan(connection.deployer(progress));
    if (!connection.noSign) {
      plan = plan.ensureKeys();
    }
    plan.copy(system).activate(options);
    spec.commandLine().getOut().println(system);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private ActivationOptions options() {
    ActivationOptions.Builder options = ActivationOptions.builder()
        .mode(action.mode())
        .reboot(action.reboot)
        .failOnPartialSuccess(failOnPartialSuccess)
        .autoRollback(!noAutoRollback)
        .installBootloader(installBootloader)
        .confirmTimeout(Duration.ofSeconds(confirmTimeoutSeconds));
    if (noConfirm) {
      options.confirm(false);
    }
    if (systemName != null) {
      options.systemName(systemName);
    }
    return options.build();
  }
}
