#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints the markdown report of a bench/run directory: throughput per workload and method, and
each performance target with its measured value and pass / miss.

    report.py DIR

Reads DIR/meta.json, DIR/workloads.txt, DIR/<workload>/compare.json and DIR/process.json (written
by bench/run). A figure that is missing (a workload not run, a method that failed) shows as n/a.
"""
import json
import os
import re
import sys

METHODS = ["naive", "set", "filtered", "hyperscan", "engine", "process"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def human(x):
    if x is None:
        return "n/a"
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e4:
        return f"{x / 1e3:.0f} k"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.1f}" if x < 100 else f"{x:.0f}"


def method(c, name):
    if not c:
        return None
    m = c.get("methods", {}).get(name)
    return m if m and m.get("status") == "ok" else None


def rate(c, name):
    """Throughput for the ratios: MB of text per second. The same ratio as records/s when both
    methods scan every record; unlike it, fair when naive scans only the first records (in
    workload B those are ham, shorter than the average mail)."""
    m = method(c, name)
    return m.get("mb_per_s") if m else None


def secs(v):
    return "failed" if v is None else f"{v:.2f} s"


def mb(kb):
    return "failed" if kb is None else f"{kb / 1024:.1f} MB"


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    d = sys.argv[1]
    meta = load(os.path.join(d, "meta.json")) or {}
    proc = load(os.path.join(d, "process.json")) or {}
    work = {}
    listed = os.path.join(d, "workloads.txt")   # the workloads of this run (bench/run writes it)
    names = open(listed).read().split() if os.path.exists(listed) else os.listdir(d)
    for name in names:
        m = re.fullmatch(r"([ABW])(\d+)", name)
        if m and os.path.isdir(os.path.join(d, name)):
            work[(m.group(1), int(m.group(2)))] = load(os.path.join(d, name, "compare.json"))

    quick = meta.get("quick", False)
    print(f"### Results: `{meta.get('command', 'bench/run')}`, {meta.get('started', '?')}\n")
    print(f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, "
          f"{meta.get('memory', '?')} RAM, {meta.get('os', '?')} (kernel {meta.get('kernel', '?')}); "
          f"load average {meta.get('load_before', 0):.1f} at the start. Commit "
          f"{meta.get('commit', '?')}{' with uncommitted changes' if meta.get('dirty') else ''}. "
          + (f"Median of {meta['repeat']} passes per method" if meta.get("repeat", 1) > 1
             else "One pass per method")
          + ", one core unless said"
          f"{' (--quick: a smoke run, not a measurement)' if quick else ''}.\n")

    # Throughput.
    print("| workload | patterns | records | text MB | " + " | ".join(METHODS) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(METHODS))
    for key in sorted(work, key=lambda k: (k[0], k[1])):
        c = work[key]
        if not c:
            print(f"| {key[0]} {key[1]} | n/a | | | " + " | ".join("n/a" for _ in METHODS) + " |")
            continue
        cells = []
        for name in METHODS:
            m = method(c, name)
            if m is None:
                cells.append("n/a")
            else:
                cells.append(f"{human(m['records_per_s'])} rec/s<br>{m['mb_per_s']:.1f} MB/s")
        label = {"A": f"A {key[1]} rules", "B": f"B {key[1]} regexes",
                 "W": f"A {key[1]} rules, terms"}[key[0]]
        raw = any(method(c, n) for n in ("naive", "set", "filtered", "hyperscan"))
        print(f"| {label} | {c.get('patterns') if raw else '-'} | {c.get('records')} | "
              f"{c.get('text_bytes', 0) / 1e6:.1f} | " + " | ".join(cells) + " |")
    print("\nnaive scans only the first records of a workload (bench/run caps it at ~2 M "
          "record-pattern pairs); process is `triage filter --jobs 1 --output decision` as a "
          "whole process, start-up and compilation included; MB = 10^6 bytes of text. The "
          "ratios below are of MB/s (of records/s when both methods scan every record).\n")

    # Targets, at the N they name (or the largest generated, with a note).
    def pick(kind, want):
        ns = sorted(n for (k, n) in work if k == kind and work[(k, n)])
        if not ns:
            return None, None, ""
        if want in ns:
            return want, work[(kind, want)], ""
        n = max(x for x in ns if x <= want) if any(x <= want for x in ns) else ns[0]
        return n, work[(kind, n)], f" (at {n}, not {want})"

    rows = []

    def label(kind, n, unit, want):
        return f"{kind} {n if n is not None else want} {unit}"

    def add(what, value, fmt, goal, ok):
        shown = "n/a" if value is None else fmt(value)
        if value is None:
            res = "n/a"
        elif ok is None:
            res = "info"
        else:
            res = "pass" if ok(value) else "**miss**"
        rows.append((what, shown, goal, res))

    x = lambda v: f"{v:.2f}x" if v >= 0.1 else f"{v:.2g}x"
    na, ca, note = pick("A", 1000)
    add(f"{label('A', na, 'rules', 1000)}: engine in-process / naive{note}",
        ratio(rate(ca, "engine"), rate(ca, "naive")), x, ">= 50x", lambda v: v >= 50)
    add(f"{label('A', na, 'rules', 1000)}: engine in-process / Hyperscan raw{note}",
        ratio(rate(ca, "engine"), rate(ca, "hyperscan")), x, ">= 1x", lambda v: v >= 1)
    a_ns = sorted(n for (k, n) in work if k == "A" and work[(k, n)])
    lo, hi = (100, 1000) if {100, 1000} <= set(a_ns) else (tuple(a_ns[-2:]) if len(a_ns) > 1 else (None, None))
    if lo is not None:
        add(f"A {lo} -> {hi} rules: engine time per record"
            + ("" if (lo, hi) == (100, 1000) else " (not 100 -> 1000)"),
            ratio(rate(work[("A", lo)], "engine"), rate(work[("A", hi)], "engine")), x, "< 2x",
            lambda v: v < 2)
    else:
        add("A 100 -> 1000 rules: engine time per record", None, x, "< 2x", None)
    nb, cb, noteb = pick("B", 1000)
    add(f"{label('B', nb, 'regexes', 1000)}: engine in-process / naive{noteb}",
        ratio(rate(cb, "engine"), rate(cb, "naive")), x, ">= 4x", lambda v: v >= 4)
    add(f"{label('B', nb, 'regexes', 1000)}: engine in-process / Hyperscan raw{noteb}",
        ratio(rate(cb, "engine"), rate(cb, "hyperscan")), x, ">= 0.5x", lambda v: v >= 0.5)
    for kind, n, c, nt in (("A", na, ca, note), ("B", nb, cb, noteb)):
        if c:
            add(f"{kind} {n}: `triage filter` end to end / engine in-process{nt}",
                ratio(rate(c, "process"), rate(c, "engine")), lambda v: f"{100 * v:.0f}%",
                ">= 50%", lambda v: v >= 0.5)
    if proc:
        j1, j2 = proc["jobs1_median_s"], proc["jobs2_median_s"]
        add(f"{proc['jobs_workload']}: `triage filter --jobs 2` / `--jobs 1` (elapsed, median of "
            f"{len(proc['jobs1_s'])}: {secs(j1)} / {secs(j2)})",
            ratio(j1, j2), x, ">= 1.8x", lambda v: v >= 1.8)
        big, small = proc["rss_big_kb"], proc["rss_small_kb"]
        config = proc["rss_config"]
        if config.startswith(os.getcwd() + os.sep):
            config = os.path.relpath(config)
        add(f"peak RSS of `triage filter` over {proc['rss_big_bytes'] / 1e6:.0f} MB / over "
            f"{proc['rss_small_bytes'] / 1e6:.0f} MB ({mb(big)} / {mb(small)}; {config})",
            ratio(big, small), lambda v: f"{v:.3f}", "<= 1.10", lambda v: v <= 1.10)
    else:
        add("`triage filter --jobs 2` / `--jobs 1`", None, x, ">= 1.8x", None)
        add("peak RSS over 1 GB / over 10 MB", None, x, "<= 1.10", None)
    n5k, c5k, note5k = pick("A", 5000)
    m = method(c5k, "engine")
    add(f"{label('A', n5k, 'rules', 5000)}: compile (engine, in-process){note5k}", m["compile_s"] if m else None,
        lambda v: f"{v:.2f} s", "< 2 s", lambda v: v < 2)
    if proc:
        add(f"{proc['check_workload']}: `triage check` elapsed, whole process (median of "
            f"{len(proc['check_s'])})", proc["check_median_s"], lambda v: f"{v:.2f} s", "(info)",
            None)
    m = method(ca, "engine")
    p99 = None
    if m and isinstance(m.get("latency_us"), dict):
        p99 = m["latency_us"].get("sms", {}).get("p99")
    add(f"{label('A', na, 'rules', 1000)}: SMS p99 latency in-process{note}", p99,
        lambda v: f"{v / 1000:.3f} ms", "< 1 ms", lambda v: v < 1000)

    # A run of the word-level comparison alone (--only W) has no baselines for these targets.
    if any(method(c, "naive") or method(c, "set") for (k, _), c in work.items() if k in "AB"):
        print("| target | measured | goal | result |")
        print("|---|---:|---:|---|")
        for r in rows:
            print("| " + " | ".join(r) + " |")

    words(work)

    # Anything that went wrong.
    problems = []
    for key, c in sorted(work.items()):
        if not c:
            problems.append(f"{key[0]}{key[1]}: no compare.json")
            continue
        for name in METHODS:
            mm = c.get("methods", {}).get(name)
            if mm and mm.get("status") != "ok":
                problems.append(f"{key[0]}{key[1]} {name}: {mm.get('status')} ({mm.get('reason', '')})")
        for name, agrees in (c.get("agreement_with_naive") or {}).items():
            if not agrees:
                problems.append(f"{key[0]}{key[1]}: {name} disagrees with naive on match counts")
    if problems:
        print("\nNot measured or not in agreement:\n")
        for p in problems:
            print(f"- {p}")


def cpu_rate(c, name):
    """Records per CPU second (user + system, the process's children included): on a shared
    machine the wall time of a pass includes the time other processes held the core."""
    m = method(c, name)
    return m["records"] / m["cpu_median_s"] if m and m.get("cpu_median_s") else None


def words(work):
    """The word-level comparison (bench/run --only W): workload A's rules with terms lists (W)
    beside the same rules with character-level lists (A), on the same records."""
    ns = sorted(n for (k, n) in work if k == "W" and work[(k, n)])
    if not ns:
        return
    print("\n#### Word-level lists: the same rules with `terms` (W) and with `list` (A)\n")
    print("Per method: records/s by wall time, then by CPU time (user + system).\n")
    print("| rules | compile A / W | engine A | engine W | process A | process W "
          "| rules fired A / W |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in ns:
        a, w = work.get(("A", n)), work[("W", n)]

        def rec(c, name):
            m = method(c, name)
            if not m:
                return "n/a"
            cpu = cpu_rate(c, name)
            return f"{human(m['records_per_s'])} / {human(cpu)} rec/s" if cpu else \
                f"{human(m['records_per_s'])} rec/s"

        def comp(c):
            m = method(c, "engine")
            return f"{m['compile_s']:.2f} s" if m and m.get("compile_s") is not None else "n/a"

        def fired(c):
            m = method(c, "engine")
            return str(m.get("rules_fired", "n/a")) if m else "n/a"

        print(f"| {n} | {comp(a)} / {comp(w)} | {rec(a, 'engine')} | {rec(w, 'engine')} | "
              f"{rec(a, 'process')} | {rec(w, 'process')} | {fired(a)} / {fired(w)} |")
    rows = []

    def add(what, wall, cpu, fmt, goal, ok):
        shown = " / ".join("n/a" if v is None else fmt(v) for v in (wall, cpu))
        res = " / ".join("n/a" if v is None else ("pass" if ok(v) else "**miss**")
                         for v in (wall, cpu))
        rows.append((what, shown, goal, res))

    x = lambda v: f"{v:.2f}x"
    pct = lambda v: f"{100 * v:.0f}%"
    lo, hi = (100, 1000) if {100, 1000} <= set(ns) else (tuple(ns[-2:]) if len(ns) > 1 else (None, None))
    if lo is not None:
        wl, wh = work[("W", lo)], work[("W", hi)]
        add(f"W {lo} -> {hi} rules: engine time per record",
            ratio(rate(wl, "engine"), rate(wh, "engine")),
            ratio(cpu_rate(wl, "engine"), cpu_rate(wh, "engine")), x, "< 1.3x", lambda v: v < 1.3)
    hs = [n for n in ns if method(work[("W", n)], "hyperscan")]
    if hs:
        n = 1000 if 1000 in hs else hs[-1]
        c = work[("W", n)]
        add(f"W {n}: engine in-process / Hyperscan raw scan of the equivalent regexes",
            ratio(rate(c, "engine"), rate(c, "hyperscan")),
            ratio(cpu_rate(c, "engine"), cpu_rate(c, "hyperscan")), x, ">= 1x", lambda v: v >= 1)
    n = 1000 if 1000 in ns else ns[-1]
    c = work[("W", n)]
    add(f"W {n}: `triage filter` cold process / engine in-process (warm), "
        f"{c.get('records') if c else '?'} records",
        ratio(rate(c, "process"), rate(c, "engine")),
        ratio(cpu_rate(c, "process"), cpu_rate(c, "engine")), pct, ">= 50%", lambda v: v >= 0.5)
    print("\n| target | measured: wall / CPU | goal | result: wall / CPU |")
    print("|---|---:|---:|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
