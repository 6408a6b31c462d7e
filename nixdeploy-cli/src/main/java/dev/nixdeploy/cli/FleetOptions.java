package dev.nixdeploy.cli;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.Command;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetDeployment;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.HealthCheck;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of a deployment to many hosts ({@code --to} repeated, or {@code --hosts FILE}): parallelism,
 * rolling batches, the failure policy, health checks and the binary cache; and the run that uses them.
 */
final class FleetOptions {
  @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
      description = "Work on at most N hosts at once (default 8).")
  int parallel;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Roll out N hosts at a time, the first batch as the canary; each batch must pass the"
          + " health check before the next starts, and one that fails is rolled back.")
  Integer batchSize;

  @Option(names = "--max-failures", paramLabel = "N",
      description = "Start no further host once N hosts failed (default: try every host).")
  Integer maxFailures;

  @Option(names = "--health-check", paramLabel = "CMD",
      description = "After each batch, run CMD (with sh -c) on every host of it as the login user; it must"
          + " exit 0 within --health-timeout.")
  String healthCheck;

  @Option(names = "--health-url", paramLabel = "URL",
      description = "After each batch, every host of it must fetch URL itself (curl or wget there) with a"
          + " 2xx answer within --health-timeout.")
  String healthUrl;

  @Option(names = "--health-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long a health check is retried, every 2 seconds, before it fails (default 60).")
  long healthTimeoutSeconds;

  @Option(names = "--via-cache", paramLabel = "URL",
      description = "Write the closure once into this signed Nix binary cache and let every host substitute"
          + " it from there (made to trust it as a trusted substituter); only activation goes over ssh.")
  String viaCache;

  @Option(names = "--cache-upload", paramLabel = "STORE-URL",
      description = "Where to write the --via-cache cache when it differs from where hosts read it, e.g."
          + " file:///srv/cache for the directory a web server serves as the --via-cache URL.")
  String cacheUpload;

  /** @return true if any option here asks for what only a fleet deployment does */
  boolean given() {
    return batchSize != null || maxFailures != null || healthCheck != null || healthUrl != null
        || viaCache != null || cacheUpload != null;
  }

  /**
   * Refuses, as invalid input (exit code 2), values of these options that cannot work; called before the
   * store path is read and any host is contacted.
   */
  void check() {
    atLeastOne("--parallel", parallel);
    atLeastOne("--batch-size", batchSize);
    atLeastOne("--max-failures", maxFailures);
    atLeastOne("--health-timeout", healthTimeoutSeconds);
    if (healthCheck != null && healthUrl != null) {
      throw new InvalidInputException("Give --health-check or --health-url, not both");
    }
    if (healthCheck != null && healthCheck.isBlank()) {
      throw new InvalidInputException("--health-check is empty: give the command that tells a healthy host,"
          + " such as 'systemctl is-active my-app'");
    }
    if (cacheUpload != null && viaCache == null) {
      throw new InvalidInputException("--cache-upload says where to write the --via-cache cache: give"
          + " --via-cache URL too");
    }
    healthCheck();
    cache();
  }

  /**
   * Deploys {@code path} to every target with these options (checked by {@link #check()} first) and
   * prints progress, the summary and, with {@code --json}, the document.
   *
   * @param json whether to print the {@code --json} document
   * @param steps adds the command's own steps (profile) to the fleet deployment
   * @param activation how to activate, for {@code system}; null for {@code path}
   * @return 0 if every host succeeded, else 1
   */
  int run(CommandSpec spec, Output output, ConnectionOptions connection, boolean json, List<Target> targets,
      StorePath path, UnaryOperator<FleetDeployment> steps, @Nullable ActivationOptions activation) {
    FleetConsole console = new FleetConsole(spec.commandLine().getErr(), targets, output);
    FleetDeployment fleet = connection.deployer(console).fleet(targets).copy(path).parallelism(parallel)
        .listener(console);
    if (!connection.noSign) {
      fleet = fleet.ensureKeys();
    }
    if (batchSize != null) {
      fleet = fleet.batchSize(batchSize);
    }
    if (maxFailures != null) {
      fleet = fleet.maxFailures(maxFailures);
    }
    HealthCheck check = healthCheck();
    if (check != null) {
      fleet = fleet.healthCheck(check);
    }
    BinaryCache cache = cache();
    if (cache != null) {
      fleet = fleet.viaCache(cache);
    }
    FleetDeployment ready = steps.apply(fleet);
    try (Interrupts ctrlC = Interrupts.install()) {
      FleetResult result = activation == null ? ready.deploy() : ready.activate(activation);
      // Cancelled or not, the report goes out in full.
      Thread.interrupted();
      console.finish(result);
      int code = result.succeeded() ? ExitCode.OK : ExitCode.FAILED;
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? JsonReport.json(spec.name(), Direction.TO, path, false, result, code, List.of())
          : path.path() + "\n");
      out.flush();
      return code;
    }
  }

  private static void atLeastOne(String flag, @Nullable Number value) {
    if (value != null && value.longValue() < 1) {
      throw new InvalidInputException(flag + " takes a number of at least 1, not " + value);
    }
  }

  private @Nullable HealthCheck healthCheck() {
    HealthCheck check = null;
    if (healthCheck != null) {
      check = HealthCheck.command(Command.of("sh", "-c", healthCheck));
    } else if (healthUrl != null) {
      try {
        check = HealthCheck.http(healthUrl);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--health-url " + healthUrl + ": " + e.getMessage());
      }
    }
    return check == null ? null : check.withDeadline(Duration.ofSeconds(healthTimeoutSeconds));
  }

  private @Nullable BinaryCache cache() {
    if (viaCache == null) {
      return null;
    }
    BinaryCache cache;
    try {
      cache = BinaryCache.at(viaCache);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--via-cache " + viaCache + ": " + e.getMessage());
    }
    try {
      return cacheUpload == null ? cache : cache.uploadTo(cacheUpload);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--cache-upload " + cacheUpload + ": " + e.getMessage());
    }
  }
}
