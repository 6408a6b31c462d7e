package dev.nixdeploy.internal.serve;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link RemoteCopyIT} against hosts on Debian trixie's Nix (2.26 when its root was built).
 */
@SandboxTest(hosts = 1, nix = SandboxNix.DEBIAN_TRIXIE)
class RemoteCopyOnTrixieIT extends RemoteCopyIT {}
