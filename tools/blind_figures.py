#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The four first-pass figures of a blind round (rules/README.md, "Blind rounds").

Runs `triage filter --output decision` on a round's records and compares with its labels:
  under-triage  records labelled P1/P2 decided P3/P4 (of the urgent ones)
  band          decided band == labelled band
  top category  the decision's first category is among the labelled categories (a label with no
                category means none applies: the fallback, unclassified, is then the match)
  no-case merged  the same, with hotline_contact and unclassified counted as one (both say "no
                case": writers label the same wrong number or question either way)
  over-triage   records labelled P4 decided P1/P2 (of the P4 ones)
Usage: tools/blind_figures.py --triage build/triage --config rules/triage.yaml \
           RECORDS.jsonl LABELS.jsonl [--list] [--max-under N] [--max-over N]
       tools/blind_figures.py ... --dir examples/blind [--max-under N] [--max-over N]
--dir reads every round*/w*.records.jsonl and w*.labels.jsonl under the directory (a regression
run over all rounds; each round is triaged on its own, as its first pass was, so that writers of
different rounds who chose the same conversation id ("c-w4-a") do not share a conversation);
--max-under / --max-over make the exit status 1 when the count of under-triaged (over-triaged)
records exceeds N (ctest rules.blind).
"""
import glob
import os
import argparse
import collections
import json
import subprocess
import sys

URGENT = {"P1", "P2"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triage", default="build/triage")
    ap.add_argument("--config", default="rules/triage.yaml")
    ap.add_argument("--list", action="store_true", help="list every miss")
    ap.add_argument("--dir", help="every round*/w*.records.jsonl and w*.labels.jsonl under DIR")
    ap.add_argument("--per-round", action="store_true",
                    help="also a table row per round (ids rNwK-...), for rules/README.md")
    ap.add_argument("--max-under", type=int, default=None)
    ap.add_argument("--max-over", type=int, default=None)
    ap.add_argument("records", nargs="?")
    ap.add_argument("labels", nargs="?")
    args = ap.parse_args()
    if args.dir:
        # one group of record files per round: a round is triaged on its own
        inputs = {}
        for name in sorted(glob.glob(os.path.join(args.dir, "round*", "w*.records.jsonl"))):
            inputs.setdefault(os.path.dirname(name), []).append(name)
        label_files = sorted(glob.glob(os.path.join(args.dir, "round*", "w*.labels.jsonl")))
        for kind, found in (("records", inputs), ("labels", label_files)):
            if not found:
                print(f"blind_figures: no round*/w*.{kind}.jsonl under {args.dir}", file=sys.stderr)
                return 2
        inputs = list(inputs.values())
    elif not args.records or not args.labels:
        ap.error("RECORDS and LABELS, or --dir")
    else:
        inputs, label_files = [[args.records]], [args.labels]
    labels = {}
    for name in label_files:
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    label = json.loads(line)
                    labels[label["id"]] = label
    # `triage filter` exits 1 when a line is an error line (a field of the wrong type, say); the
    # figures still count that record, as not triaged
    outs = []
    for names in inputs:
        records = ""
        for name in names:
            with open(name, encoding="utf-8") as f:
                text = f.read()
            # a file whose last line has no newline must not run into the next file's first line
            records += text if not text or text.endswith("\n") else text + "\n"
        run = subprocess.run([args.triage, "filter", "--config", args.config, "--output", "decision"],
                             input=records, capture_output=True, text=True)
        if run.returncode not in (0, 1) or not run.stdout:
            sys.exit(f"blind_figures: triage filter failed (exit {run.returncode}): {run.stderr.strip()}")
        outs.append(run.stdout)
    out = "".join(outs)
    no_case = {"hotline_contact", "unclassified"}
    misses = []
    errors = 0
    rounds = {}  # round ("r13") -> Counter of the figures' numerators and denominators
    for line in out.splitlines():
        d = json.loads(line)
        label = labels.get(d.get("id"))
        if label is None:
            continue
        t = d["triage"]
        if "error" in t:  # not triaged: no band, no category
            errors += 1
            decided, top = "error:" + t["error"]["code"], ""
        else:
            decided = t["urgency"]["band"]
            top = t["categories"][0]["name"] if t["categories"] else ""
        wanted = label["categories"] or ["unclassified"]
        urgent = label["band"] in URGENT
        p4 = label["band"] == "P4"
        row = {"n": True, "urgent": urgent, "under": urgent and decided not in URGENT,
               "band": decided == label["band"], "top": top in wanted,
               "merged": top in wanted or (top in no_case and bool(no_case & set(wanted))),
               "p4": p4, "over": p4 and decided in URGENT}
        rounds.setdefault(d["id"].split("w")[0], collections.Counter()).update(
            {k: int(v) for k, v in row.items()})
        miss = "under" if row["under"] else "over" if row["over"] else None
        if miss:
            misses.append((miss, d["id"], label["band"], decided, top, label["categories"]))
        if not row["top"]:
            misses.append(("category", d["id"], label["band"], decided, top, label["categories"]))
    total = sum(rounds.values(), collections.Counter())

    def pct(a, b):
        return f"{a}/{b} = {100.0 * a / b:.1f}%" if b else "-"
    print(f"records {total['n']}" + (f" ({errors} error lines, counted as not triaged)" if errors else ""))
    print(f"under-triage  {pct(total['under'], total['urgent'])}")
    print(f"band agrees   {pct(total['band'], total['n'])}")
    print(f"top category  {pct(total['top'], total['n'])}")
    print(f"over-triage   {pct(total['over'], total['p4'])}")
    print(f"no-case merged {pct(total['merged'], total['n'])}  (top category, hotline_contact = unclassified)")
    if args.per_round:
        print("| round | records | under | band | top category | over |")
        print("|---|---:|---:|---:|---:|---:|")
        for key in sorted(rounds, key=lambda k: int(k[1:]) if k[1:].isdigit() else 0):
            r = rounds[key]
            print(f"| {key[1:]} | {r['n']} | {pct(r['under'], r['urgent'])} | {pct(r['band'], r['n'])} | "
                  f"{pct(r['top'], r['n'])} | {pct(r['over'], r['p4'])} |")
    if args.list:
        for m in misses:
            print("  %-8s %-10s labelled %s decided %s top %-28s want %s" % (
                m[0], m[1], m[2], m[3], m[4], ",".join(m[5])))
    failed = 0
    under, over = total["under"], total["over"]
    if args.max_under is not None and under > args.max_under:
        print(f"blind_figures: under-triage {under} exceeds --max-under {args.max_under}", file=sys.stderr)
        failed = 1
    if args.max_over is not None and over > args.max_over:
        print(f"blind_figures: over-triage {over} exceeds --max-over {args.max_over}", file=sys.stderr)
        failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
