#!/usr/bin/env bash
# Builds the library and the demo, then runs the demo (quick start, first command).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target dictenstein-demo
./build/dictenstein-demo "$@"
