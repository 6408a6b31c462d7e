package dev.nixdeploy.core.serve;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.core.local.LocalTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** A chain c -> b -> a of small paths; returns [a, b, c]. */
  static List<StorePath> chain(String seed) {
    String a = derivation("chain-a-" + seed, "echo a > $out");
    String b = "let a = " + a + "; in " + derivation("chain-b-" + seed, "echo ${a} > $out")
        .replace("\\${a}", "${a}");
    String c = "let a = " + a + "; b = " + b + "; in "
        + derivation("chain-c-" + seed, "/bin/mkdir $out; echo ${b} > $out/b; echo ${a} > $out/a")
            .replace("\\${a}", "${a}").replace("\\${b}", "${b}");
    List<StorePath> out = new ArrayList<>();
    out.add(build(a));
    out.add(build(b));
    out.add(build(c));
    return out;
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
