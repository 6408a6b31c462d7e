package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Debian roots that {@code scripts/sandbox-roots} builds once and hosts boot or run from:
 * {@code $NIXDEPLOY_SANDBOX_ROOTS/SUITE-RECIPE} (default {@value #DEFAULT_DIR}), complete once
 * {@value #MARKER} exists in it.
 */
final class DebianRoots {
  /** The version of the recipe in {@code scripts/sandbox-roots}: a root of another recipe is not used. */
  static final int RECIPE = 1;
  static final String DEFAULT_DIR = "/var/cache/nixdeploy-sandbox/roots";
  static final String MARKER = "etc/nixdeploy-sandbox-root";

  private DebianRoots() {}

  /**
   * @param suite {@code trixie} or {@code sid}
   * @return the built root of the suite
   * @throws NixDeployException if it has not been built, saying how to build it
   */
  static Path of(String suite) {
    if (!suite.equals("trixie") && !suite.equals("sid")) {
      throw new IllegalArgumentException("suite must be trixie or sid: " + suite);
    }
    String dir = System.getenv().getOrDefault("NIXDEPLOY_SANDBOX_ROOTS", DEFAULT_DIR);
    Path root = Path.of(dir, suite + "-" + RECIPE);
    if (!Files.isRegularFile(root.resolve(MARKER))) {
      throw new NixDeployException("The Debian " + suite + " root " + root + " has not been built. As root,"
          + " scripts/sandbox-roots " + suite + " builds it (a few minutes, once; scripts/test does it too).");
    }
    return root;
  }
}
