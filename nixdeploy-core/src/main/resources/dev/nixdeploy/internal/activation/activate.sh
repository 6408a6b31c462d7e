# nix-deploy: activates a NixOS system as root, detached from the ssh session that started it, so that
# an sshd or network restart during the switch cannot stop it halfway. launch.sh writes this script and
# the file "arguments" into the run directory and starts it detached: systemd-run (its own unit) or setsid.
# Usage: sh activate.sh DIR            the activation: profile, switch-to-configuration, rollback
#        sh activate.sh DIR watchdog   the watchdog of a confirmed activation, started by the activation
#                                      detached in turn (its own unit or session), so that it outlives it
#        sh activate.sh DIR start-rollback   starts the rollback below detached, the same way (run by
#                                      root through rollback.sh, after the activation succeeded)
#        sh activate.sh DIR rollback   returns the host to what ran before the successful activation of
#                                      DIR (a fleet's failed health check): the same roll_back as a failure
# Nothing but DIR (/run/nix-deploy/HEX) and a role word is ever on a command line: systemd-run
# would expand $VARIABLES in it. Everything else comes from files root alone may write:
#   arguments (from launch.sh): owner (the login user, who alone may read the results), action, system,
#     profile, bootloader (0|1), rollback (0|1), confirm (seconds to wait for a confirmation, 0: none),
#     strict (0|1: exit code 4 is a failure), launcher (systemd-run|setsid), id
#   .state (from the activation, for the watchdog): main (its pid), before, after, running, previous,
#     set_profile, switched
# Results: log (all output), activation (key=value, once the activation and any rollback are over),
# watchdog (key=value, once confirmed or rolled back), confirm/token (renamed to confirm/confirmed by the
# login user over a new ssh connection, or taken away to expired by the watchdog), .verdict (root's own
# copy of the outcome, for the watchdog), .watchdog-armed (the watchdog runs and holds its lock).
set -u
dir=$1 role=${2:-activation}
exec >>"$dir/log" 2>&1 </dev/null
umask 022
PATH=/run/current-system/sw/bin:/nix/var/nix/profiles/default/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
base=${dir%/*}

say() { printf 'nix-deploy: %s\n' "$*"; }

# Reads the key=value lines of file $1 into the variables of the same names; other keys are ignored.
# Values are assigned, never evaluated.
load() {
  while IFS= read -r line; do
    value=${line#*=}
    case ${line%%=*} in
      owner) owner=$value ;; action) action=$value ;; system) system=$value ;; profile) profile=$value ;;
      bootloader) bootloader=$value ;; rollback) rollback=$value ;; confirm) confirm=$value ;;
      strict) strict=$value ;; launcher) launcher=$value ;; id) id=$value ;;
      main) main=$value ;; before) before=$value ;; after) after=$value ;; running) running=$value ;;
      previous) previous=$value ;; set_profile) set_profile=$value ;; switched) switched=$value ;;
    esac
  done <"$1"
}

# Writes its further arguments as lines of file $1 of the run directory, atomically, readable by the login
# user alone: made in root's directory, handed to that user with mode 0600, then renamed into place.
publish() {
  name=$1
  shift
  (umask 077 && printf '%s\n' "$@" >"$dir/.$name.tmp") && chown "$owner" "$dir/.$name.tmp" \
    && chmod 0600 "$dir/.$name.tmp" && mv -f "$dir/.$name.tmp" "$dir/$name"
}

# Writes root's own file $1 of the run directory from the further arguments, atomically.
keep() {
  name=$1
  shift
  (umask 077 && printf '%s\n' "$@" >"$dir/.$name.tmp") && mv -f "$dir/.$name.tmp" "$dir/.$name"
}

save_state() {
  keep state "main=$main" "before=$before" "after=$after" "running=$running" "previous=$previous" \
    "set_profile=$set_profile" "switched=$switched"
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

# Re-activates system $1 with action $2 for a rollback; the first failure's exit code is the rollback's.
reactivate() {
  run_switch "$1" "$2" 0
  status=$?
  say "$1/bin/switch-to-configuration $2 exited with $status"
  [ "$rb_exit" -gt 0 ] || rb_exit=$status
}

rb_reason='' rb_generation='' rb_system='' rb_exit=-1
# Returns to what was there before this run: the profile to the generation it had (or, if it had none,
# no generation at all), and the host to the system it was running (/run/current-system when this run
# started), with the profile's previous system as the boot default again.
roll_back() {
  rb_reason=$1
  say "rolling back: $1"
  if [ "$set_profile" = 1 ]; then
    if [ -n "$before" ]; then
      if nix-env -p "$profile" --switch-generation "$before"; then
        rb_generation=$before
      else
        say "cannot return $profile to generation $before"
      fi
    elif [ -n "$after" ] && rm -f -- "$profile" "$profile-$after-link"; then
      say "removed $profile again: it had no generation before"
    fi
  fi
  if [ "$switched" != 1 ]; then
    say "switch-to-configuration did not start: nothing to re-activate"
    return
  fi
  rb_exit=0
  case $action in
    switch)
      if [ -n "$running" ] && [ -n "$previous" ] && [ "$previous" != "$running" ]; then
        # Running one system, booting another (a boot deploy not rebooted into): both as they were.
        rb_system=$running
        reactivate "$running" test
        reactivate "$previous" boot
      else
        rb_system=${running:-$previous}
        [ -z "$rb_system" ] || reactivate "$rb_system" switch
      fi ;;
    boot)
      rb_system=${previous:-$running}
      [ -z "$rb_system" ] || reactivate "$rb_system" boot ;;
    test)
      rb_system=${running:-$previous}
      [ -z "$rb_system" ] || reactivate "$rb_system" test ;;
  esac
  if [ -z "$rb_system" ]; then
    rb_exit=-1
    say "no system was running and the profile had no generation before: nothing to re-activate"
  fi
}

# The watchdog: holds the watchdog lock, waits for the activation to end (or die), then for the
# confirmation until the deadline it set (on the monotonic clock); rolls back without one. The decision
# is one rename: whoever takes confirm/token first, the login user (confirming) or the watchdog
# (expiring it), wins.
watchdog() {
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$base/watchdog.lock"
    if ! flock -n 8; then
      say "the watchdog lock is taken: another activation's watchdog is still waiting"
      return 1
    fi
  fi
  : >"$dir/.watchdog-armed"
  while [ ! -e "$dir/.verdict" ]; do
    if ! kill -0 "$main" 2>/dev/null && [ ! -e "$dir/.verdict" ]; then
      load "$dir/.state"
      roll_back "the activation stopped without a result"
      publish watchdog "outcome=rolled-back" "reason=$rb_reason" "generation=$rb_generation" \
        "system=$rb_system" "exit=$rb_exit"
      publish activation "exit=-1" "before=$before" "after=$after" "watchdog=armed" \
        "error=the activation stopped without a result, and the watchdog rolled back"
      return 0
    fi
    sleep 0.2
  done
  load "$dir/.state"
  read -r verdict deadline <"$dir/.verdict"
  if [ "$verdict" != ok ]; then
    publish watchdog "outcome=not-needed"
    return 0
  fi
  while [ ! -e "$dir/confirm/confirmed" ] && [ "$(now)" -lt "$deadline" ]; do
    sleep 0.2
  done
  if ! mv -- "$dir/confirm/token" "$dir/expired" 2>/dev/null && [ -e "$dir/confirm/confirmed" ]; then
    say "confirmed over a new connection"
    publish watchdog "outcome=confirmed"
    return 0
  fi
  roll_back "not confirmed over a new ssh connection within ${confirm}s"
  publish watchdog "outcome=rolled-back" "reason=$rb_reason" "generation=$rb_generation" \
    "system=$rb_system" "exit=$rb_exit"
}

# Starts role $1 of this script detached, the way launch.sh started the activation: in a unit of its
# own, or in a session of its own, so that neither stopping this unit nor killing this process group
# ends it.
start_detached() {
  if [ "$launcher" = systemd-run ]; then
    systemd-run --quiet --collect --no-ask-password --unit="nix-deploy-$1-$id" --service-type=exec \
      -- /bin/sh "$dir/activate.sh" "$dir" "$1"
  else
    setsid /bin/sh "$dir/activate.sh" "$dir" "$1" </dev/null >/dev/null 2>&1 9>&- &
  fi
}

# Takes the host's activation lock (fd 9, held until exit) and checks no earlier watchdog still waits;
# on failure, sets lock_error and returns 1.
take_locks() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$base/lock"
  if ! flock -n 9; then
    lock_error="another activation is running on this host; try again when it ends"
    return 1
  fi
  exec 8>"$base/watchdog.lock"
  if ! flock -n 8; then
    lock_error="the watchdog of an earlier activation on this host is still waiting; try again when it ends"
    return 1
  fi
  exec 8>&-
}

# The rollback of a successful activation, asked for later: only once, only if the activation ended well
# and its watchdog (if any) was confirmed, and only while no other activation runs.
rollback_later() {
  if ! take_locks; then
    say "not rolling back: $lock_error"
    publish rollback "error=$lock_error"
    return 1
  fi
  # Under the lock: a second request finds the mark and leaves the first one's result alone.
  if [ -e "$dir/.rollback-taken" ]; then
    return 1
  fi
  : >"$dir/.rollback-taken"
  verdict=''
  [ -e "$dir/.verdict" ] && read -r verdict _ <"$dir/.verdict"
  if [ "$verdict" != ok ] || [ "$switched" != 1 ]; then
    publish rollback "error=the activation did not succeed, so there is nothing of it to roll back"
    return 1
  fi
  if [ "$confirm" -gt 0 ] && ! grep -qx 'outcome=confirmed' "$dir/watchdog" 2>/dev/null; then
    publish rollback "error=the activation was not confirmed (its watchdog rolled back or still waits)"
    return 1
  fi
  roll_back "asked to return to what ran before"
  publish rollback "outcome=rolled-back" "generation=$rb_generation" "system=$rb_system" "exit=$rb_exit"
}

owner='' action='' system='' profile='' bootloader=0 rollback=0 confirm=0 strict=0 launcher='' id=''
main='' before='' after='' running='' previous='' set_profile=0 switched=0
load "$dir/arguments"

case $role in
  watchdog)
    load "$dir/.state"
    watchdog
    exit ;;
  start-rollback)
    start_detached rollback
    exit ;;
  rollback)
    load "$dir/.state"
    rollback_later
    exit ;;
esac
main=$$

# One activation at a time per host, and none while an earlier activation's watchdog still waits.
lock_error=''
if ! take_locks; then
  say "not activating: $lock_error"
  publish activation "exit=-1" "error=$lock_error"
  exit 1
fi

[ -n "$profile" ] && before=$(generation "$profile")
# What runs now is what a rollback brings back; the profile's system is the boot default to restore.
[ -e /run/current-system ] && running=$(readlink -f /run/current-system)
[ -n "$before" ] && previous=$(readlink -f "$profile")
save_state

if [ "$confirm" -gt 0 ]; then
  start_detached watchdog
  waited=0
  while [ ! -e "$dir/.watchdog-armed" ]; do
    if [ "$waited" -ge 300 ]; then
      say "the watchdog did not start"
      keep verdict "failed 0"
      publish activation "exit=-1" "error=the watchdog did not start within 60s (see the output); nothing was changed"
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
fi

if [ "$action" = switch ] || [ "$action" = boot ]; then
  mkdir -p "${profile%/*}"
  say "setting profile $profile to $system"
  if ! nix-env -p "$profile" --set "$system"; then
    keep verdict "failed 0"
    publish activation "exit=-1" "before=$before" "error=setting the profile $profile failed (see the output)"
    exit 1
  fi
  set_profile=1
  after=$(generation "$profile")
fi
switched=1
save_state

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
[ "$confirm" -gt 0 ] && [ "$outcome" = ok ] && confirm_deadline=$(($(now) + confirm * 100))
keep verdict "$outcome ${confirm_deadline:-0}"
watchdog=''
[ "$confirm" -gt 0 ] && watchdog=armed
publish activation "exit=$code" "outcome=$outcome" "before=$before" "after=$after" "previous=$previous" \
  "running=$running" "rollback_reason=$rb_reason" "rollback_generation=$rb_generation" \
  "rollback_system=$rb_system" "rollback_exit=$rb_exit" "watchdog=$watchdog" \
  "confirm_deadline=$confirm_deadline"
exit 0
