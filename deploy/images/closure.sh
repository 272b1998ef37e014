#!/usr/bin/env bash
# closure.sh ROOT FILE... : copy into ROOT the shared libraries FILEs need (ldd closure, host paths), plus the
# dynamic loader. Libraries land under their ldd path with the soname as file name (symlinks dereferenced), so the
# image needs no ld.so.cache: Debian's loader searches /lib/x86_64-linux-gnu (=/usr/lib/... via usrmerge links).
# Prints the libraries it copied. Fails if ldd reports "not found" for anything.
set -euo pipefail
root=$1; shift
declare -A seen=()
for f in "$@"; do
  out=$(LD_LIBRARY_PATH=${CLOSURE_LIBRARY_PATH:-} ldd "$f" 2>&1) || { [[ $out == *"not a dynamic executable"* ]] && continue; echo "ldd $f: $out" >&2; exit 1; }
  if grep -q "not found" <<<"$out"; then echo "closure: $f: $(grep 'not found' <<<"$out")" >&2; exit 1; fi
  while read -r lib; do
    [ -n "$lib" ] && [ -z "${seen[$lib]:-}" ] || continue
    seen[$lib]=1
  done < <(awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' <<<"$out")
done
for lib in "${!seen[@]}"; do
  real=$(readlink -f "$lib")
  case $real in /usr/*) ;; *) continue ;; esac    # the runtime's own libraries (found via CLOSURE_LIBRARY_PATH)
  dir=$(dirname "$real")                        # /usr/lib/x86_64-linux-gnu (usrmerge resolves /lib -> /usr/lib)
  mkdir -p "$root$dir"
  cp -L --preserve=mode,timestamps "$lib" "$root$dir/$(basename "$lib")"
  echo "$dir/$(basename "$lib")"
done | sort
