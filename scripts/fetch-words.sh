#!/usr/bin/env bash
# Downloads Debian's wamerican-huge word list (347k words) into bench-data/ for the
# benchmark. Uses apt's download only (no install); needs Debian's package index.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-data
if [ -s bench-data/american-english-huge ]; then
  echo "bench-data/american-english-huge already present"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && (apt-get download wamerican-huge 2>/dev/null || { apt-get update -qq && apt-get download wamerican-huge; }) )
dpkg -x "$tmp"/wamerican-huge_*.deb "$tmp/x"
cp "$tmp/x/usr/share/dict/american-english-huge" bench-data/
wc -l bench-data/american-english-huge
