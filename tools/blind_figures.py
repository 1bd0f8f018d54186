#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The four first-pass figures of a blind round (rules/README.md, "Blind rounds").

Runs `triage filter --output decision` on a round's records and compares with its labels:
  under-triage  records labelled P1/P2 decided P3/P4 (of the urgent ones)
  band          decided band == labelled band
  top category  the decision's first category is among the labelled categories
  over-triage   records labelled P4 decided P1/P2 (of the P4 ones)
Usage: tools/blind_figures.py --triage build/triage --config rules/triage.yaml \
           RECORDS.jsonl LABELS.jsonl [--list]
"""
import argparse
import json
import subprocess
import sys

URGENT = {"P1", "P2"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triage", default="build/triage")
    ap.add_argument("--config", default="rules/triage.yaml")
    ap.add_argument("--list", action="store_true", help="list every miss")
    ap.add_argument("records")
    ap.add_argument("labels")
    args = ap.parse_args()
    labels = {}
    with open(args.labels, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                label = json.loads(line)
                labels[label["id"]] = label
    out = subprocess.run([args.triage, "filter", "--config", args.config, "--output", "decision",
                          args.records], check=True, capture_output=True, text=True).stdout
    n = urgent = under = band_ok = top_ok = p4 = over = 0
    misses = []
    for line in out.splitlines():
        d = json.loads(line)
        label = labels.get(d.get("id"))
        if label is None or "error" in d["triage"]:
            continue
        t = d["triage"]
        n += 1
        decided = t["urgency"]["band"]
        top = t["categories"][0]["name"] if t["categories"] else ""
        if label["band"] in URGENT:
            urgent += 1
            if decided not in URGENT:
                under += 1
                misses.append(("under", d["id"], label["band"], decided, top, label["categories"]))
        if label["band"] == "P4":
            p4 += 1
            if decided in URGENT:
                over += 1
                misses.append(("over", d["id"], label["band"], decided, top, label["categories"]))
        band_ok += decided == label["band"]
        if top in label["categories"]:
            top_ok += 1
        else:
            misses.append(("category", d["id"], label["band"], decided, top, label["categories"]))

    def pct(a, b):
        return f"{a}/{b} = {100.0 * a / b:.1f}%" if b else "-"
    print(f"records {n}")
    print(f"under-triage  {pct(under, urgent)}")
    print(f"band agrees   {pct(band_ok, n)}")
    print(f"top category  {pct(top_ok, n)}")
    print(f"over-triage   {pct(over, p4)}")
    if args.list:
        for m in misses:
            print("  %-8s %-10s labelled %s decided %s top %-28s want %s" % (
                m[0], m[1], m[2], m[3], m[4], ",".join(m[5])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
