/**
 * Activating NixOS systems on a host: system profiles, {@code switch-to-configuration} run detached as
 * root, rollback to the previous system, confirmation over a new ssh connection, and reboots. Start at
 * {@link dev.nixdeploy.internal.activation.Activator}; {@link dev.nixdeploy.internal.activation.Profiles} sets
 * plain profiles for path deploys. Not a supported API: use {@link dev.nixdeploy.Deployment#activate()}.
 */
@NullMarked
package dev.nixdeploy.internal.activation;

import org.jspecify.annotations.NullMarked;
