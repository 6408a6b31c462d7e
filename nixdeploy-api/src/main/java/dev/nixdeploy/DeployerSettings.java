package dev.nixdeploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Deployer} is configured with, as {@link Deployer.Builder} collected it. Immutable.
 *
 * @param ssh how to reach hosts
 * @param sign whether paths are signed (false: {@link Deployer.Builder#noSign()}, fine for root targets)
 * @param signingKeyFile an explicit local secret key file, if one was given; else the default location
 *     is used ({@code $XDG_CONFIG_HOME/nix-deploy/signing-key.sec})
 * @param useSubstitutes whether the receiving host may first fetch missing paths from its own substituters
 * @param sudoPasswords where to get a sudo password for hosts where sudo asks for one, if anywhere
 * @param daemonRestartCommand how to restart a host's nix-daemon after trusting a key, where the
 *     built-in ways ({@code systemctl}, {@code launchctl}) do not fit
 * @param listener who is told about the progress of every deployment
 * @param transports how hosts are reached, if not over SSH with {@code ssh}
 * @param localTransports how this machine's store is reached, if not by local subprocesses
 */
public record DeployerSettings(
    SshSettings ssh,
    boolean sign,
    Optional<Path> signingKeyFile,
    boolean useSubstitutes,
    Optional<SudoPasswordSource> sudoPasswords,
    Optional<List<String>> daemonRestartCommand,
    DeployListener listener,
    Optional<TransportFactory> transports,
    Optional<LocalTransports> localTransports) {

  /** Checks that no component is null. */
  public DeployerSettings {
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(signingKeyFile, "signingKeyFile");
    Objects.requireNonNull(sudoPasswords, "sudoPasswords");
    daemonRestartCommand = daemonRestartCommand.map(List::copyOf);
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(transports, "transports");
    Objects.requireNonNull(localTransports, "localTransports");
  }

  /** @return the sudo password source, or null: the form the core classes take */
  public @Nullable SudoPasswordSource sudoPasswordsOrNull() {
    return sudoPasswords.orElse(null);
  }
}
