# nix-deploy: activates a NixOS system as root, detached from the ssh session that started it, so that
# an sshd or network restart during the switch cannot stop it halfway.
# Arguments: run directory, login user (who alone may read the results), action, system, profile,
# install bootloader (0|1), roll back on failure (0|1), seconds to wait for a confirmation (0: none), exit
# code 4 is a failure (0|1).
# Run directory: log (all output), activation (key=value, once the activation and any rollback are
# over), watchdog (key=value, once confirmed or rolled back), confirm/token (renamed to confirm/confirmed
# by the login user over a new ssh connection, or taken away to expired by the watchdog), .verdict
# (root's own copy of the outcome, for the watchdog).
set -u
dir=$1 owner=$2 action=$3 system=$4 profile=$5 bootloader=$6 rollback=$7 confirm=$8 strict=$9
exec >>"$dir/log" 2>&1 </dev/null
umask 022
PATH=/run/current-system/sw/bin:/nix/var/nix/profiles/default/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

say() { printf 'nix-deploy: %s\n' "$*"; }

# Writes its further arguments as lines of file $1 of the run directory, atomically, readable by the login
# user alone: made in root's directory, handed to that user with mode 0600, then renamed into place.
publish() {
  name=$1
  shift
  (umask 077 && printf '%s\n' "$@" >"$dir/.$name.tmp") && chown "$owner" "$dir/.$name.tmp" \
    && chmod 0600 "$dir/.$name.tmp" && mv -f "$dir/.$name.tmp" "$dir/$name"
}

# Prints a monotonic clock in centiseconds: the uptime (no clock change moves it), else the date.
now() {
  if [ -r /proc/uptime ] && read -r up _ </proc/uptime && [ "${up#*.}" != "$up" ]; then
    frac=${up#*.}
    echo $((${up%.*} * 100 + ${frac#0}))
  else
    echo $(($(date +%s) * 100))
  fi
}

# Prints the generation number profile $1 points to, nothing if none.
generation() {
  link=$(readlink "$1" 2>/dev/null) || return 0
  link=${link##*/}
  link=${link%-link}
  n=${link##*-}
  case $n in '' | *[!0-9]*) ;; *) echo "$n" ;; esac
}

# Runs system $1's switch-to-configuration with action $2, NIXOS_INSTALL_BOOTLOADER=1 if $3 is 1.
run_switch() {
  say "running $1/bin/switch-to-configuration $2"
  if [ "$3" = 1 ]; then
    env NIXOS_INSTALL_BOOTLOADER=1 "$1/bin/switch-to-configuration" "$2"
  else
    "$1/bin/switch-to-configuration" "$2"
  fi
}

rb_reason='' rb_generation='' rb_system='' rb_exit=-1
# Returns to the previous system: the profile to the generation before (if this run set it), then the
# previous system's switch-to-configuration with the same action.
roll_back() {
  rb_reason=$1
  say "rolling back: $1"
  if [ "$set_profile" = 1 ]; then
    if [ -n "$before" ] && nix-env -p "$profile" --switch-generation "$before"; then
      rb_generation=$before
    else
      say "cannot return $profile to a generation before ${after:-the new one}"
    fi
  fi
  rb_system=$previous
  if [ -n "$rb_system" ]; then
    run_switch "$rb_system" "$action" 0
    rb_exit=$?
    say "previous system's switch-to-configuration $action exited with $rb_exit"
  else
    say "no previous system is known: nothing to re-activate"
  fi
}

# Waits for the activation to end, then for the confirmation until the deadline main set (on the
# monotonic clock); rolls back without one. The decision is one rename: whoever takes confirm/token
# first, the login user (confirming) or this watchdog (expiring it), wins.
watchdog() {
  main=$$
  while [ ! -e "$dir/.verdict" ]; do
    if ! kill -0 "$main" 2>/dev/null; then
      roll_back "the activation stopped without a result"
      publish watchdog "outcome=rolled-back" "reason=$rb_reason" "generation=$rb_generation" \
        "system=$rb_system" "exit=$rb_exit"
      publish activation "exit=-1" "before=$before" "after=$after" "watchdog=armed" \
        "error=the activation stopped without a result, and the watchdog rolled back"
      return
    fi
    sleep 0.2
  done
  read -r verdict deadline <"$dir/.verdict"
  if [ "$verdict" != ok ]; then
    publish watchdog "outcome=not-needed"
    return
  fi
  while [ ! -e "$dir/confirm/confirmed" ] && [ "$(now)" -lt "$deadline" ]; do
    sleep 0.2
  done
  if ! mv -- "$dir/confirm/token" "$dir/expired" 2>/dev/null && [ -e "$dir/confirm/confirmed" ]; then
    say "confirmed over a new connection"
    publish watchdog "outcome=confirmed"
    return
  fi
  roll_back "not confirmed over a new ssh connection within ${confirm}s"
  publish watchdog "outcome=rolled-back" "reason=$rb_reason" "generation=$rb_generation" \
    "system=$rb_system" "exit=$rb_exit"
}

# One activation at a time per host; the lock is held until the watchdog is done too.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${dir%/*}/lock"
  if ! flock -n 9; then
    say "another activation is running on this host"
    publish activation "exit=-1" "error=another activation is running on this host; try again when it ends"
    exit 1
  fi
fi

before='' after='' previous='' set_profile=0
[ -n "$profile" ] && before=$(generation "$profile")
case $action in
  switch | boot) [ -n "$before" ] && previous=$(readlink -f "$profile") ;;
  test)
    if [ -e /run/current-system ]; then
      previous=$(readlink -f /run/current-system)
    elif [ -n "$profile" ] && [ -e "$profile" ]; then
      previous=$(readlink -f "$profile")
    fi ;;
esac

if [ "$action" = switch ] || [ "$action" = boot ]; then
  mkdir -p "${profile%/*}"
  say "setting profile $profile to $system"
  if ! nix-env -p "$profile" --set "$system"; then
    publish activation "exit=-1" "before=$before" "error=setting the profile $profile failed (see the output)"
    exit 1
  fi
  set_profile=1
  after=$(generation "$profile")
fi

watchdog_pid=''
if [ "$confirm" -gt 0 ]; then
  watchdog &
  watchdog_pid=$!
fi

run_switch "$system" "$action" "$bootloader"
code=$?
say "switch-to-configuration $action exited with $code"
outcome=failed
case $code in
  0 | 100) outcome=ok ;;
  4) [ "$strict" = 1 ] || outcome=ok ;;
esac
if [ "$outcome" = failed ] && [ "$rollback" = 1 ] && [ "$action" != dry-activate ]; then
  roll_back "switch-to-configuration $action failed with exit code $code"
fi
# The confirmation window starts now, on the host's clock; the deployer is told when it ends.
confirm_deadline=''
[ -n "$watchdog_pid" ] && [ "$outcome" = ok ] && confirm_deadline=$(($(now) + confirm * 100))
(umask 077 && printf '%s %s\n' "$outcome" "${confirm_deadline:-0}" >"$dir/.verdict.tmp") \
  && mv -f "$dir/.verdict.tmp" "$dir/.verdict"
publish activation "exit=$code" "outcome=$outcome" "before=$before" "after=$after" "previous=$previous" \
  "rollback_reason=$rb_reason" "rollback_generation=$rb_generation" "rollback_system=$rb_system" \
  "rollback_exit=$rb_exit" "watchdog=${watchdog_pid:+armed}" "confirm_deadline=$confirm_deadline"
[ -n "$watchdog_pid" ] && wait "$watchdog_pid"
exit 0
