package dev.nixdeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which Nix versions each test of a class ran against, for {@code scripts/test} to count: one line per
 * test, {@code VERSIONS<TAB>Class#method<TAB>OUTCOME}, with the distinct {@link SandboxHost#nixVersion()}s
 * of the class's hosts joined by commas. Written when the class ends, to
 * {@code <dir>/<class name>.tsv}, where {@code dir} is the system property {@value #PROPERTY}; nothing
 * is written without it.
 */
final class NixVersionReport {
  static final String PROPERTY = "nixdeploy.sandbox.report";

  private final String className;
  private final List<String> lines = new ArrayList<>();

  NixVersionReport(String className) {
    this.className = className;
  }

  /** Records one test that ran (or was aborted) against {@code hosts}, none if they never started. */
  synchronized void record(List<SandboxHost> hosts, String test, String outcome) {
    String versions = hosts.stream().map(SandboxHost::nixVersion).distinct().collect(Collectors.joining(","));
    lines.add((versions.isEmpty() ? "none" : versions) + "\t" + className + "#" + test + "\t" + outcome);
  }

  /** Writes the report, if {@value #PROPERTY} names a directory. */
  synchronized void write() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank() || lines.isEmpty()) {
      return;
    }
    try {
      Path file = Files.createDirectories(Path.of(dir)).resolve(className + ".tsv");
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
