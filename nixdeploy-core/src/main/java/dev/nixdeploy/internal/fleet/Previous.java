package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import org.jspecify.annotations.Nullable;

/**
 * Reads, as the login user, what a host runs before a change, so that a batch that fails its health check
 * can return to it: the same choice the activation script makes for its own rollback ({@code switch} and
 * {@code boot}: what the system profile points to; {@code test}: {@code /run/current-system}, else the
 * profile).
 */
final class Previous {
  private static final String SYSTEM = """
      action=$1 profile=$2
      case $action in
        switch | boot) [ -e "$profile" ] && exec readlink -f "$profile" ;;
        test)
          if [ -e /run/current-system ]; then exec readlink -f /run/current-system; fi
          [ -e "$profile" ] && exec readlink -f "$profile" ;;
      esac
      exit 0
      """;
  private static final String PROFILE = "[ -e \"$1\" ] && exec readlink -f \"$1\"; exit 0";

  private Previous() {}

  /** @return the system that runs before an activation with {@code options}, if one is known */
  static @Nullable StorePath system(Transport host, ActivationOptions options) {
    if (options.mode() == ActivationMode.DRY_ACTIVATE) {
      return null;
    }
    return parse(host.run(Command.of("sh", "-c", SYSTEM, "sh", options.mode().action(), options.profile())));
  }

  /** @return what the profile at {@code profilePath} points to, if it exists */
  static @Nullable StorePath profileTarget(Transport host, String profilePath) {
    return parse(host.run(Command.of("sh", "-c", PROFILE, "sh", profilePath)));
  }

  private static @Nullable StorePath parse(CommandResult r) {
    String out = r.stdout().strip();
    if (!r.succeeded() || out.isEmpty()) {
      return null;
    }
    try {
      return StorePath.parse(out);
    } catch (IllegalArgumentException e) {
      // Not a store path (a hand-made link): nothing nix-deploy can return to.
      return null;
    }
  }
}
