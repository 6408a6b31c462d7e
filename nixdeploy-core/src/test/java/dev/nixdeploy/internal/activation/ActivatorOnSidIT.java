package dev.nixdeploy.internal.activation;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link ActivatorIT} against hosts on Debian sid's Nix (2.34 when its root was built).
 */
@SandboxTest(hosts = 1, nix = SandboxNix.DEBIAN_SID)
class ActivatorOnSidIT extends ActivatorIT {}
