package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import org.jspecify.annotations.Nullable;

/**
 * Reads, as the login user, what a profile points to before a fleet changes it, so that a batch that
 * fails its health check can point it back. (An activation is undone by the activation's own rollback.)
 */
final class Previous {
  private static final String PROFILE = "[ -e \"$1\" ] && exec readlink -f \"$1\"; exit 0";

  private Previous() {}

  /** @return what the profile at {@code profilePath} points to, if it exists */
  static @Nullable StorePath profileTarget(Transport host, String profilePath) {
    CommandResult r = host.run(Command.of("sh", "-c", PROFILE, "sh", profilePath));
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
