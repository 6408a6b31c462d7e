package dev.nixdeploy.cli;

import dev.nixdeploy.Target;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@code --hosts} file: one target per line; {@code #} starts a comment; blank lines are ignored. */
final class HostsFile {
  static final long MAX_BYTES = 1 << 20;

  private HostsFile() {}

  /**
   * @return the targets, in the file's order
   * @throws InvalidInputException (exit code 2) naming the file (and line) if it cannot be read, is too
   *     large, names no host, or has a line that is not a target
   */
  static List<Target> read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException("--hosts " + file + " is larger than 1 MiB: is it the right file?");
      }
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("--hosts " + file + " is not UTF-8 text");
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("--hosts " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("Cannot read --hosts " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  static List<Target> parse(String name, String text) {
    List<Target> targets = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String target = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (target.isEmpty()) {
        continue;
      }
      try {
        targets.add(Target.parse(target));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--hosts " + name + ", line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (targets.isEmpty()) {
      throw new InvalidInputException("--hosts " + name + " names no host: write one target"
          + " ([user@]host[:port]) per line");
    }
    return targets;
  }
}
