/**
 * The {@link dev.nixdeploy.FleetDeployment} implementation: batches, waves of parallel hosts, one NAR
 * stream fanned out to many hosts, health checks, rollback of a failed batch, and the binary cache path.
 * Internal: use {@link dev.nixdeploy.Deployer#fleet} instead.
 */
@NullMarked
package dev.nixdeploy.internal.fleet;

import org.jspecify.annotations.NullMarked;
