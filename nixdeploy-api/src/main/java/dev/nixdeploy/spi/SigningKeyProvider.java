package dev.nixdeploy.spi;

import dev.nixdeploy.SigningKeyPair;
import java.nio.file.Path;

/**
 * The service behind the static factories of {@link SigningKeyPair}, found with
 * {@link java.util.ServiceLoader}. {@code nixdeploy-core} provides the one implementation (Ed25519 with
 * Tink) and registers it in {@code META-INF/services/dev.nixdeploy.spi.SigningKeyProvider}; applications
 * call {@link SigningKeyPair#generate}, {@link SigningKeyPair#load} and {@link SigningKeyPair#parse}
 * instead of this interface. Each method has the contract of the factory of the same name.
 *
 * <p>An implementation must have a public no-argument constructor and be thread-safe.
 */
public interface SigningKeyProvider {

  /**
   * @param name a key name
   * @return a new key; see {@link SigningKeyPair#generate}
   */
  SigningKeyPair generate(String name);

  /**
   * @param secretKeyFile a secret key file in Nix's format
   * @return the key; see {@link SigningKeyPair#load}
   */
  SigningKeyPair load(Path secretKeyFile);

  /**
   * @param secretKeyText Nix's secret key text
   * @return the key; see {@link SigningKeyPair#parse}
   */
  SigningKeyPair parse(CharSequence secretKeyText);
}
