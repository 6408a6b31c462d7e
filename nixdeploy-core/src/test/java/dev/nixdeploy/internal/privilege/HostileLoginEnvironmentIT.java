package dev.nixdeploy.internal.privilege;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.RunAs;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login user who controls its own {@code PATH} (here through {@code ~/.bashrc}, which bash reads for
 * every ssh command) puts a {@code nix-store}, a {@code nix} and a {@code sudo} of its own first on it. Code
 * the login user can write must never run as root, and the sudo password must never reach a program it
 * placed: the key exchange (as root: nix.conf, daemon restart) and a profile set as root run the system's
 * programs. Before root's programs were resolved in system locations, root ran the planted ones.
 */
@SandboxTest
class HostileLoginEnvironmentIT {
  /**
   * Each planted program notes who ran it; the Nix ones then run the real program (as the login user that
   * is the user's own business), the sudo keeps what it is given on standard input (a password thief).
   */
  private static final String PLANTED = """
      #!/bin/sh
      name=$(basename "$0")
      echo "$name as $(id -u)" >> /tmp/planted-ran
      [ "$name" = sudo ] || exec "/usr/bin/$name" "$@"
      cat >> /tmp/planted-stdin
      exit 1
      """;
  private static SandboxHosts hosts;
  private static SandboxHost host;
  @TempDir static Path dir;

  @BeforeAll
  static void plant(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    for (String user : new String[] {SandboxUsers.ADMIN, SandboxUsers.OPERATOR}) {
      host.execAs(user, "sh", "-c", "mkdir -p ~/evil && for p in nix-store nix nix-env sudo; do"
          + " printf %s \"$1\" > ~/evil/$p && chmod 755 ~/evil/$p; done"
          + " && { echo 'export PATH=$HOME/evil:$PATH'; cat ~/.bashrc 2>/dev/null; } > ~/.bashrc.new"
          + " && mv ~/.bashrc.new ~/.bashrc", "sh", PLANTED).orThrow();
      // The planted programs really come first for commands over ssh.
      assertThat(host.ssh(user, "command -v nix-store sudo").run().orThrow()
          .stdout()).contains("/evil/nix-store", "/evil/sudo");
    }
    host.exec("sh", "-c", "touch /tmp/planted-ran /tmp/planted-stdin && chmod 666 /tmp/planted-ran"
        + " /tmp/planted-stdin").orThrow();
  }

  private static Path keyFile() {
    Path secret = dir.resolve(UUID.randomUUID() + "/signing-key.sec");
    SigningKeyPair.generate("hostile-env-" + UUID.randomUUID()).store(secret, secret.resolveSibling("signing-key.pub"));
    return secret;
  }

  @Test
  void passwordlessSudoRunsTheSystemsProgramsAsRoot() {
    String seed = "hostile-env-admin-" + UUID.randomUUID().toString().substring(0, 8);
    SampleClosures.Chain chain = SampleClosures.chain(seed);

    Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(keyFile()).build()
        .deployTo(host.destination(SandboxUsers.ADMIN)).ensureKeys().copy(chain.app())
        .profile(seed, ActivationOptions.SYSTEM_PROFILES_DIR, RunAs.ROOT).deploy();

    assertThat(chain.closure()).allMatch(host::isValid);
    assertThat(host.exec("cat", "/tmp/planted-ran").orThrow().stdout()).doesNotContain(" as 0");
  }

  @Test
  void theSudoPasswordNeverReachesAPlantedProgram() {
    String seed = "hostile-env-operator-" + UUID.randomUUID().toString().substring(0, 8);
    SampleClosures.Chain chain = SampleClosures.chain(seed);

    Deployer.builder().ssh(hosts.sshSettings()).signingKeyFile(keyFile())
        .sudoPasswords((h, u) -> SandboxUsers.OPERATOR_PASSWORD.toCharArray()).build()
        .deployTo(host.destination(SandboxUsers.OPERATOR)).ensureKeys().copy(chain.app())
        .profile(seed, ActivationOptions.SYSTEM_PROFILES_DIR, RunAs.ROOT).deploy();

    assertThat(chain.closure()).allMatch(host::isValid);
    assertThat(host.exec("cat", "/tmp/planted-ran").orThrow().stdout()).doesNotContain(" as 0");
    assertThat(host.exec("cat", "/tmp/planted-stdin").orThrow().stdout())
        .doesNotContain(SandboxUsers.OPERATOR_PASSWORD);
  }
}
