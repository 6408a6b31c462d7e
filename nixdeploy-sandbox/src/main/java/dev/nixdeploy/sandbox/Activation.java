package dev.nixdeploy.sandbox;

import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a fake system's {@code bin/switch-to-configuration} on a sandbox host, as it recorded itself
 * (see {@link SampleClosures#fakeSystem} and {@link SandboxHost#activations()}). Runs that were refused
 * (no {@code /etc/NIXOS}, unknown action) are not recorded.
 *
 * @param system the fake system whose script ran
 * @param action its first argument: {@code switch}, {@code boot}, {@code test} or {@code dry-activate}
 * @param arguments any further arguments, split at spaces
 * @param user the user it ran as, {@code root} when run through sudo
 * @param environment those of {@link #RECORDED_VARIABLES} that were set, with their values
 */
public record Activation(StorePath system, String action, List<String> arguments, String user,
    Map<String, String> environment) {
  /** The environment variables a fake system records when they are set. */
  public static final List<String> RECORDED_VARIABLES = List.of("NIXOS_INSTALL_BOOTLOADER", "SUDO_USER");

  private static final String ENV_PREFIX = "env.";

  /** Copies the collections. */
  public Activation {
    arguments = List.copyOf(arguments);
    environment = Map.copyOf(environment);
  }

  /** @return true if {@code NIXOS_INSTALL_BOOTLOADER=1} was set, as {@code --install-bootloader} does */
  public boolean installBootloader() {
    return "1".equals(environment.get("NIXOS_INSTALL_BOOTLOADER"));
  }

  /** @return the records of a host's activation log, oldest first; empty if there is no log */
  static List<Activation> readLog(Path log) {
    try {
      if (!Files.exists(log)) {
        return List.of();
      }
      return Files.readString(log).lines().filter(line -> !line.isBlank()).map(Activation::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a record line: tab-separated {@code key=value} fields {@code system}, {@code action},
   * {@code args} (space-separated), {@code user} and {@code env.NAME} for each variable that was set.
   *
   * @throws IllegalArgumentException if a field is malformed or missing
   */
  static Activation parse(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> environment = new LinkedHashMap<>();
    for (String field : line.split("\t")) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("activation record field without '=': " + field);
      }
      String key = field.substring(0, eq);
      String value = field.substring(eq + 1);
      if (key.startsWith(ENV_PREFIX)) {
        environment.put(key.substring(ENV_PREFIX.length()), value);
      } else {
        fields.put(key, value);
      }
    }
    for (String required : List.of("system", "action", "args", "user")) {
      if (!fields.containsKey(required)) {
        throw new IllegalArgumentException("activation record without " + required + ": " + line);
      }
    }
    String args = fields.get("args").strip();
    return new Activation(StorePath.parse(fields.get("system")), fields.get("action"),
        args.isEmpty() ? List.of() : Arrays.asList(args.split(" +")), fields.get("user"), environment);
  }
}
