#!/usr/bin/env bash
# Runs every test (quick start, second command; CI runs exactly this):
#  1. cargo tests (unit, property, header-vs-cbindgen, conformance) and clippy with -D warnings
#  2. the benchmarks in quick mode, so they never rot
#  3. the C tests through CMake/CTest
#  4. the same C tests built with AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
jobs=$(nproc)

echo "== cargo test"
cargo test --release
echo "== cargo clippy"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --release --all-targets -- -D warnings
else
  echo "clippy not installed; skipped"
fi

echo "== benchmarks, quick mode"
DICTENSTEIN_BENCH_QUICK=1 cargo bench --bench dat
DICTENSTEIN_BENCH_QUICK=1 cargo bench --bench backends
DICTENSTEIN_BENCH_QUICK=1 cargo bench --bench sam
DICTENSTEIN_BENCH_QUICK=1 cargo bench --bench fuzzy
DICTENSTEIN_BENCH_QUICK=1 cargo bench --bench store

echo "== C tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure

echo "== C tests under AddressSanitizer + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDICTENSTEIN_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure

