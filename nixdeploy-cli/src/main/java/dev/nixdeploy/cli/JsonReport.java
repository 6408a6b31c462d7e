package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The {@code --json} document of a deploying command, one shape for one host and for many: the command,
 * the store path, the exit code, one element per host in {@code hosts} (the target, {@code ok}, its state,
 * keys, copy, profile, activation, error) and totals. The schema is in docs/cli.md; a host deployed alone is
 * a fleet of one.
 */
final class JsonReport {
  /** The schema's version: it grows only when a member changes meaning. */
  static final int VERSION = 1;

  private JsonReport() {}

  /**
   * @param dryRun whether this was {@code --dry-run} (nothing was changed)
   * @param exitCode the exit code the command ends with
   * @param extras what the command line adds to each host's element ({@code diff}, {@code plan}), by index
   * @return the document, indented, with a final newline
   */
  static String json(String command, Direction direction, StorePath path, boolean dryRun, FleetResult result,
      int exitCode, List<Map<String, Object>> extras) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("version", VERSION);
    doc.put("command", command);
    doc.put("direction", direction.name().toLowerCase(Locale.ROOT));
    doc.put("storePath", path.path());
    doc.put("dryRun", dryRun);
    doc.put("ok", exitCode == ExitCode.OK);
    doc.put("exitCode", exitCode);
    List<Object> hosts = new ArrayList<>();
    for (int i = 0; i < result.hosts().size(); i++) {
      Map<String, Object> host = host(result.hosts().get(i));
      if (i < extras.size()) {
        host.putAll(extras.get(i));
      }
      hosts.add(host);
    }
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
    doc.put("seconds", seconds(result.duration()));
    return Json.write(doc);
  }

  private static Map<String, Object> host(FleetHostResult h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", h.host().toString());
    m.put("ok", h.succeeded());
    m.put("state", h.state().label());
    m.put("keys", h.keys().map(JsonReport::keys).orElse(null));
    m.put("copy", h.copy().map(JsonReport::copy).orElse(null));
    m.put("profile", h.profile().map(JsonReport::profile).orElse(null));
    m.put("activation", h.activation().map(JsonReport::activation).orElse(null));
    m.put("rolledBackTo", h.rolledBackTo().map(StorePath::path).orElse(null));
    m.put("error", h.error().orElse(null));
    m.put("seconds", seconds(h.duration()));
    return m;
  }

  private static Map<String, Object> keys(KeyExchangeResult k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("changes", k.changes().stream().map(c -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("kind", kind(c.kind()));
      e.put("host", c.host());
      e.put("key", c.key().toString());
      return e;
    }).toList());
    m.put("notes", k.notes());
    return m;
  }

  private static Map<String, Object> copy(CopyResult c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("paths", c.sent().stream().map(StorePath::path).toList());
    m.put("pathsCopied", c.pathsSent());
    m.put("bytes", c.bytesSent());
    m.put("alreadyPresent", c.alreadyPresent());
    m.put("seconds", seconds(c.duration()));
    return m;
  }

  private static Map<String, Object> profile(ProfileUpdate p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("profile", p.profile());
    m.put("path", p.path().path());
    m.put("generationBefore", number(p.generationBefore()));
    m.put("generationAfter", p.generationAfter());
    return m;
  }

  private static Map<String, Object> activation(ActivationResult a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", a.mode().action());
    m.put("outcome", a.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("exitCode", a.exitCode());
    m.put("profile", a.profile());
    m.put("generationBefore", number(a.generationBefore()));
    m.put("generationAfter", number(a.generationAfter()));
    m.put("rolledBack", a.rolledBack());
    m.put("rollbackReason", a.rollback().map(ActivationResult.Rollback::reason).orElse(null));
    m.put("confirmed", a.confirmed());
    m.put("rebooted", a.rebooted());
    m.put("seconds", seconds(a.duration()));
    m.put("output", a.output());
    return m;
  }

  /** @return a key change's kind as the document spells it: {@code key-generated}, {@code key-trusted}… */
  static String kind(KeyExchangeResult.ChangeKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Integer number(OptionalInt n) {
    return n.isPresent() ? n.getAsInt() : null;
  }

  static double seconds(Duration d) {
    return Math.round(d.toMillis() / 10.0) / 100.0;
  }

  private static String camel(String label) {
    int dash = label.indexOf('-');
    return dash < 0 ? label : label.substring(0, dash) + Character.toUpperCase(label.charAt(dash + 1))
        + label.substring(dash + 2);
  }
}
