# nix-deploy: prints the host's monotonic clock in centiseconds (its uptime; the date where there is none),
# the clock the activation's watchdog measures the confirmation window with.
if [ -r /proc/uptime ] && read -r up _ </proc/uptime && [ "${up#*.}" != "$up" ]; then
  frac=${up#*.}
  echo $((${up%.*} * 100 + ${frac#0}))
else
  echo $(($(date +%s) * 100))
fi
