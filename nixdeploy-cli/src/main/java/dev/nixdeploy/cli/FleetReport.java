package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --json} document of a fleet deployment: the command, the store path, one element per host in
 * {@code hosts} (the target as given, {@code ok}, its state, what was copied, the activation, the
 * error), and totals. The schema is in docs/fleets.md.
 */
final class FleetReport {
  static final int VERSION = 1;

  private FleetReport() {}

  static String json(String command, StorePath path, FleetResult result) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("version", VERSION);
    doc.put("command", command);
    doc.put("storePath", path.path());
    doc.put("ok", result.succeeded());
    List<Object> hosts = new ArrayList<>();
    result.hosts().forEach(h -> hosts.add(host(h)));
    doc.put("hosts", hosts);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("hosts", result.hosts().size());
    for (FleetHostResult.State s : FleetHostResult.State.values()) {
      totals.put(camel(s.label()), result.count(s));
    }
    totals.put("pathsCopied", result.pathsCopied());
    totals.put("bytesCopied", result.bytesCopied());
    doc.put("totals", totals);
    doc.put("stopReason", result.stopReason().orElse(null));
    doc.put("cancelled", result.cancelled());
    doc.put("durationMs", result.duration().toMillis());
    return Json.write(doc);
  }

  private static Map<String, Object> host(FleetHostResult h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", h.host().toString());
    m.put("ok", h.succeeded());
    m.put("state", h.state().label());
    m.put("copy", h.copy().map(FleetReport::copy).orElse(null));
    m.put("activation", h.activation().map(FleetReport::activation).orElse(null));
    m.put("profile", h.profile().map(p -> Map.of("profile", p.profile(), "generation", p.generationAfter()))
        .orElse(null));
    m.put("rolledBackTo", h.rolledBackTo().map(StorePath::path).orElse(null));
    m.put("error", h.error().orElse(null));
    m.put("durationMs", h.duration().toMillis());
    return m;
  }

  private static Map<String, Object> copy(CopyResult c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("paths", c.sent().stream().map(StorePath::path).toList());
    m.put("pathsCopied", c.pathsSent());
    m.put("bytes", c.bytesSent());
    m.put("alreadyPresent", c.alreadyPresent());
    return m;
  }

  private static Map<String, Object> activation(ActivationResult a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", a.mode().action());
    m.put("outcome", a.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("exitCode", a.exitCode());
    m.put("succeeded", a.succeeded());
    m.put("rolledBack", a.rolledBack());
    m.put("rollbackReason", a.rollback().map(ActivationResult.Rollback::reason).orElse(null));
    m.put("generation", a.generationAfter().isPresent() ? a.generationAfter().getAsInt() : null);
    return m;
  }

  private static String camel(String label) {
    int dash = label.indexOf('-');
    return dash < 0 ? label : label.substring(0, dash) + Character.toUpperCase(label.charAt(dash + 1))
        + label.substring(dash + 2);
  }

  /** A minimal JSON writer: maps (in order), lists, strings, numbers, booleans and null. */
  static final class Json {
    private Json() {}

    static String write(Object value) {
      StringBuilder b = new StringBuilder();
      write(b, value);
      return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
      if (value == null) {
        b.append("null");
      } else if (value instanceof Map<?, ?> map) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          b.append(first ? "" : ",");
          first = false;
          string(b, e.getKey().toString());
          b.append(':');
          write(b, e.getValue());
        }
        b.append('}');
      } else if (value instanceof List<?> list) {
        b.append('[');
        for (int i = 0; i < list.size(); i++) {
          b.append(i == 0 ? "" : ",");
          write(b, list.get(i));
        }
        b.append(']');
      } else if (value instanceof Number || value instanceof Boolean) {
        b.append(value);
      } else if (value instanceof Optional<?> o) {
        write(b, o.orElse(null));
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
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    }
  }
}
