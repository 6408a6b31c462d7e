package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import dev.nixdeploy.internal.serve.DaemonAccess;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Restarts a host's nix-daemon so that it reads a changed nix.conf, and waits until it answers again.
 * The command is the configured one, else {@code launchctl kickstart -k system/org.nixos.nix-daemon} on
 * macOS and {@code systemctl restart nix-daemon} elsewhere. The restart itself runs as root inside the
 * nix.conf edit script (under its lock); the check runs as the login user, and a daemon socket closed to
 * that user is reported at once, with what to do ({@link DaemonAccess}).
 */
final class DaemonRestarter {
  static final List<String> SYSTEMD = List.of("systemctl", "restart", "nix-daemon");
  static final List<String> LAUNCHD = List.of("launchctl", "kickstart", "-k", "system/org.nixos.nix-daemon");
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String AWAIT = """
      nix=$1 tries=$2 i=0
      until out=$("$nix" --extra-experimental-features nix-command store ping --store daemon 2>&1); do
        i=$((i + 1))
        # A socket closed to this user stays closed: no use waiting.
        case $out in *daemon-socket*"Permission denied"*) i=$tries ;; esac
        [ "$i" -lt "$tries" ] || { printf '%s\n' "$out" >&2; exit 1; }
        sleep 0.2
      done
      """;

  private final @Nullable List<String> configured;
  private final Duration timeout;

  DaemonRestarter(@Nullable List<String> configured, Duration timeout) {
    this.configured = configured == null ? null : List.copyOf(configured);
    this.timeout = timeout;
  }

  /** @return the restart command's argv for this host */
  List<String> command(Host host) {
    if (configured != null) {
      return configured;
    }
    CommandResult os = host.run(Command.of("uname", "-s"));
    return os.succeeded() && os.stdout().strip().equals("Darwin") ? LAUNCHD : SYSTEMD;
  }

  /**
   * Polls {@code nix store ping --store daemon} as the login user until the daemon answers.
   *
   * @throws KeyExchangeException if it does not answer within the timeout
   */
  void awaitDaemon(Host host) {
    long tries = Math.max(1, timeout.toMillis() / POLL.toMillis());
    CommandResult r = host.run(Command.of("sh", "-c", AWAIT, "sh", host.program("nix"), Long.toString(tries)));
    if (!r.succeeded()) {
      DaemonAccess.refusal(r.stderr(), host.name()).ifPresent(refused -> {
        throw new KeyExchangeException(host.name(), refused + " The trusted key was added to nix.conf and the"
            + " daemon restarted.");
      });
      throw new KeyExchangeException(host.name(), "The nix-daemon on " + host.name() + " did not answer"
          + " within " + timeout.toSeconds() + " seconds of its restart (" + r.stderr().strip() + "). The"
          + " trusted key was added to nix.conf; check the daemon (e.g. systemctl status nix-daemon).");
    }
  }

  @Override
  public String toString() {
    return "DaemonRestarter{" + (configured == null ? "auto" : String.join(" ", configured)) + "}";
  }
}
