package dev.nixdeploy.internal.trust;

/**
 * The POSIX shell scripts key exchange runs as root on a host. Every value (paths, the key line, the
 * restart command) reaches them as a positional argument ({@code sh -c SCRIPT sh ARG...}), never as
 * script text. Exit codes other than 0 and 1 say what happened; see the constants.
 */
final class Scripts {
  /** The file changed between reading it and taking the lock: read again. */
  static final int CHANGED = 75;
  /** The file is a link into the Nix store (NixOS): it cannot be edited. */
  static final int READ_ONLY = 70;
  /** The line was added but the restart command failed. */
  static final int RESTART_FAILED = 71;
  /** The lock could not be taken in time. */
  static final int LOCKED = 73;

  /**
   * Cleanup on exit, and {@code lock FILE}: flock where it exists (Linux), else a lock directory
   * (macOS), waiting at most about two minutes either way.
   */
  private static final String PRELUDE = """
      set -eu
      tmp= tmpdir= lockdir=
      cleanup() {
        [ -z "$tmp" ] || rm -f "$tmp"
        [ -z "$tmpdir" ] || rm -rf "$tmpdir"
        [ -z "$lockdir" ] || rmdir "$lockdir"
      }
      trap cleanup EXIT
      lock() {
        if command -v flock >/dev/null 2>&1; then
          exec 9>>"$1"
          flock -w 120 9 || { echo "cannot lock $1 within 120 seconds" >&2; exit 73; }
        else
          i=0
          until mkdir "$1.d" 2>/dev/null; do
            i=$((i + 1))
            [ "$i" -lt 600 ] || { echo "cannot lock $1.d; remove it if no deployment runs" >&2; exit 73; }
            sleep 0.2
          done
          lockdir=$1.d
        fi
      }
      """;

  /**
   * Appends a line to nix.conf, atomically and under the lock, then runs the restart command.
   * Arguments: the file, the line, {@code yes} if the caller saw the file (its exact bytes then come on
   * standard input) or {@code no} if it saw none, then the restart command's argv (may be empty). Under the
   * lock it checks that the file is still what the caller saw, else exits {@value #CHANGED}; the caller
   * reads again and decides again, so concurrent deployments add one line.
   */
  static final String APPEND_LINE = PRELUDE + """
      conf=$1 line=$2 seen=$3
      shift 3
      file=$conf
      if [ -L "$conf" ]; then
        file=$(readlink -f "$conf") || { echo "$conf is a dangling link" >&2; exit 1; }
      fi
      case "$file" in
        /nix/store/*) echo "$conf is a link into the Nix store ($file)" >&2; exit 70 ;;
      esac
      dir=$(dirname "$file")
      mkdir -p "$dir"
      lock "$dir/.nix-deploy.lock"
      if [ "$seen" = yes ]; then
        [ -f "$file" ] && cmp -s - "$file" || exit 75
      else
        [ ! -e "$file" ] || exit 75
      fi
      umask 077
      tmp=$(mktemp "$dir/.nix.conf.nix-deploy.XXXXXX")
      if [ "$seen" = yes ]; then
        cat "$file" >"$tmp"
        # The last line may lack its line break.
        if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then echo >>"$tmp"; fi
        if owner=$(stat -c '%u:%g' "$file" 2>/dev/null); then
          mode=$(stat -c '%a' "$file")
        else
          owner=$(stat -f '%u:%g' "$file")
          mode=$(stat -f '%Lp' "$file")
        fi
      else
        owner=0:0 mode=644
      fi
      printf '%s\\n' "$line" >>"$tmp"
      chown "$owner" "$tmp"
      chmod "$mode" "$tmp"
      mv -f "$tmp" "$file"
      tmp=
      if [ $# -gt 0 ]; then
        # Without the lock's descriptor: a daemon started by the command would hold the lock forever.
        "$@" 9>&- || { echo "restart command failed: $*" >&2; exit 71; }
      fi
      """;

  /**
   * Generates the host's key pair if its secret key file does not exist, under the lock. Arguments:
   * nix-store's path, the secret key file, the public key file, the key name. Prints {@code generated} if
   * it generated one. The secret is written with umask 077, root-owned, mode 0600, and moved into place
   * after the public key, so that a secret key file never exists without its public key.
   */
  static final String GENERATE_KEY = PRELUDE + """
      nixstore=$1 sec=$2 pub=$3 name=$4
      dir=$(dirname "$sec")
      mkdir -p "$dir"
      lock "$dir/.nix-deploy.lock"
      [ ! -e "$sec" ] || exit 0
      umask 077
      tmpdir=$(mktemp -d "$dir/.signing-key.nix-deploy.XXXXXX")
      "$nixstore" --generate-binary-cache-key "$name" "$tmpdir/secret" "$tmpdir/public" 9>&-
      chown 0:0 "$tmpdir/secret" "$tmpdir/public"
      chmod 600 "$tmpdir/secret"
      chmod 644 "$tmpdir/public"
      mv -f "$tmpdir/public" "$pub"
      mv -f "$tmpdir/secret" "$sec"
      echo generated
      """;

  private Scripts() {}
}
