#!/bin/bash
# Interleaved A/B runs of one workload in two checkouts, in A B B A order, for before/after figures.
#
# usage: bench/tools/abba.sh ROUNDS WORKLOAD TARGET CHECKOUT_A CHECKOUT_B
#        (e.g. bench/tools/abba.sh 2 W6 strata-grpc /tmp/before /tmp/after)
#
# Each run is bench/tools/phase-cpu.py (events/s, p50/p99, the cores the JVM used while measuring), after a
# `sync` and 5 s of rest, so that one run's writeback does not land in the next. Why A B B A: on this 2-core
# machine the first of two back-to-back runs was often the slower one (5 of 7 W6 pairs, sixteenth session, docs/benchmarks.md),
# which plain A B alternation charges to A every time. Build both checkouts first (./mvnw -q -B -o install
# -DskipTests in each); each line names the checkout it ran in.
set -euo pipefail
if [ $# -ne 5 ]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
rounds=$1 workload=$2 target=$3 a=$4 b=$5
tools=$(cd "$(dirname "$0")" && pwd)
run() {
    sync
    sleep 5
    echo "$1 $(python3 "$tools/phase-cpu.py" "$1" "$workload" "$target" 2>/dev/null | tail -1)"
}
for _ in $(seq 1 "$rounds"); do
    run "$a"; run "$b"; run "$b"; run "$a"
done
