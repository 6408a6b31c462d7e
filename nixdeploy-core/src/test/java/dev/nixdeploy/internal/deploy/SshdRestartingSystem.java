package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.LocalCommand;

/**
 * A system for hosts that boot systemd, whose switch-to-configuration does what a NixOS switch that
 * changes sshd's configuration does, and worse: it kills every process of {@code ssh.service} (the
 * listener and every session, the deployer's included) and starts it again, then finishes, leaves
 * /run/SEED.done with its action and points /run/current-system at itself.
 */
final class SshdRestartingSystem {
  private SshdRestartingSystem() {}

  static StorePath build(String seed) {
    String expression = """
        let script = ''
        echo "restarting sshd midway"
        systemctl kill --signal=KILL ssh.service
        systemctl restart ssh.service
        sleep 1
        ln -sfn "$system" /run/current-system
        echo "$1" > /run/%1$s.done
        echo "sshd restarted"
        '';
        in builtins.derivation {
          name = "nixos-system-sshd-restart-%1$s";
          system = builtins.currentSystem;
          builder = "/bin/sh";
          PATH = "/usr/bin:/bin";
          inherit script;
          args = [ "-c" "mkdir -p $out/bin; s=$out/bin/switch-to-configuration; { printf '#!/bin/sh\\\\nsystem=%%s\\\\n' $out; printf '%%s' \\"$script\\"; } > $s; chmod 755 $s" ];
        }
        """.formatted(seed);
    String out = LocalCommand.of("nix-build", "--no-out-link", "--option", "substituters", "", "-E", expression)
        .run().orThrow().stdout().strip();
    return StorePath.parse(out);
  }
}
