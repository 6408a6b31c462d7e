package dev.nixdeploy;

import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds, once per interface, the implementation of an SPI interface of {@code dev.nixdeploy.spi}: the
 * thread's context class loader first (application servers, plugins), then the one that loaded the API.
 */
final class Providers {
  private static final Map<Class<?>, Object> FOUND = new ConcurrentHashMap<>();

  private Providers() {}

  /**
   * @param spi the service interface
   * @return the first implementation {@link ServiceLoader} finds
   * @throws NixDeployException saying which artifact to add, if there is none
   */
  static <T> T load(Class<T> spi) {
    return spi.cast(FOUND.computeIfAbsent(spi, Providers::find));
  }

  private static <T> T find(Class<T> spi) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    T found = context == null ? null : first(spi, context);
    if (found == null) {
      found = first(spi, Providers.class.getClassLoader());
    }
    if (found == null) {
      throw new NixDeployException("No implementation of " + spi.getSimpleName() + " found on the class"
          + " path: add the dependency dev.nixdeploy:nixdeploy-core (the same version as nixdeploy-api)");
    }
    return found;
  }

  private static <T> @Nullable T first(Class<T> spi, ClassLoader loader) {
    try {
      Iterator<T> it = ServiceLoader.load(spi, loader).iterator();
      return it.hasNext() ? it.next() : null;
    } catch (ServiceConfigurationError e) {
      throw new NixDeployException("The nix-deploy implementation of " + spi.getSimpleName()
          + " could not be loaded: " + e.getMessage()
          + " (check that nixdeploy-core has the same version as nixdeploy-api)", e);
    }
  }
}
