package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationMode;
import picocli.CommandLine.Option;

/** The original nix-deploy's action flags: at most one of them; {@code --test} when none is given. */
final class ActionOptions {
  @Option(names = "--switch", description = "Make it the boot default and activate it now.")
  boolean switchNow;

  @Option(names = "--boot", description = "Make it the boot default; activate it at the next boot.")
  boolean boot;

  @Option(names = "--test", description = "Activate it now without making it the boot default (default).")
  boolean test;

  @Option(names = "--dry-activate", description = "Print what activating it would change; change nothing.")
  boolean dryActivate;

  @Option(names = "--reboot", description = "As --boot, then reboot and wait until the host is back on it.")
  boolean reboot;

  ActivationMode mode() {
    if (switchNow) {
      return ActivationMode.SWITCH;
    }
    if (boot || reboot) {
      return ActivationMode.BOOT;
    }
    return dryActivate ? ActivationMode.DRY_ACTIVATE : ActivationMode.TEST;
  }
}
