package dev.nixdeploy;

import dev.nixdeploy.spi.SigningKeyProvider;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Finds the {@link SigningKeyProvider} of {@code nixdeploy-core} once, on first use. */
final class SigningKeyProviders {
  private static volatile @Nullable SigningKeyProvider provider;

  private SigningKeyProviders() {}

  static SigningKeyProvider get() {
    SigningKeyProvider p = provider;
    if (p == null) {
      synchronized (SigningKeyProviders.class) {
        p = provider;
        if (p == null) {
          p = find();
          provider = p;
        }
      }
    }
    return p;
  }

  private static SigningKeyProvider find() {
    // The context class loader first (application servers, plugins), then the one that loaded the API.
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    SigningKeyProvider found = context == null ? null : first(ServiceLoader.load(SigningKeyProvider.class, context));
    if (found == null) {
      found = first(ServiceLoader.load(SigningKeyProvider.class, SigningKeyProvider.class.getClassLoader()));
    }
    if (found == null) {
      throw new NixDeployException("No signing key implementation found on the class path:"
          + " add the dependency dev.nixdeploy:nixdeploy-core (the same version as nixdeploy-api)");
    }
    return found;
  }

  private static @Nullable SigningKeyProvider first(ServiceLoader<SigningKeyProvider> loader) {
    try {
      Iterator<SigningKeyProvider> it = loader.iterator();
      return it.hasNext() ? it.next() : null;
    } catch (ServiceConfigurationError e) {
      throw new NixDeployException("The signing key implementation could not be loaded: " + e.getMessage()
          + " (check that nixdeploy-core has the same version as nixdeploy-api)", e);
    }
  }
}
