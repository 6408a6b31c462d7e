/**
 * The public API of nix-deploy: deploy Nix closures and NixOS systems from one Nix store into another.
 *
 * <p>Start at {@link dev.nixdeploy.Deployer}. Everything in this package is either an interface, an
 * immutable value, an event or an exception; the implementation lives in {@code nixdeploy-core} and is
 * found at run time through {@link java.util.ServiceLoader}. Nothing here is {@code null} unless it is
 * marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.nixdeploy;

import org.jspecify.annotations.NullMarked;
