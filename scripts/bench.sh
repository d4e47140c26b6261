#!/usr/bin/env bash
# The benchmark in one command: builds the release server and the bench with
# the same package set (so neither build invalidates the other), then runs
# the bench with the given arguments, e.g.
#   scripts/bench.sh --scale 100 --backend postgres
#   scripts/bench.sh --quick --backend sqlite
# See docs/BENCHMARKS.md for the options and the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p coachql -p coachql-bench
exec target/release/coachql-bench "$@"
