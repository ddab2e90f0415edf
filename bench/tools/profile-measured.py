#!/usr/bin/env python3
"""A CPU-time profile of a workload's measured phase only, not of its warm-up.

usage: bench/tools/profile-measured.py CHECKOUT WORKLOAD TARGET OUT.jfr [SECONDS]
       (e.g. . bin/find-java.sh; bench/tools/profile-measured.py . W6 strata-grpc /tmp/w6.jfr)

Starts `./strata bench WORKLOAD --target TARGET` in CHECKOUT and, when the driver prints its first
"measuring" line, starts a flight recording in that JVM with `jcmd` (settings=profile, CPU-time samples
every 2 ms of a thread's CPU) for SECONDS (default 9, inside W6's 10 s). Prints the result line. Then:
    jfr print --events jdk.CPUTimeSample --stack-depth 64 OUT.jfr

Why: a recording started with the JVM (-XX:StartFlightRecording) covers the warm-up too, which for
full-size runs waits for the JIT (JitWarmUp) and so lasts two to three times the measured phase. In
W6 over gRPC such a profile put 16 % of all samples in decoding events, nearly all of it from the
warm-up: there the client's shared cache of decoded events missed 3.6 M times, while measuring it
missed about once per event, as designed (docs/benchmarks.md, seventeenth session).
"""
import os
import subprocess
import sys

import bench_jvm


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    checkout, workload, target, out = sys.argv[1:5]
    seconds = sys.argv[5] if len(sys.argv) == 6 else '9'
    run = subprocess.Popen(['./strata', 'bench', workload, '--target', target], cwd=checkout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    recording = False
    for line in run.stdout:
        if not recording and 'measuring' in line:
            pid = bench_jvm.find()
            if pid is None:
                sys.exit('found no bench JVM to record')
            jcmd = os.path.join(os.environ['JAVA_HOME'], 'bin', 'jcmd') if 'JAVA_HOME' in os.environ else 'jcmd'
            started = subprocess.run([jcmd, pid, 'JFR.start', 'name=measured', 'settings=profile',
                                      f'filename={os.path.abspath(out)}', f'duration={seconds}s',
                                      'jdk.CPUTimeSample#enabled=true', 'jdk.CPUTimeSample#throttle=2ms'],
                                     capture_output=True, text=True)
            if started.returncode != 0:
                sys.exit(f'jcmd JFR.start failed: {started.stdout}{started.stderr}')
            recording = True
        if line.startswith('{'):
            print(line.strip())
    run.wait()
    if not recording:
        sys.exit(f'the run printed no "measuring" line (exit {run.returncode})')


if __name__ == '__main__':
    main()
