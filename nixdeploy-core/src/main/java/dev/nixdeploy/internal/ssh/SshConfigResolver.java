package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a {@link Target}, explicit {@link SshSettings} and the OpenSSH client configuration into a
 * {@link ResolvedTarget}. Precedence: the target's user and port, then explicit settings, then the
 * configuration file (first match wins, as in OpenSSH), then OpenSSH's defaults.
 *
 * <p>Understood keywords: {@code Host}, {@code HostName}, {@code Port}, {@code User}, {@code IdentityFile},
 * {@code IdentitiesOnly}, {@code UserKnownHostsFile} (several files), {@code GlobalKnownHostsFile},
 * {@code HostKeyAlias}, {@code HashKnownHosts}, {@code StrictHostKeyChecking}, {@code ConnectTimeout},
 * {@code ServerAliveInterval}, {@code ServerAliveCountMax}. {@code Match} and {@code Include} are not.
 */
final class SshConfigResolver {
  private static final Logger LOG = LoggerFactory.getLogger(SshConfigResolver.class);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_SERVER_ALIVE_INTERVAL = Duration.ofSeconds(15);
  private static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  private final Path home;
  private final String localUser;
  private final Map<String, String> environment;

  /**
   * @param home the local user's home directory, for {@code ~} and the default files
   * @param localUser the local user name, the default remote user
   * @param environment the environment, for {@code SSH_AUTH_SOCK}
   */
  SshConfigResolver(Path home, String localUser, Map<String, String> environment) {
    this.home = home;
    this.localUser = localUser;
    this.environment = Map.copyOf(environment);
  }

  /** @return a resolver for the current process's user and environment */
  static SshConfigResolver forCurrentUser() {
    return new SshConfigResolver(Path.of(System.getProperty("user.home")), System.getProperty("user.name"),
        System.getenv());
  }

  ResolvedTarget resolve(Target target, SshSettings settings) {
    ConfigRepository.Config config = loadConfig(target, settings);
    String display = target.toString();

    String hostName = value(config, "HostName").map(h -> h.replace("%h", target.host())).orElse(target.host());
    if (hostName.isEmpty() || hostName.startsWith("-")) {
      throw new NixDeployException("The ssh configuration gives " + target.host() + " an unusable HostName \""
          + hostName + "\"; fix the HostName line");
    }
    int port = target.port().orElseGet(() -> value(config, "Port").map(p -> parsePort(target, p)).orElse(22));
    String user = target.user().orElseGet(() -> value(config, "User").orElse(localUser));
    if (user.isEmpty() || user.startsWith("-")) {
      throw new NixDeployException("The ssh configuration gives " + target.host() + " an unusable User \""
          + user + "\"; fix the User line or name the user in the target (user@" + target.host() + ")");
    }

    List<Path> identities = new ArrayList<>(settings.identityFiles());
    int explicit = identities.size();
    String[] configured = config.getValues("IdentityFile");
    for (String file : configured == null ? new String[0] : configured) {
      Path p = expand(unquote(file), target, hostName, user);
      if (!identities.contains(p)) {
        identities.add(p);
      }
    }
    if (identities.isEmpty()) {
      for (String name : DEFAULT_IDENTITIES) {
        Path p = home.resolve(".ssh").resolve(name);
        if (Files.isRegularFile(p)) {
          identities.add(p);
        }
      }
    }

    KnownHostsFiles knownHosts = knownHosts(config, settings, target, hostName, user);

    HostKeyPolicy policy = settings.hostKeyPolicy().orElseGet(() -> value(config, "StrictHostKeyChecking")
        .map(v -> policyOf(display, v)).orElse(HostKeyPolicy.STRICT));

    Duration connectTimeout = settings.connectTimeout().orElseGet(() -> value(config, "ConnectTimeout")
        .map(v -> millis(display, "ConnectTimeout", v, false)).orElse(DEFAULT_CONNECT_TIMEOUT));
    Duration alive = settings.serverAliveInterval().orElseGet(() -> value(config, "ServerAliveInterval")
        .map(v -> millis(display, "ServerAliveInterval", v, true)).orElse(DEFAULT_SERVER_ALIVE_INTERVAL));
    int aliveMax = value(config, "ServerAliveCountMax")
        .map(v -> (int) number(display, "ServerAliveCountMax", v, false)).orElse(3);

    boolean identitiesOnly = value(config, "IdentitiesOnly").map(v -> v.equalsIgnoreCase("yes")).orElse(false);
    Optional<Path> agent = Optional.empty();
    if (settings.useAgent() && !identitiesOnly) {
      agent = settings.agentSocket().or(() -> Optional.ofNullable(environment.get("SSH_AUTH_SOCK"))
          .filter(s -> !s.isEmpty()).map(Path::of));
    }
    return new ResolvedTarget(display, hostName, port, user, identities, explicit, knownHosts, policy,
        connectTimeout, alive, aliveMax, agent);
  }

  private KnownHostsFiles knownHosts(ConfigRepository.Config config, SshSettings settings, Target target,
      String hostName, String user) {
    List<Path> userFiles = settings.knownHostsFile().map(List::of).orElseGet(() ->
        value(config, "UserKnownHostsFile").map(v -> files(v, target, hostName, user))
            .orElse(List.of(home.resolve(".ssh").resolve("known_hosts"), home.resolve(".ssh").resolve("known_hosts2"))));
    List<Path> globalFiles = value(config, "GlobalKnownHostsFile").map(v -> files(v, target, hostName, user))
        .orElse(KnownHostsFiles.DEFAULT_GLOBAL);
    Optional<String> alias = value(config, "HostKeyAlias").map(a -> a.replace("%h", target.host()));
    alias.ifPresent(a -> {
      if (a.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == ',')) {
        throw new NixDeployException("The ssh configuration gives " + target.host() + " an unusable HostKeyAlias \""
            + a + "\"; fix the HostKeyAlias line");
      }
    });
    boolean hash = value(config, "HashKnownHosts").map(v -> v.equalsIgnoreCase("yes")).orElse(false);
    return new KnownHostsFiles(userFiles.isEmpty() ? List.of(Path.of("/dev/null")) : userFiles, globalFiles, alias,
        hash);
  }

  /** A list of file names as OpenSSH takes them: white-space separated, {@code none} for no file. */
  private List<Path> files(String value, Target target, String hostName, String user) {
    List<Path> files = new ArrayList<>();
    for (String name : value.strip().split("[ \t]+")) {
      if (!name.isEmpty() && !name.equalsIgnoreCase("none")) {
        files.add(expand(unquote(name), target, hostName, user));
      }
    }
    return files;
  }

  private ConfigRepository.Config loadConfig(Target target, SshSettings settings) {
    if (!settings.readSshConfig()) {
      return ConfigRepository.defaultConfig;
    }
    Path file = settings.sshConfigFile().orElse(home.resolve(".ssh").resolve("config"));
    if (!Files.exists(file)) {
      if (settings.sshConfigFile().isPresent()) {
        throw new NixDeployException("The ssh configuration file " + file + " does not exist; create it, or "
            + "name none (leave out --ssh-config) to use ~/.ssh/config");
      }
      return ConfigRepository.defaultConfig;
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      LOG.debug("Reading ssh configuration {} for {}", file, target.host());
      return OpenSSHConfig.parse(text).getConfig(target.host());
    } catch (IOException e) {
      throw new NixDeployException("Cannot read the ssh configuration file " + file + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> value(ConfigRepository.Config config, String key) {
    @Nullable String v = config.getValue(key);
    return Optional.ofNullable(v).map(SshConfigResolver::unquote).filter(s -> !s.isEmpty());
  }

  private static String unquote(String v) {
    String s = v.strip();
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  private static int parsePort(Target target, String value) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new NixDeployException("The ssh configuration gives " + target.host() + " the port \"" + value
        + "\", which is not a number from 1 to 65535; fix its Port line");
  }

  private static HostKeyPolicy policyOf(String display, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "accept-new":
        return HostKeyPolicy.ACCEPT_NEW;
      case "no":
      case "off":
        LOG.warn("StrictHostKeyChecking {} for {}: nix-deploy never skips the host key check; unknown keys "
            + "are accepted and added (accept-new), changed keys are refused", value, display);
        return HostKeyPolicy.ACCEPT_NEW;
      default:
        return HostKeyPolicy.STRICT;
    }
  }

  /** JSch hands out ConnectTimeout and ServerAliveInterval converted from seconds to milliseconds. */
  private static Duration millis(String display, String key, String value, boolean zeroAllowed) {
    long ms = number(display, key, value, zeroAllowed);
    return Duration.ofMillis(Math.min(ms, Integer.MAX_VALUE));
  }

  private static long number(String display, String key, String value, boolean zeroAllowed) {
    try {
      long n = Long.parseLong(value);
      if (n > 0 || (zeroAllowed && n == 0)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new NixDeployException("The ssh configuration gives " + display + " an unusable " + key + " ("
        + value + "); it must be a " + (zeroAllowed ? "non-negative" : "positive") + " whole number");
  }

  /** Expands {@code ~} and the tokens {@code %d %u %h %r %%} as OpenSSH does in file names. */
  private Path expand(String value, Target target, String hostName, String user) {
    String v = value;
    if (v.equals("~") || v.startsWith("~/")) {
      v = home + v.substring(1);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' && i + 1 < v.length()) {
        char t = v.charAt(++i);
        switch (t) {
          case 'd': b.append(home); break;
          case 'u': b.append(localUser); break;
          case 'h': b.append(hostName); break;
          case 'n': b.append(target.host()); break;
          case 'r': b.append(user); break;
          case '%': b.append('%'); break;
          default: b.append('%').append(t);
        }
      } else {
        b.append(c);
      }
    }
    return Path.of(b.toString());
  }
}
