package dev.nixdeploy.internal.ssh;

import dev.nixdeploy.HostKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to open a session, after merging the target, explicit settings and the OpenSSH
 * client configuration.
 *
 * @param display the target as the user wrote it (canonical form), for messages
 * @param hostName the address or DNS name to connect to
 * @param port the TCP port
 * @param user the user to log in as
 * @param identityFiles private key files to offer, in order
 * @param explicitIdentityFiles how many of {@code identityFiles} (from the start) the user named in the
 *     settings: those must exist and be usable; the others are skipped when they are not
 * @param knownHosts the known_hosts files to read and how to look the host up in them
 * @param hostKeyPolicy what to do with an unknown host key
 * @param connectTimeout the connect timeout
 * @param serverAliveInterval the keep-alive interval, zero for none
 * @param serverAliveCountMax missed keep-alives after which the connection counts as lost
 * @param agentSocket the ssh-agent socket to use, if any
 */
record ResolvedTarget(
    String display,
    String hostName,
    int port,
    String user,
    List<Path> identityFiles,
    int explicitIdentityFiles,
    KnownHostsFiles knownHosts,
    HostKeyPolicy hostKeyPolicy,
    Duration connectTimeout,
    Duration serverAliveInterval,
    int serverAliveCountMax,
    Optional<Path> agentSocket) {

  ResolvedTarget {
    identityFiles = List.copyOf(identityFiles);
  }

  /**
   * @return the name OpenSSH looks up in known_hosts: the {@code HostKeyAlias} if there is one, else
   *     {@code host} on port 22 and {@code [host]:port} elsewhere
   */
  String knownHostsName() {
    return knownHosts.hostKeyAlias().orElse(port == 22 ? hostName : "[" + hostName + "]:" + port);
  }

  /** @return the known_hosts file new keys are added to: the first user file */
  Path knownHostsFile() {
    return knownHosts.userFiles().get(0);
  }
}
