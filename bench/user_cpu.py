#!/usr/bin/env python3
"""User CPU of `triage filter --jobs 1` for each (binary, config) pair, alternating, medians.

usage: bench/user_cpu.py BIN[,BIN...] CONFIG[,CONFIG...] RECORDS [ROUNDS]

Each round runs every binary with every config once, in that order, on RECORDS, and reads the
child's user CPU with getrusage (microseconds, not /usr/bin/time's 10 ms). Prints the median and
the runs of each pair, and each pair's share of the first config's records/s for the same binary
(the one-rule floor when the first config is a one-rule config).
"""
import resource
import statistics
import subprocess
import sys


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binaries = sys.argv[1].split(",")
    configs = sys.argv[2].split(",")
    records = sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) == 5 else 5
    runs = {}
    for _ in range(rounds):
        for binary in binaries:
            for config in configs:
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                subprocess.run([binary, "filter", "--jobs", "1", "--config", config,
                                "--output", "decision", records],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                runs.setdefault((binary, config), []).append(after - before)
    for binary in binaries:
        floor = statistics.median(runs[(binary, configs[0])])
        for config in configs:
            median = statistics.median(runs[(binary, config)])
            share = floor / median * 100 if median > 0 else 0.0
            print(f"{binary} {config}: median {median:.3f} s ({share:.1f}% of the first config's "
                  f"records/s); runs {' '.join(f'{x:.3f}' for x in runs[(binary, config)])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
