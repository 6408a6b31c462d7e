package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.Closure;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.CopyPreview;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentSession;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.KeyExchangeResult;
import dev.nixdeploy.KeyPreview;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
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
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a deploying command over one SSH session per host, as {@code Deployment.deploy()} would (keys, copy,
 * then the command's own step), with what the command line adds around it: the checks before anything is
 * copied, {@code --dry-run} (to one host or, host after host, to many), {@code --diff} and the
 * {@code --json} document. A deployment to many hosts that changes them runs in {@link FleetOptions}.
 */
final class DeployRun {
  /** What a command does after the copy: set a profile, activate a system. */
  interface Step {
    /**
     * Fails (with {@link InvalidInputException}) before connecting if the path, in the local store, does
     * not fit.
     */
    default void checkLocal(Direction direction, StorePath path) {}

    /**
     * Fails (with {@link InvalidInputException}) before anything changes if the path, on the sending side,
     * does not fit.
     */
    default void check(DeploymentSession session, StorePath path) {}

    /** @return the link on the receiving side whose path the deployed one replaces, for {@code --diff} */
    Optional<String> replaces();

    /** @return what the step would change on {@code host}, for {@code --dry-run} */
    List<String> plan(String host, StorePath path, Optional<StorePath> current);

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

  /** One host's run: what it did, what the command line adds to its element of the document, how it ended. */
  private final class HostRun {
    final Target target;
    final Done done = new Done();
    /** What the command line adds to the host's element of the --json document: diff, plan. */
    final Map<String, Object> extras = new LinkedHashMap<>();
    final long started = System.nanoTime();
    @Nullable RuntimeException failure;

    HostRun(Target target) {
      this.target = target;
    }

    /** @return what goes to standard output without --json: the dry run's plan, or the store path */
    String run(Deployer deployer, StorePath path, Step step, Output output) {
      try (DeploymentSession session = direction.plan(deployer, target).open()) {
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
            extras.put("diff", diff.get().json());
          }
        }
        if (options.dryRun) {
          Optional<KeyPreview> keys = connection.noSign ? Optional.empty() : Optional.of(session.previewKeys());
          List<String> changes = step.plan(target.toString(), path, current);
          extras.put("plan", planJson(preview, keys, changes));
          return plan(preview, keys, changes, current, diff);
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
        return path.path() + "\n";
      } catch (RuntimeException e) {
        if (e instanceof ActivationException a) {
          done.activation = a.result();
        }
        failure = e;
        throw e;
      }
    }

    FleetHostResult result() {
      return new FleetHostResult(target,
          failure == null ? FleetHostResult.State.SUCCEEDED : FleetHostResult.State.FAILED, done.keys,
          done.copy, done.profile, done.activation, Optional.empty(),
          Optional.ofNullable(failure).map(e -> String.valueOf(e.getMessage())),
          Duration.ofNanos(System.nanoTime() - started));
    }
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
   * Deploys to (or from) one host, or with {@code --dry-run} shows what that would do.
   *
   * @param given the store path as given ({@code --path} or standard input), read once the flags are checked
   * @return the exit code
   */
  int run(Supplier<String> given, Step step) {
    Output output = Output.of(spec);
    connection.check();
    HostRun host = new HostRun(direction.target());
    StorePath path = StorePathArgument.resolve(given.get(), direction.direction());
    step.checkLocal(direction.direction(), path);
    long started = System.nanoTime();
    try {
      String text = host.run(connection.deployer(output.listener()), path, step, output);
      print(options.json ? report(path, List.of(host), started, ExitCode.OK) : text);
      return ExitCode.OK;
    } catch (RuntimeException e) {
      if (options.json) {
        print(report(path, List.of(host), started, ExitCode.of(e)));
      }
      throw e;
    } finally {
      root.activationOutputShown = output.activationOutputShown();
    }
  }

  /**
   * {@code --dry-run} to many hosts: each host's plan, one host after the other; a host that cannot be
   * reached (or refuses) is reported and the others still get theirs.
   *
   * @param path the store path, checked by the caller (with {@link Step#checkLocal} too)
   * @return 0 if every host's plan was worked out, else 1
   */
  int dryRun(Output output, List<Target> targets, StorePath path, Step step) {
    Deployer deployer = connection.deployer(output.listener());
    List<HostRun> hosts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    long started = System.nanoTime();
    for (Target target : targets) {
      HostRun host = new HostRun(target);
      hosts.add(host);
      text.append(text.length() == 0 ? "" : "\n").append("[").append(target).append("]\n");
      try {
        text.append(host.run(deployer, path, step, output));
      } catch (RuntimeException e) {
        text.append("error: ").append(String.valueOf(e.getMessage()).lines().findFirst().orElse(""))
            .append('\n');
      }
    }
    int code = hosts.stream().allMatch(h -> h.failure == null) ? ExitCode.OK : ExitCode.FAILED;
    print(options.json ? report(path, hosts, started, code) : text.toString());
    return code;
  }

  /** @return the --json document: one host is a fleet of one, the same shape as many */
  private String report(StorePath path, List<HostRun> hosts, long started, int exitCode) {
    FleetResult result = new FleetResult(hosts.stream().map(HostRun::result).toList(), Optional.empty(), false,
        Duration.ofNanos(System.nanoTime() - started));
    return JsonReport.json(spec.name(), direction.direction(), path, options.dryRun, result, exitCode,
        hosts.stream().map(h -> h.extras).toList());
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

  private static String plan(CopyPreview preview, Optional<KeyPreview> keys, List<String> changes,
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
    return b.toString();
  }

  private static Map<String, Object> planJson(CopyPreview preview, Optional<KeyPreview> keys,
      List<String> changes) {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("keys", keys.map(k -> k.changes().stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", JsonReport.kind(c.kind()));
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
}
