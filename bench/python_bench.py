#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Python binding's throughput: RuleSet.scan_many against the in-process C++ engine on the
same records (triage_bench_scan) and against `triage filter` run as a subprocess.

    python3 bench/python_bench.py --build build [--records 20000] [--repeat 5] [--jobs 1,2]

The corpus is examples/ (reports, SMS, the labeled sets) repeated with fresh ids up to
--records lines. Each method runs --repeat passes per job count; the best pass counts (these
machines are shared; bench/README.md). Methods:

  c++            triage_bench_scan: Scanner::ScanJson on lines held in memory, Decisions kept
  python str     list(rules.scan_many(lines, jobs=N)): JSON lines as str
  python dict    list(rules.scan_many(dicts, jobs=N)): records as dicts (written as JSON)
  filter         `triage filter --output decision --jobs N FILE >/dev/null`: the whole process
  filter+parse   the same from Python: subprocess.run, then json.loads of every output line

Prints a Markdown table (records/s, and scan_many / c++) and, with --json FILE, the figures.
"""

import argparse
import json
import os
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


def best(passes: list) -> float:
    return min(passes)


def timed(fn, repeat: int) -> float:
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        passes.append(time.perf_counter() - start)
    return best(passes)


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
            row = {"jobs": jobs, "records": len(lines)}
            done = subprocess.run([str(build / "bench" / "triage_bench_scan"), "--config",
                                   args.config, "--jobs", str(jobs), "--repeat", str(args.repeat),
                                   str(path)], capture_output=True, check=True, text=True)
            row["c++"] = json.loads(done.stdout)["records_per_s"]
            list(rules.scan_many(lines[:1000], jobs=jobs))  # warm the DFA caches as c++ does
            row["python str"] = len(lines) / timed(
                lambda: list(rules.scan_many(lines, jobs=jobs)), args.repeat)
            row["python dict"] = len(lines) / timed(
                lambda: list(rules.scan_many(dicts, jobs=jobs)), args.repeat)
            cli = [str(build / "triage"), "filter", "--config", args.config, "--output",
                   "decision", "--jobs", str(jobs)]
            row["filter"] = len(lines) / timed(lambda: subprocess.run(
                cli + [str(path)], stdout=subprocess.DEVNULL, check=True), args.repeat)

            def filter_parse() -> None:
                out = subprocess.run(cli, input=data, capture_output=True, check=True).stdout
                [json.loads(line) for line in out.splitlines()]
            row["filter+parse"] = len(lines) / timed(filter_parse, args.repeat)
            results.append(row)

    methods = ["c++", "python str", "python dict", "filter", "filter+parse"]
    print(f"{len(lines)} records, best of {args.repeat} passes, records/s "
          f"(load average {os.getloadavg()[0]:.1f})\n")
    print("| jobs | " + " | ".join(methods) + " | python str / c++ | python dict / c++ |")
    print("|---:|" + "---:|" * (len(methods) + 2))
    for row in results:
        cells = [f"{row[m]:,.0f}" for m in methods]
        print(f"| {row['jobs']} | " + " | ".join(cells) +
              f" | {row['python str'] / row['c++']:.0%} | {row['python dict'] / row['c++']:.0%} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
