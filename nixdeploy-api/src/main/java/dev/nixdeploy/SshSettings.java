package dev.nixdeploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How nix-deploy connects over SSH: immutable, reusable and thread-safe; made by a {@link Builder}.
 *
 * <p>Every setting left unset falls back to the OpenSSH client configuration ({@code ~/.ssh/config}
 * unless {@link Builder#sshConfigFile(Path)} names another or {@link Builder#ignoreSshConfig()} turns it
 * off), then to OpenSSH's defaults. A setting made here always wins over the configuration file.
 *
 * <pre>{@code
 * SshSettings settings = SshSettings.builder()
 *     .identityFile(Path.of(System.getProperty("user.home"), ".ssh", "deploy_ed25519"))
 *     .passphraseSource(keyFile -> System.console().readPassword("Passphrase for %s: ", keyFile))
 *     .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW)
 *     .connectTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>Authentication offers, in this order: the identity files given here, those named by
 * {@code IdentityFile} in the configuration (or, if neither names any, the default
 * {@code ~/.ssh/id_ed25519}, {@code id_ecdsa} and {@code id_rsa} that exist), then the keys of the
 * ssh-agent at {@code SSH_AUTH_SOCK}. Passwords are never used.
 */
public final class SshSettings {
  private static final SshSettings DEFAULTS = new Builder().build();

  private final List<Path> identityFiles;
  private final @Nullable PassphraseSource passphraseSource;
  private final boolean useAgent;
  private final @Nullable Path agentSocket;
  private final boolean readSshConfig;
  private final @Nullable Path sshConfigFile;
  private final @Nullable Path knownHostsFile;
  private final @Nullable HostKeyPolicy hostKeyPolicy;
  private final @Nullable Duration connectTimeout;
  private final @Nullable Duration progressTimeout;
  private final @Nullable Duration serverAliveInterval;

  private SshSettings(Builder b) {
    this.identityFiles = List.copyOf(b.identityFiles);
    this.passphraseSource = b.passphraseSource;
    this.useAgent = b.useAgent;
    this.agentSocket = b.agentSocket;
    this.readSshConfig = b.readSshConfig;
    this.sshConfigFile = b.sshConfigFile;
    this.knownHostsFile = b.knownHostsFile;
    this.hostKeyPolicy = b.hostKeyPolicy;
    this.connectTimeout = b.connectTimeout;
    this.progressTimeout = b.progressTimeout;
    this.serverAliveInterval = b.serverAliveInterval;
  }

  /** @return settings that defer everything to the ssh configuration and OpenSSH's defaults */
  public static SshSettings defaults() {
    return DEFAULTS;
  }

  /** @return a builder with nothing set */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder that starts from these settings */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** @return the private key files to offer first, in order (may be empty) */
  public List<Path> identityFiles() {
    return identityFiles;
  }

  /** @return where passphrases of encrypted keys come from; without one, encrypted keys cannot be used */
  public Optional<PassphraseSource> passphraseSource() {
    return Optional.ofNullable(passphraseSource);
  }

  /** @return whether the keys of an ssh-agent are offered after the identity files (default true) */
  public boolean useAgent() {
    return useAgent;
  }

  /** @return the ssh-agent socket, if set; otherwise {@code SSH_AUTH_SOCK} is used */
  public Optional<Path> agentSocket() {
    return Optional.ofNullable(agentSocket);
  }

  /** @return whether an OpenSSH client configuration file is read (default true) */
  public boolean readSshConfig() {
    return readSshConfig;
  }

  /** @return the OpenSSH client configuration file, if set; otherwise {@code ~/.ssh/config} if it exists */
  public Optional<Path> sshConfigFile() {
    return Optional.ofNullable(sshConfigFile);
  }

  /**
   * @return the known-hosts file, if set; otherwise the configuration's {@code UserKnownHostsFile}, then
   *     {@code ~/.ssh/known_hosts}
   */
  public Optional<Path> knownHostsFile() {
    return Optional.ofNullable(knownHostsFile);
  }

  /**
   * @return the host-key policy, if set; otherwise the configuration's {@code StrictHostKeyChecking}
   *     ({@code accept-new} means {@link HostKeyPolicy#ACCEPT_NEW}, anything else {@link
   *     HostKeyPolicy#STRICT}), then {@link HostKeyPolicy#STRICT}
   */
  public Optional<HostKeyPolicy> hostKeyPolicy() {
    return Optional.ofNullable(hostKeyPolicy);
  }

  /** @return the connect timeout, if set; otherwise {@code ConnectTimeout}, then 30 seconds */
  public Optional<Duration> connectTimeout() {
    return Optional.ofNullable(connectTimeout);
  }

  /**
   * @return how long a host's Nix may go without sending or taking a byte while nix-deploy waits on it,
   *     if set; otherwise 5 minutes. A host that stalls that long is cut off with an error saying so.
   */
  public Optional<Duration> progressTimeout() {
    return Optional.ofNullable(progressTimeout);
  }

  /**
   * @return the keep-alive interval, if set; otherwise {@code ServerAliveInterval}, then 15 seconds. A
   *     connection that misses three keep-alives in a row counts as lost. {@link Duration#ZERO} turns
   *     keep-alives off.
   */
  public Optional<Duration> serverAliveInterval() {
    return Optional.ofNullable(serverAliveInterval);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SshSettings s && identityFiles.equals(s.identityFiles)
        && Objects.equals(passphraseSource, s.passphraseSource) && useAgent == s.useAgent
        && Objects.equals(agentSocket, s.agentSocket) && readSshConfig == s.readSshConfig
        && Objects.equals(sshConfigFile, s.sshConfigFile) && Objects.equals(knownHostsFile, s.knownHostsFile)
        && hostKeyPolicy == s.hostKeyPolicy && Objects.equals(connectTimeout, s.connectTimeout)
        && Objects.equals(progressTimeout, s.progressTimeout)
        && Objects.equals(serverAliveInterval, s.serverAliveInterval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(identityFiles, passphraseSource, useAgent, agentSocket, readSshConfig, sshConfigFile,
        knownHostsFile, hostKeyPolicy, connectTimeout, progressTimeout, serverAliveInterval);
  }

  /** @return the settings, saying only whether a passphrase source is set */
  @Override
  public String toString() {
    return "SshSettings{identityFiles=" + identityFiles
        + ", passphraseSource=" + (passphraseSource == null ? "none" : "set")
        + ", useAgent=" + useAgent + (agentSocket == null ? "" : ", agentSocket=" + agentSocket)
        + ", sshConfig=" + (!readSshConfig ? "ignored" : sshConfigFile == null ? "default" : sshConfigFile)
        + (knownHostsFile == null ? "" : ", knownHostsFile=" + knownHostsFile)
        + (hostKeyPolicy == null ? "" : ", hostKeyPolicy=" + hostKeyPolicy)
        + (connectTimeout == null ? "" : ", connectTimeout=" + connectTimeout)
        + (progressTimeout == null ? "" : ", progressTimeout=" + progressTimeout)
        + (serverAliveInterval == null ? "" : ", serverAliveInterval=" + serverAliveInterval) + "}";
  }

  /** Builds {@link SshSettings}. Each method checks its argument and returns this builder. Not thread-safe. */
  public static final class Builder {
    private final List<Path> identityFiles = new ArrayList<>();
    private @Nullable PassphraseSource passphraseSource;
    private boolean useAgent = true;
    private @Nullable Path agentSocket;
    private boolean readSshConfig = true;
    private @Nullable Path sshConfigFile;
    private @Nullable Path knownHostsFile;
    private @Nullable HostKeyPolicy hostKeyPolicy;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration progressTimeout;
    private @Nullable Duration serverAliveInterval;

    private Builder() {}

    private Builder(SshSettings s) {
      identityFiles.addAll(s.identityFiles);
      passphraseSource = s.passphraseSource;
      useAgent = s.useAgent;
      agentSocket = s.agentSocket;
      readSshConfig = s.readSshConfig;
      sshConfigFile = s.sshConfigFile;
      knownHostsFile = s.knownHostsFile;
      hostKeyPolicy = s.hostKeyPolicy;
      connectTimeout = s.connectTimeout;
      progressTimeout = s.progressTimeout;
      serverAliveInterval = s.serverAliveInterval;
    }

    /**
     * Adds a private key file (ed25519, ecdsa or rsa, OpenSSH or PEM format) to offer, after those added
     * before. Whether it exists is checked when connecting.
     *
     * @param identityFile the private key file; its {@code .pub} companion is used if present
     * @return this
     */
    public Builder identityFile(Path identityFile) {
      Objects.requireNonNull(identityFile, "identityFile");
      if (identityFile.toString().isEmpty()) {
        throw new IllegalArgumentException("identityFile must not be an empty path");
      }
      identityFiles.add(identityFile);
      return this;
    }

    /**
     * @param passphraseSource asked for the passphrase of each encrypted identity file
     * @return this
     */
    public Builder passphraseSource(PassphraseSource passphraseSource) {
      this.passphraseSource = Objects.requireNonNull(passphraseSource, "passphraseSource");
      return this;
    }

    /**
     * @param useAgent whether to offer the keys of an ssh-agent after the identity files
     * @return this
     */
    public Builder useAgent(boolean useAgent) {
      this.useAgent = useAgent;
      return this;
    }

    /**
     * @param agentSocket the ssh-agent's Unix socket, instead of {@code SSH_AUTH_SOCK}
     * @return this
     */
    public Builder agentSocket(Path agentSocket) {
      this.agentSocket = Objects.requireNonNull(agentSocket, "agentSocket");
      return this;
    }

    /**
     * @param sshConfigFile an OpenSSH client configuration file to read instead of {@code ~/.ssh/config};
     *     it must exist when connecting
     * @return this
     */
    public Builder sshConfigFile(Path sshConfigFile) {
      this.sshConfigFile = Objects.requireNonNull(sshConfigFile, "sshConfigFile");
      this.readSshConfig = true;
      return this;
    }

    /**
     * Reads no OpenSSH client configuration at all.
     *
     * @return this
     */
    public Builder ignoreSshConfig() {
      this.sshConfigFile = null;
      this.readSshConfig = false;
      return this;
    }

    /**
     * @param knownHostsFile the known-hosts file to check host keys against (and to add keys to under
     *     {@link HostKeyPolicy#ACCEPT_NEW}); need not exist yet
     * @return this
     */
    public Builder knownHostsFile(Path knownHostsFile) {
      this.knownHostsFile = Objects.requireNonNull(knownHostsFile, "knownHostsFile");
      return this;
    }

    /**
     * @param hostKeyPolicy what to do with a host key the known-hosts file does not hold
     * @return this
     */
    public Builder hostKeyPolicy(HostKeyPolicy hostKeyPolicy) {
      this.hostKeyPolicy = Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
      return this;
    }

    /**
     * @param connectTimeout how long to wait for the TCP connection and the SSH handshake; positive and
     *     at most 24 days (whole milliseconds are used)
     * @return this
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checkMillis("connectTimeout", connectTimeout, false);
      return this;
    }

    /**
     * @param progressTimeout how long a host's Nix may go without sending or taking a byte while
     *     nix-deploy waits on it (an answer, or room for a request) before the host is cut off; positive and
     *     at most 24 days. Time in which nix-deploy waits on nothing does not count.
     * @return this
     */
    public Builder progressTimeout(Duration progressTimeout) {
      this.progressTimeout = checkMillis("progressTimeout", progressTimeout, false);
      return this;
    }

    /**
     * @param serverAliveInterval how often to send a keep-alive when the connection is idle; zero turns
     *     keep-alives off; at most 24 days
     * @return this
     */
    public Builder serverAliveInterval(Duration serverAliveInterval) {
      this.serverAliveInterval = checkMillis("serverAliveInterval", serverAliveInterval, true);
      return this;
    }

    private static Duration checkMillis(String name, Duration value, boolean zeroAllowed) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || (!zeroAllowed && value.isZero())) {
        throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "zero or positive" : "positive")
            + ", but was " + value);
      }
      if (value.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(name + " must be at most " + Duration.ofMillis(Integer.MAX_VALUE)
            + ", but was " + value);
      }
      if (!zeroAllowed && value.toMillis() == 0) {
        throw new IllegalArgumentException(name + " must be at least one millisecond, but was " + value);
      }
      return value;
    }

    /** @return the settings */
    public SshSettings build() {
      return new SshSettings(this);
    }
  }
}
