package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Closure;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.CopyPreview;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.KeyPreview;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a deploying command over one SSH session, as {@code Deployment.deploy()} would (keys, copy, then
 * the command's own step), with what the command line adds around it: the checks before anything is
 * copied, {@code --dry-run}, {@code --diff} and the {@code --json} document.
 */
final class DeployRun {
  /** What a command does after the copy: set a profile, activate a system. */
  interface Step {
    /** Fails (with {@link InvalidInputException}) before anything changes if the path does not fit. */
    default void check(DeploymentSession session, StorePath path) {}

    /** @return the link on the receiving side whose path the deployed one replaces, for {@code --diff} */
    Optional<String> replaces();

    /** @return what the step would change, for {@code --dry-run} */
    List<String> plan(StorePath path, Optional<StorePath> current);

    /** Runs the step, recording what it did in {@code done}. */
    void run(DeploymentSession session, StorePath path, Done done);
  }

  /** What a run did, step by step, for the {@code --json} document. */
  static final class Done {
    Optional<KeyExchangeResult> keys = Optional.empty();
    Optional<CopyResult> copy = Optional.empty();
    Optional<ProfileUpdate> profile = Optional.empty();
    Optional<ActivationResult> activation = Optional.empty();
  }

  private final CommandSpec spec;
  private final NixDeployCommand root;
  private final ConnectionOptions connection;
  private final DirectionOptions direction;
  private final DeployOptions options;

  DeployRun(CommandSpec spec, NixDeployCommand root, ConnectionOptions connection, DirectionOptions direction,
      DeployOptions options) {
    this.spec = spec;
    this.root = root;
    this.connection = connection;
    this.direction = direction;
    this.options = options;
  }

  /**
   * @param given the store path as given ({@code --path} or standard input), read once the flags are checked
   * @return the exit code
   */
  int run(Supplier<String> given, Step step) {
    Output output = Output.of(spec);
    connection.check();
    StorePath path = StorePathArgument.resolve(given.get(), direction.direction());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", 1);
    json.put("command", spec.name());
    json.put("host", direction.host());
    json.put("direction", direction.direction().name().toLowerCase(Locale.ROOT));
    json.put("storePath", path.path());
    json.put("dryRun", options.dryRun);
    Done done = new Done();
    long started = System.nanoTime();
    try {
      Deployment plan = direction.plan(connection.deployer(output.listener()));
      try (DeploymentSession session = plan.open()) {
        step.check(session, path);
        Optional<PackageDiff> diff = Optional.empty();
        Optional<StorePath> current = Optional.empty();
        CopyPreview preview = null;
        if (options.dryRun || options.diff) {
          preview = session.previewCopy(List.of(path));
          current = step.replaces().flatMap(link -> resolve(session, link));
          Optional<Closure> before = current.map(c -> session.receiverClosure(List.of(c)));
          if (options.diff) {
            diff = Optional.of(PackageDiff.of(before, preview.closure()));
            json.put("diff", diff.get().json());
          }
        }
        if (options.dryRun) {
          Optional<KeyPreview> keys = connection.noSign ? Optional.empty() : Optional.of(session.previewKeys());
          List<String> changes = step.plan(path, current);
          json.put("plan", planJson(preview, keys, changes));
          finish(json, done, started, null);
          if (options.json) {
            print(Json.write(json));
          } else {
            printPlan(path, preview, keys, changes, current, diff);
          }
          return ExitCode.OK;
        }
        if (diff.isPresent()) {
          output.info("[+] " + preview.host() + ": packages against "
              + current.map(StorePath::path).orElse("nothing (no current system or profile there)") + ":");
          diff.get().lines().forEach(output::info);
        }
        if (!connection.noSign) {
          done.keys = Optional.of(session.ensureKeys());
        }
        done.copy = Optional.of(session.copy(List.of(path)));
        step.run(session, path, done);
      }
      finish(json, done, started, null);
      print(options.json ? Json.write(json) : path.path() + "\n");
      return ExitCode.OK;
    } catch (RuntimeException e) {
      if (e instanceof ActivationException a) {
        done.activation = a.result();
      }
      if (options.json) {
        finish(json, done, started, e);
        print(Json.write(json));
      }
      throw e;
    } finally {
      root.activationOutputShown = output.activationOutputShown();
    }
  }

  private void print(String text) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(text);
    out.flush();
  }

  /**
   * @return the store path a link on the receiving side points at now ({@code /run/current-system}, a
   *     profile), or empty if it does not exist
   */
  private Optional<StorePath> resolve(DeploymentSession session, String link) {
    String target;
    if (direction.direction() == Direction.TO) {
      CommandResult r = session.transport().run(Command.of("readlink", "-e", "--", link));
      target = r.succeeded() ? r.stdout().strip() : "";
    } else {
      try {
        target = Path.of(link).toRealPath().toString();
      } catch (IOException e) {
        target = "";
      }
    }
    String store = StorePath.STORE_DIR + "/";
    if (!target.startsWith(store)) {
      return Optional.empty();
    }
    int end = target.indexOf('/', store.length());
    String top = end < 0 ? target : target.substring(0, end);
    return StorePath.isValid(top) ? Optional.of(StorePath.parse(top)) : Optional.empty();
  }

  private void printPlan(StorePath path, CopyPreview preview, Optional<KeyPreview> keys, List<String> changes,
      Optional<StorePath> current, Optional<PackageDiff> diff) {
    StringBuilder b = new StringBuilder();
    b.append("dry run: nothing was changed\n");
    keys.ifPresentOrElse(k -> k.changes().forEach(c -> b.append("keys: ").append(c).append('\n')),
        () -> b.append("keys: none exchanged (--noSign), paths sent as they are\n"));
    keys.filter(k -> k.changes().isEmpty()).ifPresent(k -> b.append("keys: in place, nothing would change\n"));
    b.append(String.format(Locale.ROOT, "copy: %d of %d paths to %s, %s (%d already there)%n",
        preview.missing().size(), preview.closure().size(), preview.host(),
        ConsoleProgress.bytes(preview.missingBytes()), preview.alreadyPresent()));
    for (PathInfo info : preview.missing()) {
      b.append("  ").append(info.path()).append("  ").append(ConsoleProgress.bytes(info.narSize())).append('\n');
    }
    changes.forEach(c -> b.append(c).append('\n'));
    diff.ifPresent(d -> {
      b.append("diff against ").append(current.map(StorePath::path).orElse("nothing")).append(":\n");
      d.lines().forEach(l -> b.append(l).append('\n'));
    });
    print(b.toString());
  }

  private static Map<String, Object> planJson(CopyPreview preview, Optional<KeyPreview> keys,
      List<String> changes) {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("keys", keys.map(k -> k.changes().stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind(c.kind()));
      m.put("host", c.host());
      m.put("key", c.key().map(Object::toString));
      return m;
    }).toList()));
    Map<String, Object> copy = new LinkedHashMap<>();
    copy.put("host", preview.host());
    copy.put("closurePaths", preview.closure().size());
    copy.put("closureBytes", preview.closure().totalNarSize());
    copy.put("alreadyPresent", preview.alreadyPresent());
    copy.put("bytes", preview.missingBytes());
    copy.put("paths", preview.missing().stream().map(i -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", i.path().path());
      m.put("narSize", i.narSize());
      return m;
    }).toList());
    plan.put("copy", copy);
    plan.put("changes", changes);
    return plan;
  }

  private static String kind(KeyExchangeResult.ChangeKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void finish(Map<String, Object> json, Done done, long started, RuntimeException failure) {
    json.put("ok", failure == null);
    json.put("exitCode", failure == null ? ExitCode.OK : ExitCode.of(failure));
    json.put("error", failure == null ? null : String.valueOf(failure.getMessage()));
    json.put("keys", done.keys.map(k -> {
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
    }));
    json.put("copy", done.copy.map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pathsSent", c.pathsSent());
      m.put("bytesSent", c.bytesSent());
      m.put("alreadyPresent", c.alreadyPresent());
      m.put("seconds", seconds(c.duration()));
      m.put("sent", c.sent().stream().map(StorePath::path).toList());
      return m;
    }));
    json.put("profile", done.profile.map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("profile", p.profile());
      m.put("path", p.path().path());
      m.put("generationBefore", p.generationBefore().isPresent() ? p.generationBefore().getAsInt() : null);
      m.put("generationAfter", p.generationAfter());
      return m;
    }));
    json.put("activation", done.activation.map(DeployRun::activationJson));
    json.put("seconds", seconds(Duration.ofNanos(System.nanoTime() - started)));
  }

  private static Map<String, Object> activationJson(ActivationResult a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", a.mode().action());
    m.put("outcome", a.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("exitCode", a.exitCode());
    m.put("profile", a.profile());
    m.put("generationBefore", a.generationBefore().isPresent() ? a.generationBefore().getAsInt() : null);
    m.put("generationAfter", a.generationAfter().isPresent() ? a.generationAfter().getAsInt() : null);
    m.put("rolledBack", a.rolledBack());
    m.put("rollbackReason", a.rollback().map(ActivationResult.Rollback::reason));
    m.put("confirmed", a.confirmed());
    m.put("rebooted", a.rebooted());
    m.put("seconds", seconds(a.duration()));
    m.put("output", a.output());
    return m;
  }

  private static double seconds(Duration d) {
    return Math.round(d.toMillis() / 10.0) / 100.0;
  }
}
