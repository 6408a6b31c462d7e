/**
 * The SSH transport: one JSch session per target, exec channels for commands, OpenSSH client
 * configuration, known-hosts checking and public-key authentication. Everything JSch-specific stays in
 * this package; {@link dev.nixdeploy.core.ssh.SshTransports} is its only entry point.
 */
@NullMarked
package dev.nixdeploy.core.ssh;

import org.jspecify.annotations.NullMarked;
