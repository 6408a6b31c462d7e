/**
 * Key exchange ({@code ensureKeys()}): signing key pairs made where they are missing, and Nix stores
 * made to trust the other side's public key, idempotently and without a secret key crossing the network.
 * The entry point is {@link dev.nixdeploy.internal.trust.KeyExchange}.
 * Not a supported API: use {@link dev.nixdeploy.Deployment#ensureKeys()}.
 */
@NullMarked
package dev.nixdeploy.internal.trust;

import org.jspecify.annotations.NullMarked;
