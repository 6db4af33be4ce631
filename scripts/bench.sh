#!/usr/bin/env bash
# The benchmark harness: libdictenstein and the systems users would pick instead, measured in
# one run on the same machine and data (benches/harness, the dictenstein-bench binary).
#
#   bash scripts/bench.sh          the full run (about 15 minutes): fetches the data sets into
#                                  bench-data/ once, then writes docs/benchmarks.md and the
#                                  README's headline ratios
#   bash scripts/bench.sh --quick  seconds, small generated data: what CI runs so it never rots
#
# Other options are passed to the harness (--only, --runs, --offline, --work, --data; see
# --help). A run restricted with --only or --quick prints its report without touching the docs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The C ABI section calls the built shared library through dlopen, as a C program would.
cargo build --release -q -p libdictenstein --lib
cargo build --release -q -p dictenstein-bench
write=(--docs docs/benchmarks.md --readme README.md)
for a in "$@"; do
  case "$a" in --quick|--only|--help|-h) write=() ;; esac
done
exec target/release/dictenstein-bench "${write[@]}" "$@"
