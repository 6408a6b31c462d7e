package dev.nixdeploy.internal.activation;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.LocalCommand;

/**
 * A system whose switch-to-configuration takes a while, says "slow activation halfway" on the way, then
 * leaves /run/SEED.done with its action.
 */
public final class SlowSystem {
  private SlowSystem() {}

  /** @return a system taking two seconds, one on each side of "halfway" */
  public static StorePath build(String seed) {
    return build(seed, 1, 1);
  }

  /** @return a system sleeping {@code before} seconds, saying "halfway", then sleeping {@code after} */
  public static StorePath build(String seed, int before, int after) {
    String expression = """
        let script = ''
        #!/bin/sh
        echo slow activation starts
        sleep %2$d
        echo slow activation halfway
        sleep %3$d
        echo "$1" > /run/%1$s.done
        echo slow activation done
        '';
        in builtins.derivation {
          name = "nixos-system-slow-%1$s";
          system = builtins.currentSystem;
          builder = "/bin/sh";
          PATH = "/usr/bin:/bin";
          inherit script;
          args = [ "-c" "mkdir -p $out/bin; printf '%%s' \\"$script\\" > $out/bin/switch-to-configuration; chmod 755 $out/bin/switch-to-configuration" ];
        }
        """.formatted(seed, before, after);
    String out = LocalCommand.of("nix-build", "--no-out-link", "--option", "substituters", "", "-E", expression)
        .run().orThrow().stdout().strip();
    return StorePath.parse(out);
  }
}
