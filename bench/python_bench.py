#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Python binding's throughput: RuleSet.scan_many against the in-process C++ engine on the
same records (triage_bench_scan) and against `triage filter` run as a subprocess.

    python3 bench/python_bench.py --build build [--records 20000] [--repeat 5] [--jobs 1,2]

The corpus is examples/ (reports, SMS, the labeled sets) repeated with fresh ids up to
--records lines. Each method runs --repeat passes per job count, the methods taking turns; the
best pass counts (these machines are shared; bench/README.md). Every method is warm: the C++
tool and the Python side each scan the corpus once before timing. Methods:

  c++            triage_bench_scan: Scanner::ScanJson on lines held in memory, Decisions kept
  python str     list(rules.scan_many(lines, jobs=N)): JSON lines as str
  python dict    list(rules.scan_many(dicts, jobs=N)): records as dicts (written as JSON)
  filter         `triage filter --output decision --jobs N FILE >/dev/null`: the whole process
  filter+parse   the same from Python: subprocess.run, then json.loads of every output line

Each method is measured in wall time and in CPU time (this process and the children it ran, every
thread): on a shared machine the second is the one other processes disturb least. Prints a
Markdown table (records/s and records per CPU-second, and scan_many / c++) and, with --json
FILE, the figures.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(count: int) -> list:
    sources = [ROOT / "examples" / n for n in ("reports.jsonl", "sms.jsonl")]
    sources += sorted((ROOT / "examples" / "labeled").glob("*.records.jsonl"))
    base = []
    for path in sources:
        base += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out = []
    while len(out) < count:
        for record in base:
            if len(out) == count:
                break
            copy = dict(record)
            copy["id"] = f"{record.get('id', 'x')}-{len(out)}"
            out.append(json.dumps(copy, ensure_ascii=False, separators=(",", ":")))
    return out


def timed(fn) -> tuple:
    """(wall seconds, CPU seconds of this process and of the children it waited for)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return wall, time.process_time() - cpu + child


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--config", default=str(ROOT / "rules" / "triage.yaml"))
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    build = Path(args.build)
    sys.path.insert(0, str(build / "python"))
    import triage  # noqa: E402  (the built module)

    lines = corpus(args.records)
    dicts = [json.loads(line) for line in lines]
    data = ("\n".join(lines) + "\n").encode()
    rules = triage.load(args.config)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_bytes(data)
        for jobs in [int(j) for j in args.jobs.split(",")]:
            cli = [str(build / "triage"), "filter", "--config", args.config, "--output",
                   "decision", "--jobs", str(jobs)]

            def cpp() -> float:
                done = subprocess.run([str(build / "bench" / "triage_bench_scan"), "--config",
                                       args.config, "--jobs", str(jobs), "--repeat", "1",
                                       str(path)], capture_output=True, check=True, text=True)
                figures = json.loads(done.stdout)
                return figures["best_s"], figures["best_cpu_s"]

            def filter_parse() -> None:
                out = subprocess.run(cli, input=data, capture_output=True, check=True).stdout
                [json.loads(line) for line in out.splitlines()]

            methods = {
                "c++": cpp,
                "python str": lambda: timed(lambda: list(rules.scan_many(lines, jobs=jobs))),
                "python dict": lambda: timed(lambda: list(rules.scan_many(dicts, jobs=jobs))),
                "filter": lambda: timed(lambda: subprocess.run(
                    cli + [str(path)], stdout=subprocess.DEVNULL, check=True)),
                "filter+parse": lambda: timed(filter_parse),
            }
            list(rules.scan_many(lines, jobs=jobs))  # warm the DFA caches, as c++ does
            # Interleaved passes, so that a burst of load on this shared machine hits every
            # method alike; the best pass of each counts.
            seconds = {name: [] for name in methods}
            for _ in range(args.repeat):
                for name, run in methods.items():
                    seconds[name].append(run())
            row = {"jobs": jobs, "records": len(lines)}
            row.update({name: len(lines) / min(w for w, _ in s) for name, s in seconds.items()})
            row.update({name + " cpu": len(lines) / min(c for _, c in s)
                        for name, s in seconds.items()})
            results.append(row)

    methods = ["c++", "python str", "python dict", "filter", "filter+parse"]
    print(f"{len(lines)} records, {Path(args.config).name}, best of {args.repeat} passes "
          f"(load average {os.getloadavg()[0]:.1f})\n")
    print("| jobs | measure | " + " | ".join(methods) + " | python str / c++ | python dict / c++ |")
    print("|---:|---|" + "---:|" * (len(methods) + 2))
    for row in results:
        for suffix, label in (("", "records/s (wall)"), (" cpu", "records per CPU-second")):
            cells = [f"{row[m + suffix]:,.0f}" for m in methods]
            c = row["c++" + suffix]
            print(f"| {row['jobs']} | {label} | " + " | ".join(cells) +
                  f" | {row['python str' + suffix] / c:.0%} | {row['python dict' + suffix] / c:.0%} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
