/**
 * Ed25519 signing keys in Nix's format, backed by Tink's raw Ed25519 ({@code subtle.Ed25519Sign}).
 * Internal: use {@link dev.nixdeploy.SigningKeyPair} instead.
 */
@NullMarked
package dev.nixdeploy.internal.keys;

import org.jspecify.annotations.NullMarked;
