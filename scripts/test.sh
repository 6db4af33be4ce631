#!/usr/bin/env bash
# Runs every test (quick start, second command; CI runs exactly this):
#  1. cargo tests (unit, property, header-vs-cbindgen, conformance) and clippy with -D warnings
#  2. the benchmark harness in quick mode (seconds), so it never rots
#  3. the C tests through CMake/CTest
#  4. the Go binding's tests (cgocheck=2, race detector), against an installed copy
#  5. the same C tests built with AddressSanitizer + UndefinedBehaviorSanitizer
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

echo "== benchmark harness, quick mode (report in target/bench-quick.md)"
bash scripts/bench.sh --quick > target/bench-quick.md
grep -c '^| ' target/bench-quick.md | sed 's/^/table lines: /'

echo "== C tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure

echo "== Go binding (against an install in build/stage)"
rm -rf build/stage
cmake --install build --prefix build/stage >/dev/null
(
  cd bindings/go
  export PKG_CONFIG_PATH="$PWD/../../build/stage/lib/pkgconfig" LD_LIBRARY_PATH="$PWD/../../build/stage/lib"
  export GODEBUG=cgocheck=2
  # Caches inside the build tree, so nothing depends on HOME.
  export GOCACHE="$PWD/../../build/go-cache" GOPATH="$PWD/../../build/go-path"
  go vet ./...
  go test -count=1 -race ./...
  go run ./example | grep -q '^visits -> 1$'
)

echo "== C tests under AddressSanitizer + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDICTENSTEIN_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure

