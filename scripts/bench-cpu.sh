#!/usr/bin/env bash
# CPU per request of one op: the gateway, the plain floor and the floor in
# the request's envelope, each over 8 s in the middle of a 14 s run, read
# from /proc (utime + stime of the server, of every PostgreSQL backend of
# the dataset and of the bench). PostgreSQL 100x, as docs/BENCHMARKS.md.
#
# Usage: scripts/bench-cpu.sh OP [SERVER_BIN] [BENCH_BIN]
#   defaults: target/release/coachql and target/release/coachql-bench
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OP=$1
BIN=$(realpath "${2:-target/release/coachql}")
BENCH=$(realpath "${3:-target/release/coachql-bench}")
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
HZ=$(getconf CLK_TCK)

"$BENCH" --scale 100 --backend postgres --server-bin "$BIN" --no-build-check \
    --floor-envelope --duration 14s --warmup 1s --ops "$OP" >"$LOG" 2>&1 &
RUN=$!

ticks() {
    local sum=0 p
    for p in "$@"; do
        [[ -r /proc/$p/stat ]] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}
backends() { pgrep -f "postgres: .*coachql_bench_100" | tr '\n' ' '; }
# Prints "seconds server postgres bench" (CPU seconds over the window).
window() {
    local server bench s0 p0 b0 t0 s1 p1 b1 t1
    server=$(pgrep -f "^$BIN( |$)" | head -1 || true)
    bench=$(pgrep -f "^$BENCH( |$)" | tr '\n' ' ')
    # shellcheck disable=SC2046 # a list of pids
    s0=$(ticks $server); p0=$(ticks $(backends)); b0=$(ticks $bench); t0=$(date +%s.%N)
    sleep 8
    # shellcheck disable=SC2046
    s1=$(ticks $server); p1=$(ticks $(backends)); b1=$(ticks $bench); t1=$(date +%s.%N)
    echo "$t0 $t1 $((s1 - s0)) $((p1 - p0)) $((b1 - b0))"
}
await() { until grep -q "$1" "$LOG"; do kill -0 "$RUN" 2>/dev/null || { cat "$LOG"; exit 1; }; sleep 0.2; done; }

await "$OP: gateway"; sleep 4; G=$(window)
await "$OP: floor$"; sleep 4; F=$(window)
await "$OP: floor in the envelope"; sleep 4; E=$(window)
wait "$RUN"
ROW=$(grep "^| $OP " "$LOG")
echo "$ROW"
python3 - "$HZ" "$ROW" "gateway $G" "floor $F" "envelope $E" <<'PY'
import sys
hz = float(sys.argv[1])
cols = [c.strip() for c in sys.argv[2].split("|")]
rps = {"gateway": float(cols[4]), "floor": float(cols[9]), "envelope": float(cols[12])}
for w in sys.argv[3:]:
    name, t0, t1, s, p, b = w.split()
    dt, r = float(t1) - float(t0), rps[name]
    per = [float(x) / hz / dt * 1e6 / r for x in (s, p, b)]
    print(f"{name:9s} {r:7.0f} req/s  CPU per request: server {per[0]:5.0f} us, "
          f"PostgreSQL {per[1]:5.0f} us, bench {per[2]:4.0f} us, all {sum(per):5.0f} us")
PY
