package dev.nixdeploy.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the {@code --json} document: maps (in their iteration order), lists, strings, numbers, booleans,
 * empty {@link Optional}s and nulls as JSON, indented by two spaces. Strings are escaped as RFC 8259
 * requires, control characters as {@code \\uXXXX}.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, "");
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object value, String indent) {
    if (value instanceof Optional<?> o) {
      write(b, o.orElse(null), indent);
    } else if (value == null) {
      b.append("null");
    } else if (value instanceof String s) {
      string(b, s);
    } else if (value instanceof Number || value instanceof Boolean) {
      b.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        b.append("{}");
        return;
      }
      String inner = indent + "  ";
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        b.append(inner);
        string(b, String.valueOf(e.getKey()));
        b.append(": ");
        write(b, e.getValue(), inner);
        b.append(++i < map.size() ? ",\n" : "\n");
      }
      b.append(indent).append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        b.append("[]");
        return;
      }
      String inner = indent + "  ";
      b.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        b.append(inner);
        write(b, list.get(i), inner);
        b.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      b.append(indent).append(']');
    } else {
      string(b, value.toString());
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
