package dev.nixdeploy.cli;

import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.HostKeyPolicy;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.SshSettings;
import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every deploying subcommand shares: how to reach the host, and how to sign. */
final class ConnectionOptions {
  private static final long MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;

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
      description = "Local secret key to sign paths with, instead of ~/.config/nix-deploy/signing-key.sec;"
          + " a missing file is created (a new key, FILE's .pub beside it, and FILE.lock, which keeps two"
          + " deployments from generating two keys at once).")
  Path signingKey;

  @Option(names = "--noSign", description = "Neither exchange keys nor sign: send paths as they are"
      + " (only a user in the receiving store's trusted-users, such as root, can add them).")
  boolean noSign;

  @Option(names = "--ask-sudo-password",
      description = "Ask once, without echo, for the sudo password of hosts where sudo wants one.")
  boolean askSudoPassword;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Give up on a host whose Nix sends or takes nothing for this long while we wait on it"
          + " (default: 300).")
  @org.jspecify.annotations.Nullable Long timeoutSeconds;

  @Option(names = {"-s", "--use-substitutes"},
      description = "Let the receiving host fetch what it can from its own binary caches first.")
  boolean useSubstitutes;

  private static char[] promptForSudoPassword(String host, String user) {
    Console console = System.console();
    if (console == null) {
      throw new NixDeployException("--ask-sudo-password needs a terminal to ask on, and there is none");
    }
    char[] password = console.readPassword("[sudo] password for %s on %s: ", user, host);
    if (password == null) {
      throw new NixDeployException("No sudo password was entered for " + user + " on " + host);
    }
    return password;
  }

  /** Refuses, as invalid input, files named on the command line that do not exist, and bad numbers. */
  void check() {
    if (timeoutSeconds != null && (timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
      throw new InvalidInputException("--timeout takes a number of seconds from 1 to " + MAX_TIMEOUT_SECONDS
          + ", not " + timeoutSeconds);
    }
    if (sshConfig != null && !Files.isRegularFile(sshConfig)) {
      throw new InvalidInputException("--ssh-config " + sshConfig + " does not exist (leave the flag out to"
          + " use ~/.ssh/config)");
    }
    for (Path identity : identities) {
      if (!Files.isRegularFile(identity)) {
        throw new InvalidInputException("--identity " + identity + " does not exist");
      }
    }
    if (signingKey != null && Files.isDirectory(signingKey)) {
      throw new InvalidInputException("--signing-key " + signingKey + " is a directory; name the secret key"
          + " file (it is created if missing)");
    }
  }

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
    if (timeoutSeconds != null) {
      ssh.progressTimeout(java.time.Duration.ofSeconds(timeoutSeconds));
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
    if (askSudoPassword) {
      builder.sudoPasswords(ConnectionOptions::promptForSudoPassword);
    }
    return builder.build();
  }
}
