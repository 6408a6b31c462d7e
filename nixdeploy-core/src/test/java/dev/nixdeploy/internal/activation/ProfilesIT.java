package dev.nixdeploy.internal.activation;

import static dev.nixdeploy.internal.activation.ActivationHosts.connect;
import static dev.nixdeploy.internal.activation.ActivationHosts.copyAsRoot;
import static dev.nixdeploy.internal.activation.ActivationHosts.seed;
import static dev.nixdeploy.internal.activation.ActivationHosts.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.PrivilegeException;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.Transport;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxTest;
import dev.nixdeploy.sandbox.SandboxUsers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Path deploys with a profile: nix-env --set on the host, as the login user or as root. */
@SandboxTest
class ProfilesIT {
  private static SandboxHosts hosts;
  private static SandboxHost host;
  private static SshSettings ssh;

  @BeforeAll
  static void startHost(SandboxHosts sandbox) {
    hosts = sandbox;
    host = hosts.host(0);
    ssh = hosts.sshSettings();
  }

  @Test
  void aProfileInTheSystemDirectoryIsSetAsRootThroughSudo() {
    String seed = seed("profile");
    SampleClosures.Chain one = SampleClosures.chain(seed + "-1");
    SampleClosures.Chain two = SampleClosures.chain(seed + "-2");
    copyAsRoot(host, ssh, one.app(), two.app());

    try (Transport t = connect(host, ssh, SandboxUsers.ADMIN)) {
      ProfileUpdate first = Profiles.set(t, one.app(), seed, Profiles.DEFAULT_DIRECTORY, false, null);
      ProfileUpdate second = Profiles.set(t, two.app(), seed, Profiles.DEFAULT_DIRECTORY + "/", true, null);

      assertThat(first.profile()).isEqualTo("/nix/var/nix/profiles/" + seed);
      assertThat(first.generationBefore()).isEmpty();
      assertThat(first.generationAfter()).isEqualTo(1);
      assertThat(second.generationBefore()).hasValue(1);
      assertThat(second.generationAfter()).isEqualTo(2);
    }
    assertThat(target(host, "/nix/var/nix/profiles/" + seed)).isEqualTo(two.app().path());
  }

  @Test
  void aUserWithoutSudoSetsAProfileItMayWriteAndIsRefusedOneItMayNot() {
    String seed = seed("userprofile");
    SampleClosures.Chain chain = SampleClosures.chain(seed);
    copyAsRoot(host, ssh, chain.app());
    String dir = "/home/deploy/.local/state/nix/profiles";

    try (Transport t = connect(host, ssh, SandboxUsers.DEPLOY)) {
      ProfileUpdate u = Profiles.set(t, chain.app(), seed, dir, false, null);

      assertThat(u.generationAfter()).isEqualTo(1);
      assertThatThrownBy(() -> Profiles.set(t, chain.app(), seed, Profiles.DEFAULT_DIRECTORY, false, null))
          .isInstanceOf(PrivilegeException.class);
      // No part of this directory exists: the nearest existing one is /, which deploy may not write.
      assertThatThrownBy(() -> Profiles.set(t, chain.app(), seed, "/no-such-top-" + seed + "/profiles", false,
          null)).isInstanceOf(PrivilegeException.class);
    }
    assertThat(target(host, dir + "/" + seed)).isEqualTo(chain.app().path());
    assertThat(host.exec("stat", "-c", "%U", dir + "/" + seed + "-1-link").orThrow().stdout().strip())
        .isEqualTo(SandboxUsers.DEPLOY);
    assertThat(target(host, Profiles.DEFAULT_DIRECTORY + "/" + seed)).isEmpty();
  }

  @Test
  void hostileNamesAndDirectoriesAreRefusedBeforeConnecting() {
    SampleClosures.Chain chain = SampleClosures.chain(seed("hostile"));
    try (Transport t = connect(host, ssh, SandboxUsers.ROOT)) {
      for (String name : new String[] {"../etc", "a/b", "..", "-rf", "x y", "$(id)", ""}) {
        assertThatThrownBy(() -> Profiles.set(t, chain.app(), name, Profiles.DEFAULT_DIRECTORY, false, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("profileName");
      }
      for (String dir : new String[] {"relative", "/nix/../etc", "/a/./b", "/a b", "/-x", "//"}) {
        assertThatThrownBy(() -> Profiles.set(t, chain.app(), "ok", dir, false, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("profilePath");
      }
    }
  }
}
