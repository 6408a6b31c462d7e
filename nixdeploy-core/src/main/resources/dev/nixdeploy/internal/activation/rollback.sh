# nix-deploy: starts, as root, the rollback of the successful activation in run directory $1 (its hex
# id) of /run/nix-deploy, detached the way the activation was (activate.sh start-rollback); its outcome
# appears as the file "rollback" of that directory.
set -eu
id=$1
base=/run/nix-deploy
case $id in
  '' | *[!0-9a-f]*)
    echo "the run id must be hexadecimal: refusing" >&2
    exit 1 ;;
esac
dir=$base/$id
for d in "$base" "$dir"; do
  if [ -L "$d" ] || [ ! -d "$d" ] || [ "$(stat -c %u "$d")" != 0 ]; then
    echo "$d is not a directory owned by root: refusing to use it" >&2
    exit 1
  fi
done
if [ ! -f "$dir/activate.sh" ] || [ ! -f "$dir/.state" ]; then
  echo "$dir holds no activation to roll back (the host may have rebooted since)" >&2
  exit 1
fi
exec /bin/sh "$dir/activate.sh" "$dir" start-rollback
