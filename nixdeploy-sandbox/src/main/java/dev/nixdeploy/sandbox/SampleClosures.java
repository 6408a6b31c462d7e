package dev.nixdeploy.sandbox;

import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.StorePath;
import java.time.Duration;
import java.util.List;

/**
 * Small closures to deploy, built in this machine's own Nix store with {@code nix-build}: offline (no
 * substituters), without sandbox or build users, by {@code /bin/sh}, in well under a second each.
 * Every method takes a <em>seed</em> that is part of every path name: distinct seeds give distinct paths,
 * so tests that use their own seeds never see each other's paths; the same seed gives the same paths
 * (built once, valid afterwards).
 *
 * <pre>{@code
 * SampleClosures.Chain chain = SampleClosures.chain("copy-test");
 * StorePath system = SampleClosures.fakeSystem("rollback-1", FakeSystem.LOCKING_OUT_DEPLOY);
 * }</pre>
 *
 * <p>Paths are not registered as garbage collector roots: a {@code nix-collect-garbage} on this machine
 * during a test may delete them.
 */
public final class SampleClosures {
  /** How many small files {@link #wide(String)} references. */
  public static final int WIDE_FILES = 1000;

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  private SampleClosures() {}

  /**
   * Three paths, each a small file that references the next: {@code app -> lib-b -> lib-a}.
   *
   * @param seed 1 to 64 letters, digits, {@code . _ -}, starting with a letter or digit
   * @return the three paths
   * @throws IllegalArgumentException if the seed is not allowed
   * @throws NixDeployException if the build fails
   */
  public static Chain chain(String seed) {
    List<StorePath> paths = build(NixExpressions.chain(seed));
    return new Chain(paths.get(0), paths.get(1), paths.get(2));
  }

  /**
   * A path whose closure is {@value #WIDE_FILES} small files plus itself.
   *
   * @param seed as for {@link #chain}
   * @return the path that references all the files
   */
  public static StorePath wide(String seed) {
    return wide(seed, WIDE_FILES);
  }

  /**
   * A path whose closure is {@code files} small files (made by {@code builtins.toFile}) plus itself.
   *
   * @param seed as for {@link #chain}
   * @param files at least 1
   * @return the path that references all the files
   * @throws IllegalArgumentException if {@code files} is less than 1 or the seed is not allowed
   */
  public static StorePath wide(String seed, int files) {
    if (files < 1) {
      throw new IllegalArgumentException("files must be at least 1: " + files);
    }
    return build(NixExpressions.wide(seed, files)).get(0);
  }

  /**
   * A single file of random bytes, without references.
   *
   * @param seed as for {@link #chain}
   * @param mebibytes its size in MiB, from 1 to 4096
   * @return the path, named {@code sample-<n>MiB-<seed>}
   * @throws IllegalArgumentException if {@code mebibytes} is out of range or the seed is not allowed
   */
  public static StorePath ofSize(String seed, int mebibytes) {
    if (mebibytes < 1 || mebibytes > 4096) {
      throw new IllegalArgumentException("mebibytes must be from 1 to 4096: " + mebibytes);
    }
    return build(NixExpressions.ofSize(seed, mebibytes)).get(0);
  }

  /**
   * A fake NixOS system for sandbox hosts: a directory with {@code bin/switch-to-configuration} (a
   * {@code /bin/sh} script that records each run in its host and behaves as {@code kind} says),
   * {@code nixos-version}, and {@code etc}, a link to a second store path. Distinct seeds or kinds give
   * distinct systems.
   *
   * @param seed as for {@link #chain}
   * @param kind how its activation behaves
   * @return the system, named {@code nixos-system-sandbox-<seed>-<kind>}
   * @throws IllegalArgumentException if the seed is not allowed
   */
  public static StorePath fakeSystem(String seed, FakeSystem kind) {
    return build(NixExpressions.fakeSystem(seed, kind)).get(0);
  }

  private static List<StorePath> build(String expression) {
    ExecResult result = LocalCommand.of("nix-build", "--no-out-link", "--option", "substituters", "",
            "--option", "sandbox", "false", "--option", "build-users-group", "", "-E", expression)
        .withTimeout(BUILD_TIMEOUT)
        .run();
    if (!result.succeeded()) {
      throw new NixDeployException("nix-build of a sample closure failed (exit code " + result.exitCode()
          + "): " + result.stderr().strip() + "\nexpression:\n" + expression);
    }
    return result.stdout().lines().map(String::strip).filter(line -> !line.isEmpty())
        .map(StorePath::parse).toList();
  }

  /**
   * The paths of {@link #chain}: {@code app} references {@code libB}, which references {@code libA}.
   *
   * @param app the top of the chain
   * @param libB the middle
   * @param libA the bottom, without references
   */
  public record Chain(StorePath app, StorePath libB, StorePath libA) {
    /** @return the closure of {@link #app}, in dependency order: {@code libA, libB, app} */
    public List<StorePath> closure() {
      return List.of(libA, libB, app);
    }
  }
}
