#!/bin/sh
# The shared library exports only dictenstein_* symbols and carries the expected SONAME.
# usage: check_exports.sh LIBRARY EXPECTED_SONAME
set -eu
lib=$1
want_soname=$2
bad=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^dictenstein_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported without the dictenstein_ prefix:"; echo "$bad"; exit 1
fi
count=$(nm -D --defined-only "$lib" | grep -c ' dictenstein_' || true)
[ "$count" -gt 0 ] || { echo "no dictenstein_ symbols exported"; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = "$want_soname" ] || { echo "SONAME is '$soname', expected '$want_soname'"; exit 1; }
# Every function declared in the header is exported, and every export is declared.
hdr=$(dirname "$0")/../include/dictenstein.h
declared=$(grep -oE '\bdictenstein_[a-z_]+\(' "$hdr" | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u)
if [ "$declared" != "$exported" ]; then
  echo "header declarations and exported symbols differ:"
  printf '%s\n' "$declared" > /tmp/dictenstein-declared.$$
  printf '%s\n' "$exported" | diff /tmp/dictenstein-declared.$$ - || true
  rm -f /tmp/dictenstein-declared.$$
  exit 1
fi
echo "check_exports: $count symbols, all prefixed and declared; SONAME $soname"
