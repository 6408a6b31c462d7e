package dev.nixdeploy.sandbox;

import java.util.Locale;
import java.util.regex.Pattern;

/** The Nix expressions behind {@link SampleClosures}: derivations built by /bin/sh, offline. */
final class NixExpressions {
  private static final Pattern SEED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Where the file that drops deploy from sshd lives inside a host. */
  static final String DENY_DEPLOY = "/etc/ssh/sshd_config.d/90-sandbox-deny-deploy.conf";

  // mk NAME SCRIPT ATTRS: a derivation whose builder is /bin/sh -c SCRIPT, with coreutils on PATH.
  private static final String PRELUDE = """
      let
        mk = name: script: attrs: builtins.derivation ({
          inherit name;
          system = builtins.currentSystem;
          builder = "/bin/sh";
          args = [ "-c" script ];
          PATH = "/usr/bin:/bin";
        } // attrs);
      in
      """;

  private NixExpressions() {}

  /**
   * @return the seed, if it may be part of a store path name
   * @throws IllegalArgumentException if not: 1 to 64 of letters, digits, {@code . _ -}, starting with a
   *     letter or digit
   */
  static String checkSeed(String seed) {
    if (!SEED.matcher(seed).matches()) {
      throw new IllegalArgumentException("seed must be 1 to 64 letters, digits, '.', '_' or '-', starting"
          + " with a letter or digit: \"" + seed + "\"");
    }
    return seed;
  }

  /** @return an expression for the list {@code [ app lib-b lib-a ]}, each referencing the next */
  static String chain(String seed) {
    checkSeed(seed);
    return PRELUDE + """
        let
          libA = mk "sample-lib-a-%1$s" "echo lib-a %1$s > $out" { };
          libB = mk "sample-lib-b-%1$s" "echo lib-b %1$s $dep > $out" { dep = libA; };
          app = mk "sample-app-%1$s" "echo app %1$s $dep > $out" { dep = libB; };
        in [ app libB libA ]
        """.formatted(seed);
  }

  /** @return an expression for one path referencing {@code files} small files made at evaluation */
  static String wide(String seed, int files) {
    checkSeed(seed);
    return PRELUDE + """
        let
          files = builtins.genList
            (i: builtins.toFile "sample-wide-%1$s-${toString i}" "%1$s ${toString i}\\n") %2$d;
        in mk "sample-wide-%1$s" "read -r paths < \\"$pathsPath\\"; echo \\"$paths\\" > $out" {
          paths = files;
          passAsFile = [ "paths" ];
        }
        """.formatted(seed, files);
  }

  /** @return an expression for one file of {@code mebibytes} MiB of random bytes */
  static String ofSize(String seed, int mebibytes) {
    checkSeed(seed);
    return PRELUDE + """
        mk "sample-%2$dMiB-%1$s" "head -c %3$d /dev/urandom > $out" { }
        """.formatted(seed, mebibytes, mebibytes * 1024L * 1024L);
  }

  /**
   * @return an expression for a system: {@code bin/switch-to-configuration}, {@code nixos-version} and
   *     {@code etc}, a link to a second path
   */
  static String fakeSystem(String seed, FakeSystem kind) {
    checkSeed(seed);
    String variant = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String builder = """
        mkdir -p $out/bin
        echo sandbox-%s > $out/nixos-version
        ln -s "$etc" $out/etc
        s=$out/bin/switch-to-configuration
        { printf '#!/bin/sh\\nsystem=%%s\\n' "$out"; printf '%%s' "$script"; } > $s
        chmod 755 $s
        """.formatted(seed);
    return PRELUDE + """
        mk "nixos-system-sandbox-%1$s-%2$s" "%3$s" {
          script = "%4$s";
          etc = mk "sample-etc-%1$s" "echo etc of sandbox-%1$s > $out" { };
        }
        """.formatted(seed, variant, nixString(builder), nixString(switchToConfiguration(kind)));
  }

  /** The body of a fake system's switch-to-configuration, after the line that sets {@code $system}. */
  static String switchToConfiguration(FakeSystem kind) {
    StringBuilder environment = new StringBuilder();
    for (String variable : Activation.RECORDED_VARIABLES) {
      environment.append("""
          [ -n "${%1$s+set}" ] && record="$record$(printf '\\tenv.%1$s=%%s' "$%1$s")"
          """.formatted(variable));
    }
    String access = kind == FakeSystem.LOCKING_OUT_DEPLOY
        ? "echo 'DenyUsers " + SandboxUsers.DEPLOY + "' > " + DENY_DEPLOY + "\n    systemctl reload sshd"
        : "if [ -e " + DENY_DEPLOY + " ]; then rm -f " + DENY_DEPLOY + "; systemctl reload sshd; fi";
    return """
        # A fake NixOS system (%1$s) for sandbox hosts: records its activation, then ends as its variant says.
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        state=%2$s
        if [ ! -e /etc/NIXOS ]; then
          echo "switch-to-configuration: /etc/NIXOS is missing: this is not a NixOS system" >&2
          exit 1
        fi
        if [ ! -d "$state" ]; then
          echo "switch-to-configuration: this fake system runs on sandbox hosts only" >&2
          exit 1
        fi
        action=${1-}
        case "$action" in
          switch | boot | test | dry-activate) shift ;;
          *) echo "Usage: switch-to-configuration [switch|boot|test|dry-activate]" >&2; exit 1 ;;
        esac
        record=$(printf 'system=%%s\\taction=%%s\\targs=%%s\\tuser=%%s' "$system" "$action" "$*" "$(id -un)")
        %3$sprintf '%%s\\n' "$record" >>"$state/activations.log" || exit 1
        case "$action" in
          switch | test)
            # As NixOS's activation script does, before anything can fail.
            ln -sfn "$system" /run/current-system
            %4$s ;;
        esac
        exit %5$d
        """.formatted(kind, HostConfigs.STATE_DIR, environment, access, kind.exitCode());
  }

  /** @return {@code text} as the body of a Nix double-quoted string */
  static String nixString(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${").replace("\n", "\\n");
  }
}
