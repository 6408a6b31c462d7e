package dev.nixdeploy.internal.keys;

import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.LocalCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the local machine's Nix (2.8, as root, local store) for interoperability tests. */
final class LocalNix {
  static final String NIX_COMMAND = "--extra-experimental-features";
  static final String NIX_COMMAND_VALUE = "nix-command";

  private LocalNix() {}

  /** Runs argv (no shell, five minutes at most) and returns what it printed. */
  static ExecResult exec(String... argv) {
    return LocalCommand.of(argv).run();
  }

  /** Runs argv and returns its standard output, failing the test if it exits non-zero. */
  static String run(String... argv) {
    ExecResult r = exec(argv);
    if (r.exitCode() != 0) {
      throw new AssertionError(Arrays.toString(argv) + " exited with " + r.exitCode() + ": " + r.stderr());
    }
    return r.stdout();
  }

  /** Builds {@code expr} offline (no substituters) and returns its output path. */
  static StorePath build(String expr) {
    return StorePath.parse(run("nix-build", "--no-out-link", "--option", "substituters", "", "-E", expr).strip());
  }

  /** The path info the local store holds, from nix-store -q (no signatures). */
  static PathInfo pathInfo(StorePath path) {
    NarHash hash = NarHash.parse(run("nix-store", "-q", "--hash", path.path()));
    long size = Long.parseLong(run("nix-store", "-q", "--size", path.path()).strip());
    List<StorePath> references = new ArrayList<>();
    for (String line : run("nix-store", "-q", "--references", path.path()).split("\n")) {
      if (!line.isBlank()) {
        references.add(StorePath.parse(line.strip()));
      }
    }
    return PathInfo.builder(path).narHash(hash).narSize(size).references(references).build();
  }

  /** The signatures the local store holds for {@code path}, from nix path-info --sigs. */
  static List<Signature> signatures(StorePath path) {
    String line = run("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "path-info", "--sigs", path.path()).strip();
    // "PATH<TAB>[ultimate ]SIG SIG..."
    String[] words = line.substring(line.indexOf('\t') + 1).split(" ");
    List<Signature> sigs = new ArrayList<>();
    for (String word : words) {
      if (word.contains(":")) {
        sigs.add(Signature.parse(word));
      }
    }
    return sigs;
  }
}
