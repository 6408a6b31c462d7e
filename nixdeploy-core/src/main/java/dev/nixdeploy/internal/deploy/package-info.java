/**
 * The {@link dev.nixdeploy.Deployer} implementation: plans, and the run that carries a plan out over one
 * SSH session. Internal: use {@link dev.nixdeploy.Deployer} instead.
 */
@NullMarked
package dev.nixdeploy.internal.deploy;

import org.jspecify.annotations.NullMarked;
