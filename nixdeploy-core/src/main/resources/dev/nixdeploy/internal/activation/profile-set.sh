# nix-deploy: sets profile $1 to store path $2 and prints the generations before and after.
set -eu
profile=$1 path=$2
generation() {
  link=$(readlink "$1" 2>/dev/null) || return 0
  link=${link##*/}
  link=${link%-link}
  n=${link##*-}
  case $n in '' | *[!0-9]*) ;; *) echo "$n" ;; esac
}
before=$(generation "$profile")
mkdir -p "${profile%/*}"
nix-env --profile "$profile" --set "$path" >&2
printf 'before=%s\nafter=%s\n' "$before" "$(generation "$profile")"
