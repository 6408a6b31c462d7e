package dev.nixdeploy;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds the implementation of an SPI interface of {@code dev.nixdeploy.spi} on the class path. */
final class Providers {
  private Providers() {}

  /**
   * @param spi the service interface
   * @return the first implementation {@link ServiceLoader} finds
   * @throws NixDeployException saying which artifact to add, if there is none
   */
  static <T> T load(Class<T> spi) {
    try {
      Iterator<T> found = ServiceLoader.load(spi, Providers.class.getClassLoader()).iterator();
      if (found.hasNext()) {
        return found.next();
      }
    } catch (ServiceConfigurationError e) {
      throw new NixDeployException("The nix-deploy implementation of " + spi.getSimpleName()
          + " could not be loaded: " + e.getMessage(), e);
    }
    throw new NixDeployException("No implementation of " + spi.getSimpleName() + " was found on the"
        + " class path. nixdeploy-api holds only interfaces: add the dependency"
        + " dev.nixdeploy:nixdeploy-core (same version as nixdeploy-api) to your build.");
  }
}
