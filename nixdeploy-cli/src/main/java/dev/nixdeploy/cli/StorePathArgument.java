package dev.nixdeploy.cli;

import dev.nixdeploy.Direction;
import dev.nixdeploy.StorePath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns {@code --path} (or the first line of standard input, as in {@code nix-build | nix-deploy path})
 * into a store path: a local {@code ./result} link or a file inside a store path resolves to that store
 * path; a path on the remote host (with {@code --from}) must be given as a store path.
 */
final class StorePathArgument {
  private StorePathArgument() {}

  static StorePath resolve(String given, Direction direction) {
    String text = given.strip();
    if (text.isEmpty()) {
      throw new InvalidInputException("No store path given: pass --path PATH or pipe one in, as in"
          + " 'nix-build | nix-deploy path --to HOST'");
    }
    if (direction == Direction.FROM) {
      if (!StorePath.isValid(text)) {
        throw new InvalidInputException("With --from, --path must be a store path on the remote host"
            + " (/nix/store/HASH-NAME), not \"" + text + "\"");
      }
      return StorePath.parse(text);
    }
    Path real;
    try {
      real = Path.of(text).toRealPath();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("--path " + text + " does not exist locally");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve --path " + text, e);
    }
    Path store = Path.of(StorePath.STORE_DIR);
    if (!real.startsWith(store) || real.getNameCount() <= store.getNameCount()) {
      throw new InvalidInputException("--path " + text + " resolves to " + real
          + ", which is not in " + StorePath.STORE_DIR);
    }
    return StorePath.parse(store.resolve(real.getName(store.getNameCount())).toString());
  }

  static String firstLine(InputStream in) {
    try {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read a store path from standard input", e);
    }
  }
}
