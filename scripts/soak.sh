#!/usr/bin/env bash
# Long crash soak of the durable store: SIGKILLs a writing child process N times per
# durability policy (default 250, so 1,000 kills) and checks every acknowledged write after
# each one. Usage: bash scripts/soak.sh [kills-per-policy]
set -euo pipefail
cd "$(dirname "$0")/.."
STORE_CRASH_CYCLES="${1:-250}" cargo test --release --test store_crash
