package dev.nixdeploy.internal.trust;

import dev.nixdeploy.sandbox.SandboxNix;
import dev.nixdeploy.sandbox.SandboxTest;

/**
 * Every test of {@link KeyExchangeIT} against hosts on Debian trixie's Nix (2.26 when its root was built),
 * the receiving side of --from included.
 */
@SandboxTest(hosts = 2, nix = SandboxNix.DEBIAN_TRIXIE)
class KeyExchangeOnTrixieIT extends KeyExchangeIT {}
