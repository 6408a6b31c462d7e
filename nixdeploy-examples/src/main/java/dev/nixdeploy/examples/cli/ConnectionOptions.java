package dev.nixdeploy.examples.cli;

import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.SshSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every deploying subcommand shares: how to reach the host, and how to sign. */
final class ConnectionOptions {
  @Option(names = "--ssh-config", paramLabel = "FILE",
      description = "OpenSSH client configuration to read instead of ~/.ssh/config.")
  Path sshConfig;

  @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
      description = "Private key to log in with (repeatable; tried before the ssh agent).")
  List<Path> identities = new ArrayList<>();

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "known_hosts file to check host keys against instead of ~/.ssh/known_hosts.")
  Path knownHosts;

  @Option(names = "--accept-new-host-key",
      description = "Add the key of a host not yet in known_hosts; a changed key is still refused.")
  boolean acceptNewHostKey;

  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "Local secret key to sign paths with, instead of ~/.config/nix-deploy/signing-key.sec.")
  Path signingKey;

  @Option(names = "--noSign", description = "Send paths unsigned (only a trusted user such as root accepts them).")
  boolean noSign;

  @Option(names = {"-s", "--use-substitutes"},
      description = "Let the receiving host fetch what it can from its own binary caches first.")
  boolean useSubstitutes;

  SshSettings sshSettings() {
    SshSettings.Builder ssh = SshSettings.builder();
    if (sshConfig != null) {
      ssh.sshConfigFile(sshConfig);
    }
    identities.forEach(ssh::identityFile);
    if (knownHosts != null) {
      ssh.knownHostsFile(knownHosts);
    }
    if (acceptNewHostKey) {
      ssh.hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW);
    }
    return ssh.build();
  }

  Deployer deployer(DeployListener listener) {
    Deployer.Builder builder = Deployer.builder().ssh(sshSettings()).listener(listener)
        .useSubstitutes(useSubstitutes);
    if (signingKey != null) {
      builder.signingKeyFile(signingKey);
    }
    if (noSign) {
      builder.noSign();
    }
    return builder.build();
  }
}
