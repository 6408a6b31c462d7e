package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link PullIntoCheckingStoreIT} against hosts on Debian sid's Nix (2.34 when its root was
 * built): the host pulled from and the store that pulls.
 */
@SandboxTest(hosts = 2, nix = SandboxNix.DEBIAN_SID)
class PullIntoCheckingStoreOnSidIT extends PullIntoCheckingStoreIT {}
