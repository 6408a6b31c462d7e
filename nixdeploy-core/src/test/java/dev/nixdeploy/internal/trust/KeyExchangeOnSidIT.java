package dev.nixdeploy.internal.trust;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link KeyExchangeIT} against hosts on Debian sid's Nix (2.34 when its root was built), the
 * receiving side of --from included.
 */
@SandboxTest(hosts = 2, nix = SandboxNix.DEBIAN_SID)
class KeyExchangeOnSidIT extends KeyExchangeIT {}
