package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.sandbox.SampleClosures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Builds test paths in the local store and makes throw-away chroot stores ({@code --store DIR}). */
final class LocalNix {
  private LocalNix() {}

  /** A unique seed, so that paths of different runs never collide. */
  static String seed() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds a Nix expression offline and returns its output path. */
  static StorePath build(String expression) {
    CommandResult r = run("nix-build", "--no-out-link", "--option", "substituters", "", "-E", expression);
    String[] lines = r.stdout().strip().split("\n");
    return StorePath.parse(lines[lines.length - 1]);
  }

  /** A derivation expression that runs {@code script} with {@code /bin/sh}. */
  static String derivation(String name, String script) {
    return "builtins.derivation { name = \"" + name + "\"; system = builtins.currentSystem;"
        + " builder = \"/bin/sh\"; args = [\"-c\" " + nixString(script) + "]; }";
  }

  static String nixString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
  }

  /** A chain c -> b -> a of small paths, built by the test fixtures; returns [a, b, c]. */
  static List<StorePath> chain(String seed) {
    return SampleClosures.chain(seed).closure();
  }

  /** @return the closure of {@code root} in the local store, {@code root} included */
  static List<StorePath> closure(StorePath root) {
    return run("nix-store", "--query", "--requisites", root.path()).stdout().lines().map(String::strip)
        .filter(line -> !line.isEmpty()).map(StorePath::parse).toList();
  }

  static Path newStore() throws IOException {
    return Files.createTempDirectory("nixdeploy-store-");
  }

  static Command serve(Path store) {
    return Command.of("nix-store", "--store", store.toString(), "--serve", "--write");
  }

  static CommandResult run(String... argv) {
    try (LocalTransport t = LocalTransport.create()) {
      return t.run(Command.of(List.of(argv))).orThrow("local");
    }
  }

  /** Deletes a chroot store made by {@link #newStore} (its files are read-only, as in any store). */
  static void delete(Path store) {
    run("chmod", "-R", "u+w", store.toString());
    run("rm", "-rf", "--", store.toString());
  }
}
