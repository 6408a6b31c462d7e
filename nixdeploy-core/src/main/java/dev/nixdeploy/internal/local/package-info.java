/**
 * Runs commands on the local machine: the {@link dev.nixdeploy.Transport} for the local Nix store. Not a
 * supported API.
 */
@NullMarked
package dev.nixdeploy.internal.local;

import org.jspecify.annotations.NullMarked;
