package dev.nixdeploy.sandbox;

import java.nio.file.Path;

/** The text of the configuration files of sandbox hosts and of the ssh client that reaches them. */
final class HostConfigs {
  /** Where a host keeps its pid files, logs and activation records, inside its namespace. */
  static final String STATE_DIR = "/run/nixdeploy-sandbox";
  /** The file every account's authorized key is read from, inside a host. */
  static final String AUTHORIZED_KEYS = "/etc/ssh/authorized_keys";
  static final String HOST_KEY = "/etc/ssh/ssh_host_ed25519_key";

  private HostConfigs() {}

  /** Default trust (only root is trusted, signatures required) and no network. */
  static String nixConf() {
    return """
        # A sandbox host: default trust, no substituters, builds without build users.
        trusted-users = root
        require-sigs = true
        substituters =
        sandbox = false
        build-users-group =
        """;
  }

  /** The port is given on sshd's command line, so that the harness can pick another one. */
  static String sshdConfig() {
    return """
        # A sandbox host: keys only, loopback only.
        Include /etc/ssh/sshd_config.d/*.conf
        ListenAddress 127.0.0.1
        HostKey %s
        AuthorizedKeysFile %s
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        UsePAM no
        PrintMotd no
        PrintLastLog no
        Subsystem sftp internal-sftp
        """.formatted(HOST_KEY, AUTHORIZED_KEYS);
  }

  /**
   * Credentials are never cached, so each sudo of the operator asks for the password, except for
   * {@code cat}, which a {@code NOPASSWD} rule lets the operator run without one (sudo then leaves a
   * password given on its standard input unread).
   */
  static String sudoers() {
    return """
        Defaults lecture = never
        Defaults timestamp_timeout = 0
        %s ALL=(ALL:ALL) NOPASSWD: ALL
        %s ALL=(ALL:ALL) ALL
        %s ALL=(ALL:ALL) NOPASSWD: /usr/bin/cat, /bin/cat
        """.formatted(SandboxUsers.ADMIN, SandboxUsers.OPERATOR, SandboxUsers.OPERATOR);
  }

  /**
   * @param address the host's address
   * @param port the host's sshd port
   * @param publicKey the host's public key line, {@code ssh-ed25519 AAAA… [comment]}
   * @return the known_hosts line for the host as ssh looks it up: {@code [127.0.0.1]:port type key}
   */
  static String knownHostsLine(String address, int port, String publicKey) {
    String[] fields = publicKey.strip().split("\\s+");
    return "[" + address + "]:" + port + " " + fields[0] + " " + fields[1] + "\n";
  }

  /** One {@code Host} block of an OpenSSH client configuration. */
  static String sshConfigBlock(String alias, String address, int port, Path identity, Path knownHosts) {
    return """
        Host %s
          HostName %s
          Port %d
          IdentityFile %s
          IdentitiesOnly yes
          UserKnownHostsFile %s
          GlobalKnownHostsFile /dev/null
          StrictHostKeyChecking yes
          BatchMode yes
          LogLevel ERROR

        """.formatted(alias, address, port, identity, knownHosts);
  }
}
