#!/usr/bin/env python3
"""Runs one workload and prints its key figures with the CPU the JVM used while measuring.

usage: bench/tools/phase-cpu.py CHECKOUT WORKLOAD TARGET   (e.g. bench/tools/phase-cpu.py . W6 strata-grpc)

Starts `./strata bench WORKLOAD --target TARGET` in CHECKOUT, reads the JVM's user + system CPU time from
/proc/<pid>/stat when the driver prints its "measuring" line and again at the result line, and prints the
result's events/s and latencies with "cores" (CPU seconds per second over that phase) and "phaseS". Two
checkouts run in turn give the interleaved pairs of docs/benchmarks.md. Linux only.
"""
import json
import os
import subprocess
import sys
import time

import bench_jvm


def cpu_seconds(pid):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    checkout, workload, target = sys.argv[1:4]
    run = subprocess.Popen(['./strata', 'bench', workload, '--target', target], cwd=checkout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    start = pid = result = None
    for line in run.stdout:
        if 'measuring' in line and start is None:
            pid = bench_jvm.find()
            start = (time.time(), cpu_seconds(pid)) if pid else None
        if line.startswith('{') and f'"{workload}"' in line:
            end = (time.time(), cpu_seconds(pid)) if pid else None
            fields = json.loads(line)
            result = {k: fields[k] for k in ('eventsPerSecond', 'p50Ms', 'p99Ms', 'p999Ms') if k in fields}
            if start and end:
                result['cores'] = round((end[1] - start[1]) / (end[0] - start[0]), 2)
                result['phaseS'] = round(end[0] - start[0], 1)
    run.wait()
    if result is None:
        sys.exit(f'no {workload} result (exit {run.returncode})')
    print(result)


if __name__ == '__main__':
    main()
