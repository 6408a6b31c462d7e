package dev.nixdeploy.core.keys;

import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import dev.nixdeploy.StorePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the local machine's Nix (2.8, as root, local store) for interoperability tests. */
final class LocalNix {
  static final String NIX_COMMAND = "--extra-experimental-features";
  static final String NIX_COMMAND_VALUE = "nix-command";

  private LocalNix() {}

  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs argv (no shell) and returns what it printed; the process is always stopped. */
  static Result exec(String... argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv[0] + " (is Nix installed?)", e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        throw new AssertionError("timed out: " + Arrays.toString(argv));
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + Arrays.toString(argv), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      process.destroyForcibly(); // no-op once it has exited
    }
  }

  /** Runs argv and returns its standard output, failing the test if it exits non-zero. */
  static String run(String... argv) {
    Result r = exec(argv);
    if (r.exitCode() != 0) {
      throw new AssertionError(Arrays.toString(argv) + " exited with " + r.exitCode() + ": " + r.stderr());
    }
    return r.stdout();
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return buffer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
