package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Debian roots that {@code scripts/sandbox-roots} builds are: {@code SUITE-RECIPE} directories
 * in {@code $NIXDEPLOY_SANDBOX_ROOTS} (default {@value #DEFAULT_DIR}), complete once they hold
 * {@value #MARKER}. Hosts only use roots of the current {@link #RECIPE}.
 */
final class SandboxRoots {
  /** The recipe version of {@code scripts/sandbox-roots} (its {@code RECIPE}); a test keeps them equal. */
  static final int RECIPE = 1;
  static final String DEFAULT_DIR = "/var/cache/nixdeploy-sandbox/roots";
  /** Written last by the script: a root without it is incomplete. */
  static final String MARKER = "etc/nixdeploy-sandbox-root";

  private SandboxRoots() {}

  /** @return the directory holding the roots, from the environment or the default */
  static Path directory() {
    String dir = System.getenv("NIXDEPLOY_SANDBOX_ROOTS");
    return Path.of(dir == null || dir.isBlank() ? DEFAULT_DIR : dir);
  }

  /**
   * @param suite a Debian suite, {@code trixie} or {@code sid}
   * @return the complete root of that suite and the current recipe
   * @throws NixDeployException if it is not there, saying how to build it
   */
  static Path root(String suite) {
    Path root = directory().resolve(suite + "-" + RECIPE);
    if (!Files.isRegularFile(root.resolve(MARKER))) {
      throw new NixDeployException("There is no Debian " + suite + " root for sandbox hosts at " + root
          + ". As root, run scripts/sandbox-roots " + suite + " (a few minutes, once; it needs debootstrap"
          + " and Debian's package archive), or point NIXDEPLOY_SANDBOX_ROOTS at the directory that holds it.");
    }
    return root;
  }
}
