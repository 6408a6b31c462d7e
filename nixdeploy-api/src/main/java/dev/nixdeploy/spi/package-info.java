/**
 * Service provider interfaces: how the API module finds its implementation in {@code nixdeploy-core}
 * at run time with {@link java.util.ServiceLoader}. Applications do not use these interfaces directly.
 */
@NullMarked
package dev.nixdeploy.spi;

import org.jspecify.annotations.NullMarked;
