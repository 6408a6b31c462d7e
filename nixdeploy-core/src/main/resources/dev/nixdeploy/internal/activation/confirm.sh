# nix-deploy: confirms the activation in run directory $1 by renaming its token to confirm/confirmed.
# The watchdog takes the same token away when the window closes; a rename succeeds once, so exactly one
# of the two wins. Exit code 0: confirmed (now, or by an earlier try); 3: too late, the host rolls back.
dir=$1
mv -- "$dir/confirm/token" "$dir/confirm/confirmed" 2>/dev/null && exit 0
[ -e "$dir/confirm/confirmed" ] && exit 0
if [ ! -e "$dir/confirm/token" ]; then
  echo "the confirmation window has closed" >&2
  exit 3
fi
echo "cannot rename $dir/confirm/token" >&2
exit 1
