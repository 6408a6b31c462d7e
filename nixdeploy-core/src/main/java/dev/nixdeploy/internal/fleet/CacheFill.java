package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.BinaryCache;
import dev.nixdeploy.Closure;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.CopyFailedException;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.DeployerSettings;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.deploy.CoreSession;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.serve.ServeClient;
import dev.nixdeploy.internal.trust.KeyExchange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The binary cache path: the closure written once into the cache by Nix ({@code nix copy --to}, every
 * narinfo signed with the deployer's key through the store URL's {@code secret-key} parameter), then
 * substituted by each host ({@code nix-store --realise} with the cache as an extra substituter, which the
 * host's nix.conf lists in {@code trusted-substituters} once keys are ensured).
 */
final class CacheFill {
  private static final int MAX_ERROR = 2000;

  private final DeployerSettings settings;
  private final BinaryCache cache;
  private final List<StorePath> roots;
  private final Closure closure;

  private CacheFill(DeployerSettings settings, BinaryCache cache, List<StorePath> roots, Closure closure) {
    this.settings = settings;
    this.cache = cache;
    this.roots = roots;
    this.closure = closure;
  }

  /**
   * Writes the closure of {@code roots} into the cache.
   *
   * @throws NixDeployException if Nix cannot write it (no host was touched)
   */
  static CacheFill fill(DeployerSettings settings, BinaryCache cache, List<StorePath> roots) {
    try (Transport local = CoreSession.openLocal(settings)) {
      Closure closure;
      try (ServeClient store = ServeClient.open(local, settings)) {
        closure = store.closure(roots);
      }
      String url = cache.uploadUrl();
      if (settings.sign()) {
        KeyExchange keys = CoreSession.keyExchange(settings, null, settings.listener());
        keys.localKeyPair(local).destroy();
        url = url + (url.contains("?") ? "&" : "?") + "secret-key=" + checkedKeyFile(keys.secretKeyFile());
      }
      List<String> argv = new ArrayList<>(List.of("nix", "--extra-experimental-features", "nix-command",
          "copy", "--to", url));
      roots.forEach(r -> argv.add(r.path()));
      CommandResult r = local.run(Command.of(argv));
      if (!r.succeeded()) {
        throw new NixDeployException("Could not write the closure into the binary cache " + cache.uploadUrl()
            + " (nix copy exited with code " + r.exitCode() + "): " + tail(r.stderr())
            + ". No host was touched; check that this machine can write there.");
      }
      return new CacheFill(settings, cache, List.copyOf(roots), closure);
    }
  }

  /** The key file goes into a store URL's query: characters that would end or split it are refused. */
  private static Path checkedKeyFile(Path file) {
    String text = file.toString();
    if (text.chars().anyMatch(c -> c <= ' ' || "?&#=%+".indexOf(c) >= 0)) {
      throw new NixDeployException("The signing key file " + text + " has a character (space, ?, &, #, =,"
          + " % or +) that cannot go into a Nix store URL; move it (--signing-key, or the deployer's signing"
          + " key file) to fill a binary cache with signed narinfos");
    }
    return file;
  }

  /**
   * Has one host substitute the closure from the cache.
   *
   * @param host the host, logged in as the deploy user
   * @param listener told what the host lacked and when it has it
   * @return what the host fetched (bytes are NAR bytes, as for a copy over SSH)
   * @throws CopyFailedException if the host cannot substitute it
   */
  CopyResult substituteOn(Transport host, DeployListener listener) {
    long started = System.nanoTime();
    Set<StorePath> present;
    try (ServeClient store = ServeClient.open(host, settings)) {
      present = store.queryValidPaths(closure.paths(), false, false);
    }
    listener.closureComputed(host.host(), closure);
    List<PathInfo> missing = closure.infos().stream().filter(i -> !present.contains(i.path())).toList();
    long bytes = missing.stream().mapToLong(PathInfo::narSize).sum();
    listener.missingPathsFound(host.host(), missing.size(), bytes);
    if (!missing.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("nix-store", "--realise", "--option", "extra-substituters",
          cache.url()));
      roots.forEach(r -> argv.add(r.path()));
      CommandResult r = host.run(Command.of(argv));
      if (!r.succeeded()) {
        throw new CopyFailedException(host.host(), null, host.host() + " could not substitute the closure"
            + " from the binary cache " + cache.url() + " (nix-store --realise exited with code " + r.exitCode()
            + "): " + tail(r.stderr()) + ". Check that the host reaches the cache, that its nix.conf lists it"
            + " in trusted-substituters and trusts the signing key (ensureKeys does both).", null);
      }
    }
    CopyResult result = new CopyResult(missing.stream().map(PathInfo::path).toList(), bytes,
        closure.size() - missing.size(), Duration.ofNanos(System.nanoTime() - started));
    listener.copyFinished(host.host(), result);
    return result;
  }

  private static String tail(String text) {
    String t = text.strip();
    return t.length() > MAX_ERROR ? "…" + t.substring(t.length() - MAX_ERROR) : t;
  }
}
