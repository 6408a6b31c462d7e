package dev.nixdeploy.examples;

import dev.nixdeploy.ActivationException;
import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationResult;
import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.DeploymentResult;
import dev.nixdeploy.HostKeyException;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What a build-tool plugin (a Gradle task, a Maven goal) writes around nix-deploy: one service, built
 * once on a shared {@link Deployer}, that deploys a NixOS system to a host with a progress line per
 * step, and turns nix-deploy's exceptions into the tool's own error type with the facts the tool acts
 * on (retry, ask the user to check a host key, report a rollback).
 *
 * <pre>{@code
 * DeployService service = new DeployService(Deployer.builder().build());
 * DeployService.Report report = service.deploySystem("admin@web-1", system, ActivationMode.SWITCH,
 *     line -> logger.lifecycle(line));
 * }</pre>
 *
 * <p>Its tests ({@code DeployServiceTest}) run it against the in-memory Nix hosts of
 * {@code nixdeploy-testing}: the real deployer, no SSH, no Nix.
 */
public final class DeployService {
  /** What a deployment did, for the tool's report. */
  public record Report(String host, int pathsSent, long bytesSent, OptionalInt generation, String summary) {}

  /** The tool's own failure: what went wrong, in the terms the tool acts on. */
  public static final class DeployFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the tool does about it. */
    public enum Kind {
      /** The host's key is unknown or changed: a person must check it. */
      HOST_KEY_REFUSED,
      /** No credential was accepted. */
      NOT_AUTHORIZED,
      /** The connection dropped: deploying again is safe and sends only what is missing. */
      CONNECTION_LOST,
      /** The new system failed or cut us off; the host went back to the previous one. */
      ROLLED_BACK,
      /** Anything else; the message says what. */
      FAILED
    }

    private final Kind kind;
    private final String host;

    DeployFailure(Kind kind, String host, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
      this.host = host;
    }

    /** @return what the tool does about it */
    public Kind kind() {
      return kind;
    }

    /** @return the host concerned */
    public String host() {
      return host;
    }

    /** @return whether running the same deployment again may succeed */
    public boolean retryable() {
      return kind == Kind.CONNECTION_LOST;
    }
  }

  private final Deployer deployer;

  /** @param deployer the shared, configured deployer (thread-safe: one service serves every task) */
  public DeployService(Deployer deployer) {
    this.deployer = Objects.requireNonNull(deployer, "deployer");
  }

  /**
   * Exchanges keys, copies the system's closure and activates it, telling {@code progress} each step.
   *
   * @param target the host, e.g. {@code admin@web-1}
   * @param system the system closure in the local store
   * @param mode how to activate it
   * @param progress told a line per step, on the calling thread
   * @return what was done
   * @throws DeployFailure if anything failed
   */
  public Report deploySystem(String target, StorePath system, ActivationMode mode, Consumer<String> progress)
      throws DeployFailure {
    try {
      DeploymentResult result = deployer.deployTo(target)
          .listener(new ProgressLines(progress))
          .ensureKeys()
          .copy(system)
          .activate(mode);
      ActivationResult activation = result.activation().orElseThrow();
      return new Report(target, result.copy().map(c -> c.pathsSent()).orElse(0),
          result.copy().map(c -> c.bytesSent()).orElse(0L), activation.generationAfter(), activation.summary());
    } catch (HostKeyException e) {
      throw new DeployFailure(DeployFailure.Kind.HOST_KEY_REFUSED, e.host(), "The host key of " + e.host()
          + " (" + e.fingerprint() + ") is " + e.reason().name().toLowerCase(java.util.Locale.ROOT)
          + ": check it with the host's administrator before deploying", e);
    } catch (AuthenticationException e) {
      throw new DeployFailure(DeployFailure.Kind.NOT_AUTHORIZED, e.host(), e.getMessage(), e);
    } catch (ActivationException e) {
      boolean rolledBack = e.result().map(ActivationResult::rolledBack).orElse(false);
      DeployFailure.Kind kind = rolledBack ? DeployFailure.Kind.ROLLED_BACK
          : e.isConnectionLost() ? DeployFailure.Kind.CONNECTION_LOST : DeployFailure.Kind.FAILED;
      throw new DeployFailure(kind, e.host(), e.getMessage(), e);
    } catch (NixDeployException e) {
      DeployFailure.Kind kind = e.isConnectionLost() ? DeployFailure.Kind.CONNECTION_LOST
          : DeployFailure.Kind.FAILED;
      throw new DeployFailure(kind, e.host() == null ? target : e.host(), e.getMessage(), e);
    }
  }

  /** nix-deploy's events as a line per step. One per deployment: it needs no thread-safety. */
  private static final class ProgressLines implements DeployListener {
    private final Consumer<String> out;
    private int paths;
    private int sent;

    ProgressLines(Consumer<String> out) {
      this.out = out;
    }

    @Override
    public void connected(String host) {
      out.accept("connected to " + host);
    }

    @Override
    public void keyTrusted(String host, dev.nixdeploy.PublicKey key, boolean daemonRestarted) {
      out.accept(host + " now trusts " + key.name());
    }

    @Override
    public void missingPathsFound(String host, int count, long narBytes) {
      paths = count;
      out.accept("sending " + count + " paths (" + narBytes + " bytes) to " + host);
    }

    @Override
    public void pathCopied(String host, PathInfo path) {
      out.accept("[" + ++sent + "/" + paths + "] " + path.path().name());
    }

    @Override
    public void activationStarted(String host, StorePath system, ActivationMode mode) {
      out.accept(mode.action() + " " + system.name() + " on " + host);
    }

    @Override
    public void rolledBack(String host, ActivationResult.Rollback rollback) {
      out.accept(host + " rolled back: " + rollback.reason());
    }
  }
}
