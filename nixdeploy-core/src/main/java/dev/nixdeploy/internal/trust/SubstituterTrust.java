package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes one host's Nix accept a binary cache as a substituter for every user: one
 * {@code extra-trusted-substituters} line in nix.conf (a user outside {@code trusted-users} may then name
 * it with {@code --option extra-substituters}), added as root with {@link Scripts#APPEND_LINE} and a
 * daemon restart, unless the cache is trusted or configured already.
 */
final class SubstituterTrust {
  private static final int ATTEMPTS = 5;
  private static final Set<String> NAMES = Set.of("trusted-substituters", "trusted-binary-caches",
      "substituters", "binary-caches");

  private final DaemonRestarter restarter;
  private final String confFile;

  SubstituterTrust(DaemonRestarter restarter, String confFile) {
    this.restarter = restarter;
    this.confFile = confFile;
  }

  /**
   * @return true if a line was added and the daemon restarted, false if the cache was trusted already
   * @throws KeyExchangeException on NixOS (with the configuration to add) or if the edit fails
   * @throws dev.nixdeploy.PrivilegeException if a change is needed and the login user cannot become root
   */
  boolean ensure(Host host, String url) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ConfSnapshot conf = ConfSnapshot.read(host, confFile);
      if (trusted(conf.settings(), url)) {
        return false;
      }
      if (conf.storeLink()) {
        throw nixos(host, url);
      }
      List<String> argv = new ArrayList<>(List.of("sh", "-c", Scripts.APPEND_LINE, "sh", confFile,
          line(url), conf.bytes().isPresent() ? "yes" : "no"));
      argv.addAll(restarter.command(host));
      CommandResult r = host.runAsRoot(Command.of(argv), conf.bytes().orElse(new byte[0]));
      switch (r.exitCode()) {
        case 0:
          restarter.awaitDaemon(host);
          return true;
        case Scripts.CHANGED:
          continue;
        case Scripts.READ_ONLY:
          throw nixos(host, url);
        default:
          throw new KeyExchangeException(host.name(), "Could not make " + host.name() + " trust the binary"
              + " cache " + url + " in " + confFile + " (exit code " + r.exitCode() + "): "
              + r.stderr().strip());
      }
    }
    throw new KeyExchangeException(host.name(), confFile + " on " + host.name() + " changed " + ATTEMPTS
        + " times while nix-deploy was about to add a trusted substituter; is something rewriting it?");
  }

  /** @return whether a substituter or trusted-substituter setting (plain or extra-) lists {@code url} */
  static boolean trusted(List<NixConf.Setting> settings, String url) {
    List<String> listed = new ArrayList<>();
    for (String name : List.of("trusted-substituters", "substituters")) {
      List<String> value = new ArrayList<>();
      for (NixConf.Setting s : settings) {
        String base = s.name().startsWith("extra-") ? s.name().substring("extra-".length()) : s.name();
        if (!NAMES.contains(base) || !canonical(base).equals(name)) {
          continue;
        }
        if (!s.name().startsWith("extra-")) {
          value.clear();
        }
        value.addAll(s.words());
      }
      listed.addAll(value);
    }
    return listed.contains(url);
  }

  private static String canonical(String name) {
    return switch (name) {
      case "trusted-binary-caches" -> "trusted-substituters";
      case "binary-caches" -> "substituters";
      default -> name;
    };
  }

  static String line(String url) {
    return "extra-trusted-substituters = " + url;
  }

  private KeyExchangeException nixos(Host host, String url) {
    return new KeyExchangeException(host.name(), confFile + " on " + host.name() + " is a read-only link"
        + " into the Nix store (NixOS), so nix-deploy changed nothing. Add the cache to the host's NixOS"
        + " configuration and rebuild it:\n  nix.settings.trusted-substituters = [ \"" + url + "\" ];");
  }
}
