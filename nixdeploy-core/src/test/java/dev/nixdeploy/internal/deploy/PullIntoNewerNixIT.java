package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link PullIntoCheckingStoreIT} with the pulling side's store on a newer Nix than the host
 * pulled from: sandbox-0 runs this machine's Nix 2.8, sandbox-1 (the receiving store) Debian sid's.
 */
@SandboxTest(hosts = 2, nix = {SandboxNix.MACHINE, SandboxNix.DEBIAN_SID})
class PullIntoNewerNixIT extends PullIntoCheckingStoreIT {}
