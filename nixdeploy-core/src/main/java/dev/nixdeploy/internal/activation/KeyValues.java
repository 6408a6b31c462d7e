package dev.nixdeploy.internal.activation;

import dev.nixdeploy.StorePath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** A result file of the host's scripts: {@code key=value} lines; absent and empty values are alike. */
record KeyValues(Map<String, String> values) {
  KeyValues {
    values = Map.copyOf(values);
  }

  static KeyValues parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    text.lines().forEach(line -> {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    });
    return new KeyValues(values);
  }

  Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  OptionalInt integer(String key) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v.get()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  OptionalLong number(String key) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  int integer(String key, int otherwise) {
    return integer(key).orElse(otherwise);
  }

  Optional<StorePath> storePath(String key) {
    return get(key).flatMap(v -> {
      try {
        return Optional.of(StorePath.parse(v));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
  }
}
