package dev.nixdeploy.internal.keys;

import dev.nixdeploy.SigningKeyException;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.spi.SigningKeyProvider;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@link SigningKeyProvider} of nixdeploy-core, registered for {@link java.util.ServiceLoader}.
 * Public only because the service loader requires it.
 */
public final class TinkSigningKeyProvider implements SigningKeyProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public TinkSigningKeyProvider() {}

  @Override
  public SigningKeyPair generate(String name) {
    return TinkSigningKeyPair.generate(name);
  }

  @Override
  public SigningKeyPair load(Path secretKeyFile) {
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
    byte[] text = KeyFiles.readSecret(secretKeyFile);
    try {
      return SecretKeyText.parse(text);
    } catch (IllegalArgumentException e) {
      // The parser's messages never contain the secret.
      throw new SigningKeyException(secretKeyFile, "Secret key file " + secretKeyFile + ": "
          + e.getMessage());
    } finally {
      SecretKeyText.wipe(text);
    }
  }

  @Override
  public SigningKeyPair parse(CharSequence secretKeyText) {
    Objects.requireNonNull(secretKeyText, "secretKeyText");
    byte[] text = SecretKeyText.utf8(secretKeyText);
    try {
      return SecretKeyText.parse(text);
    } finally {
      SecretKeyText.wipe(text);
    }
  }
}
