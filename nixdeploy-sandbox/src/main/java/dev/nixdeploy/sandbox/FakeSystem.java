package dev.nixdeploy.sandbox;

/**
 * How a fake NixOS system built by {@link SampleClosures#fakeSystem} behaves when its
 * {@code bin/switch-to-configuration ACTION} runs on a sandbox host.
 *
 * <p>Every variant first refuses with exit code 1, recording nothing, when {@code /etc/NIXOS} is missing,
 * when it is not on a sandbox host, or when {@code ACTION} is not one of {@code switch}, {@code boot},
 * {@code test} and {@code dry-activate}. Otherwise it records the run (see {@link Activation} and
 * {@link SandboxHost#activations()}), then, for {@code switch} and {@code test} (which activate now),
 * points {@code /run/current-system} at itself (as NixOS's activation script does, failing or not),
 * changes ssh access of {@link SandboxUsers#DEPLOY} as described, and exits with {@link #exitCode()}.
 */
public enum FakeSystem {
  /** Activates: exit code 0. Gives back ssh access that a {@link #LOCKING_OUT_DEPLOY} system took. */
  WORKING(0),
  /** Activation fails: exit code 2. Gives back ssh access like {@link #WORKING}. */
  FAILING(2),
  /**
   * Some units failed to start, the system is switched anyway (partial success): exit code 4. Gives back
   * ssh access like {@link #WORKING}.
   */
  PARTIALLY_FAILING(4),
  /** Switched, but the init interface changed and a reboot is needed: exit code 100. */
  NEEDS_REBOOT(100),
  /**
   * A broken configuration: exit code 0, but sshd refuses every new connection of
   * {@link SandboxUsers#DEPLOY} (a {@code DenyUsers} drop-in, then sshd reloads). Connections already open
   * stay open. Activating any other variant gives access back: the rollback case.
   */
  LOCKING_OUT_DEPLOY(0);

  private final int exitCode;

  FakeSystem(int exitCode) {
    this.exitCode = exitCode;
  }

  /** @return what {@code switch-to-configuration} exits with after recording an accepted action */
  public int exitCode() {
    return exitCode;
  }
}
