#!/usr/bin/env bash
# Compare two checkouts of this repository with bench:throughput, runs alternating so that a host
# that slows down or speeds up meanwhile weighs on both alike. Prints, per run, actions/s and the CPU
# milliseconds per action of the API, worker, Temporal, PostgreSQL and their total, and the bare
# floor's total (a rough gauge of how busy the host was).
#   bench/compare.sh <label>=<checkout> <label>=<checkout> …   (N runs each, default 2; MIX, CASES)
# A checkout needs its node_modules (a git worktree may symlink this one's).
set -euo pipefail
N=${N:-2}
for i in $(seq 1 "$N"); do
  for pair in "$@"; do
    label=${pair%%=*}
    dir=${pair#*=}
    log=$(mktemp)
    (cd "$dir" && BENCH_MIX=${MIX:-approval} CASES=${CASES:-120} CONCURRENCY=8 npx tsx bench/throughput.ts >"$log" 2>&1 &&
      git checkout -q bench/results)
    rate=$(grep '^| engine through' "$log" | awk -F'|' '{print $7}')
    cpu=$(grep '^| engine |' "$log" | head -1 | awk -F'|' '{print "api" $3 " worker" $4 " temporal" $5 " postgres" $6 " total" $8}')
    bare=$(grep '^| bare Temporal |' "$log" | head -1 | awk -F'|' '{print $8}')
    echo "$label run $i: ${rate// /} actions/s; CPU ms per action: $cpu; bare total $bare"
    rm -f "$log"
  done
done
