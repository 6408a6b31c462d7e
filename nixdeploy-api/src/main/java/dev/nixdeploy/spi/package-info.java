/**
 * Service provider interfaces: how {@code nixdeploy-api} finds its implementation ({@code
 * nixdeploy-core}) through {@link java.util.ServiceLoader}. Not meant for application code.
 */
@NullMarked
package dev.nixdeploy.spi;

import org.jspecify.annotations.NullMarked;
