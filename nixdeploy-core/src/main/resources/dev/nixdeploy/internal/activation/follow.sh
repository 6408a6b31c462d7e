# nix-deploy: prints a run's log from byte $2 on while it grows, until file $3 of the run exists.
dir=$1 offset=$2 until=$3
while :; do
  if [ -e "$dir/$until" ]; then last=1; else last=0; fi
  size=$(($(wc -c <"$dir/log"))) || exit 1
  if [ "$size" -gt "$offset" ]; then
    tail -c +"$((offset + 1))" "$dir/log" | head -c "$((size - offset))"
    offset=$size
  fi
  [ "$last" = 1 ] && exit 0
  sleep 0.2
done
