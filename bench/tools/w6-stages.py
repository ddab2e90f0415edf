#!/usr/bin/env python3
"""Where W6's append-to-delivery latency goes, stage by stage, from a run of a build with w6-stage-trace.patch.

usage: bench/tools/w6-stages.py [TRACE_FILE]   (default /tmp/trace.txt)

How to get a trace (a scratch build, never committed):
    git apply bench/tools/w6-stage-trace.patch && ./mvnw -q -B -o install -DskipTests
    ./strata bench W6 --target strata-grpc          # at exit the JVM writes /tmp/trace.txt
    bench/tools/w6-stages.py
(-Dw6.subscribers=N in STRATA_JAVA_OPTS runs W6 with N subscribers instead of 100.)

The patch stamps System.nanoTime() per log position at each stage, the first time it happens (the last
time for the "last" stages). A line of the trace: position, the time the driver created the event,
then each later stage's time minus that one (-1: never seen):

    sent ─► written (writer, before fsync) ─► committed (after fsync) ─► offered (live delivery thread
    to the first subscription call) ─► drained (first message holding it handed to gRPC) ─► received
    (first client subscription) ─► first / last subscriber's listener; last drained; last received

Only the measured phase is kept: events sent in the last 10.2 s of the trace (W6 measures 10 s).
Prints, for each step between stages, p50 / p90 / p99 / max in ms.
"""
import sys


def percentile(values, q):
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else '/tmp/trace.txt'
    rows = [list(map(int, line.split())) for line in open(path)]
    if not rows:
        sys.exit(f'{path}: no traced events')
    end = max(row[1] for row in rows)
    # columns: 0 position, 1 sent, then relative to sent: 2 written, 3 committed, 4 offered, 5 drained,
    # 6 received, 7 first delivered, 8 last delivered, 9 last drained, 10 last received
    rows = [row for row in rows if row[1] >= end - 10.2e9 and min(row[2:]) >= 0]
    if not rows:
        sys.exit(f'{path}: no event of the measured phase went through every stage')
    steps = [
        ('sent -> written', lambda r: r[2]),
        ('written -> committed (fsync)', lambda r: r[3] - r[2]),
        ('committed -> offered', lambda r: r[4] - r[3]),
        ('offered -> first drained', lambda r: r[5] - r[4]),
        ('first -> last drained', lambda r: r[9] - r[5]),
        ('first drained -> first received', lambda r: r[6] - r[5]),
        ('last drained -> last received', lambda r: r[10] - r[9]),
        ('first -> last received', lambda r: r[10] - r[6]),
        ('sent -> first delivered', lambda r: r[7]),
        ('sent -> last delivered', lambda r: r[8]),
    ]
    print(f'{len(rows)} events of the measured phase; ms')
    print(f'{"step":34s} {"p50":>8s} {"p90":>8s} {"p99":>8s} {"max":>8s}')
    for name, step in steps:
        values = [step(row) / 1e6 for row in rows]
        print(f'{name:34s} {percentile(values, .5):8.2f} {percentile(values, .9):8.2f} '
              f'{percentile(values, .99):8.2f} {max(values):8.2f}')


if __name__ == '__main__':
    main()
