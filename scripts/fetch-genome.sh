#!/usr/bin/env bash
# Downloads one 5.68 Mbp genome (Klebsiella pneumoniae HS11286, 7 records) from Debian's
# kleborate-examples into bench-data/ for the suffix automaton benchmark. Uses apt's
# download only (no install); needs Debian's package index.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-data
out=bench-data/Klebs_HS11286.fna
if [ -s "$out" ]; then
  echo "$out already present"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && (apt-get download kleborate-examples 2>/dev/null || { apt-get update -qq && apt-get download kleborate-examples; }) )
dpkg -x "$tmp"/kleborate-examples_*.deb "$tmp/x"
xz -dc "$tmp/x/usr/share/doc/kleborate/examples/data/Klebs_HS11286.fna.xz" > "$out"
grep -v '>' "$out" | tr -d '\n' | wc -c
