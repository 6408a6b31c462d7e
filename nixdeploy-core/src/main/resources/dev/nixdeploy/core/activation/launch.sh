# nix-deploy: makes a private run directory for one activation and starts the activation in it, detached
# from this ssh session (systemd-run where systemd runs, else setsid), then returns at once.
# Arguments: run id, login user, the activation script, then the activation's own arguments.
set -eu
id=$1 user=$2 script=$3
shift 3
base=/run/nix-deploy
umask 022
mkdir -p "$base"
if [ -L "$base" ] || [ "$(stat -c %u "$base")" != 0 ]; then
  echo "$base is not a directory owned by root: refusing to use it" >&2
  exit 1
fi
chmod 0755 "$base"
dir=$base/$id
group=$(id -g "$user")
# Root's, readable by the login user's group (log and results), writable by nobody else; the login user
# owns confirm/ alone, where it confirms over a new connection.
mkdir -m 0700 "$dir"
: >"$dir/log"
chgrp "$group" "$dir" "$dir/log"
chmod 0750 "$dir"
chmod 0640 "$dir/log"
mkdir -m 0700 "$dir/confirm"
chown "$user:$group" "$dir/confirm"
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
  systemd-run --quiet --collect --no-ask-password --unit="nix-deploy-activation-$id" --service-type=exec \
    -- /bin/sh -c "$script" nix-deploy-activate "$dir" "$group" "$@"
  echo systemd-run
else
  setsid /bin/sh -c "$script" nix-deploy-activate "$dir" "$group" "$@" </dev/null >/dev/null 2>&1 &
  echo setsid
fi
