package dev.nixdeploy.sandbox;

import java.util.Optional;

/**
 * Which Nix a sandbox host runs. {@link #MACHINE} is this machine's own Nix (Debian 12's {@code nix-bin},
 * Nix 2.8); the others run the Nix of a newer Debian release from a root file system that
 * {@code scripts/sandbox-roots} builds once and caches: the host then lives in a chroot of (an overlay
 * of) that root, inside its own namespaces, with its own {@code /nix}, {@code /etc}, nix-daemon and sshd,
 * exactly as a {@link #MACHINE} host does.
 *
 * <pre>{@code
 * @SandboxTest(nix = SandboxNix.DEBIAN_SID)
 * class CopyToNewestNixIT { ... }
 *
 * try (SandboxHosts hosts = SandboxHosts.start(List.of(SandboxNix.MACHINE, SandboxNix.DEBIAN_SID))) { ... }
 * }</pre>
 *
 * <p>The exact version a host runs is {@link SandboxHost#nixVersion()}: Debian's archive moves, sid
 * especially.
 */
public enum SandboxNix {
  /** This machine's Nix, from its own {@code /usr/bin}: Debian 12's Nix 2.8. */
  MACHINE(null),
  /** Debian 13 (trixie)'s Nix, 2.26 when the root was built. */
  DEBIAN_TRIXIE("trixie"),
  /** Debian unstable (sid)'s Nix, 2.34 when the root was built. */
  DEBIAN_SID("sid");

  private final String suite;

  SandboxNix(String suite) {
    this.suite = suite;
  }

  /** @return the Debian suite whose root the host runs in; empty for {@link #MACHINE} */
  public Optional<String> suite() {
    return Optional.ofNullable(suite);
  }
}
