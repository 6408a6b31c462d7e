# nix-deploy: makes a private run directory for one activation and starts the activation in it, detached
# from this ssh session (systemd-run where systemd runs, else setsid), then returns at once.
# Arguments: run id, login user, the activation script, then the activation's own arguments.
set -eu
id=$1 user=$2 script=$3
shift 3
base=/run/nix-deploy
umask 077
mkdir -p "$base"
if [ -L "$base" ] || [ ! -d "$base" ] || [ "$(stat -c %u "$base")" != 0 ]; then
  echo "$base is not a directory owned by root: refusing to use it" >&2
  exit 1
fi
# Anyone may pass through to a run directory whose random name they know; nobody but root lists them.
chmod 0711 "$base"
dir=$base/$id
# Root's and writable by root alone, so the login user cannot swap the files root writes. The login user
# alone may read: it owns log and the result files (mode 0600, written by root through the existing inode
# or renamed into place), and owns confirm/, where it confirms by renaming the token root leaves there.
mkdir -m 0711 "$dir"
: >"$dir/log"
chown "$user" "$dir/log"
chmod 0600 "$dir/log"
mkdir -m 0700 "$dir/confirm"
: >"$dir/confirm/token"
chown "$user" "$dir/confirm"
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
  systemd-run --quiet --collect --no-ask-password --unit="nix-deploy-activation-$id" --service-type=exec \
    -- /bin/sh -c "$script" nix-deploy-activate "$dir" "$user" "$@"
  echo systemd-run
else
  setsid /bin/sh -c "$script" nix-deploy-activate "$dir" "$user" "$@" </dev/null >/dev/null 2>&1 &
  echo setsid
fi
