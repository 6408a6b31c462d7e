package dev.nixdeploy;

import java.nio.file.Path;

/**
 * Supplies the passphrase of an encrypted private key, e.g. from a prompt, a secret manager or an
 * environment variable. nix-deploy asks only for keys that are encrypted, wipes the returned array once
 * the key is unlocked, and never logs it.
 *
 * <pre>{@code
 * SshSettings settings = SshSettings.builder()
 *     .identityFile(Path.of("/home/me/.ssh/deploy_ed25519"))
 *     .passphraseSource(keyFile -> System.console().readPassword("Passphrase for %s: ", keyFile))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface PassphraseSource {
  /**
   * @param keyFile the encrypted private key file
   * @return its passphrase; the caller overwrites the array after use
   * @throws NixDeployException (or any unchecked exception) to give up, e.g. when the user cancels
   */
  char[] passphraseFor(Path keyFile);
}
