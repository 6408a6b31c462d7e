package dev.nixdeploy;

import java.nio.file.Path;
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
 * @param listener who is told about progress
 */
public record DeployerSettings(
    SshSettings ssh,
    boolean sign,
    Optional<Path> signingKeyFile,
    boolean useSubstitutes,
    Optional<SudoPasswordSource> sudoPasswords,
    DeployListener listener) {

  /** Checks that no component is null. */
  public DeployerSettings {
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(signingKeyFile, "signingKeyFile");
    Objects.requireNonNull(sudoPasswords, "sudoPasswords");
    Objects.requireNonNull(listener, "listener");
  }

  /** @return the sudo password source, or null: the form the core classes take */
  public @Nullable SudoPasswordSource sudoPasswordsOrNull() {
    return sudoPasswords.orElse(null);
  }
}
