/**
 * A client of Nix's {@code nix-store --serve} protocol, and the closure copy built on it. Not a supported
 * API: use {@code dev.nixdeploy}.
 */
@NullMarked
package dev.nixdeploy.internal.serve;

import org.jspecify.annotations.NullMarked;
