/**
 * The SSH transport: one JSch session per target, exec channels for commands, OpenSSH client
 * configuration, known-hosts checking and public-key authentication. Everything JSch-specific stays in
 * this package; {@link dev.nixdeploy.internal.ssh.SshTransports} is its only entry point.
 * Not a supported API: use {@link dev.nixdeploy.Deployer} with {@link dev.nixdeploy.SshSettings}.
 */
@NullMarked
package dev.nixdeploy.internal.ssh;

import org.jspecify.annotations.NullMarked;
