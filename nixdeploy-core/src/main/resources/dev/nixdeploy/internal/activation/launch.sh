# nix-deploy: makes a private run directory for one activation, writes the activation script and its
# arguments into it, and starts the script detached from this ssh session (systemd-run where systemd
# runs, else setsid), then returns at once.
# Arguments: run id (hex), login user, the activation script, then the activation's own arguments: action,
# system, profile, bootloader, rollback, confirm, strict (see activate.sh).
# systemd expands $VARIABLES in the command lines of its units, so the command line names only files of
# the run directory; the script and every argument reach the activation through those files.
set -eu
id=$1 user=$2 script=$3
shift 3
base=/run/nix-deploy
case $id in
  '' | *[!0-9a-f]*)
    echo "the run id must be hexadecimal: refusing" >&2
    exit 1 ;;
esac
if [ $# -ne 7 ]; then
  echo "the activation takes 7 arguments, not $#" >&2
  exit 1
fi
newline='
'
for value in "$user" "$@"; do
  case $value in
    *"$newline"*)
      echo "an argument of the activation holds a line break: refusing" >&2
      exit 1 ;;
  esac
done
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
  launcher=systemd-run
else
  launcher=setsid
fi
# Root's alone (umask 077): what runs, and with what.
printf '%s' "$script" >"$dir/activate.sh"
printf '%s\n' "owner=$user" "action=$1" "system=$2" "profile=$3" "bootloader=$4" "rollback=$5" \
  "confirm=$6" "strict=$7" "launcher=$launcher" "id=$id" >"$dir/arguments"
if [ "$launcher" = systemd-run ]; then
  systemd-run --quiet --collect --no-ask-password --unit="nix-deploy-activation-$id" --service-type=exec \
    -- /bin/sh "$dir/activate.sh" "$dir"
else
  setsid /bin/sh "$dir/activate.sh" "$dir" </dev/null >/dev/null 2>&1 &
fi
echo "$launcher"
