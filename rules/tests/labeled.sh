#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Under-triage guard for the default pack on the blind labeled set (examples/labeled).
#
# Concatenates every *.records.jsonl and every *.labels.jsonl of the labeled directory, runs
# `triage eval --format json` on them and fails when any record labelled P1 or P2 is decided P3
# or P4 (eval's `under_triage.count`, docs/eval.md section 3.1). Also fails when eval reports an
# error, or when a label matches no record (a renamed id would otherwise make the guard vacuous).
# Prints one summary line, and the under-triaged ids when there are any.
#
# Exit codes: 0 no under-triage; 1 under-triage, an eval error or unmatched labels; 2 usage
# error; 77 python3 is missing (ctest's SKIP_RETURN_CODE).
#
# usage: rules/tests/labeled.sh [--triage BIN] [--config CONFIG] [--dir DIR]
#   --triage BIN     the triage executable (default: $TRIAGE, else build/triage, else triage)
#   --config CONFIG  the config (default: rules/triage.yaml next to this script's directory)
#   --dir DIR        the labeled set (default: examples/labeled in the source tree)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
triage="${TRIAGE:-}"
config="$here/../triage.yaml"
dir="$here/../../examples/labeled"
while (($#)); do
  case "$1" in
    --triage) triage="${2:?--triage needs a value}"; shift 2 ;;
    --config) config="${2:?--config needs a value}"; shift 2 ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    -h|--help) sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "labeled.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$triage" ]]; then
  if [[ -x "$here/../../build/triage" ]]; then triage="$here/../../build/triage"; else triage=triage; fi
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "labeled.sh: skipped: needs python3" >&2
  exit 77
fi

shopt -s nullglob
record_files=("$dir"/*.records.jsonl)
label_files=("$dir"/*.labels.jsonl)
if ((${#record_files[@]} == 0 || ${#label_files[@]} == 0)); then
  echo "labeled.sh: no *.records.jsonl or *.labels.jsonl in $dir" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat "${record_files[@]}" > "$tmp/records.jsonl"
cat "${label_files[@]}" > "$tmp/labels.jsonl"

status=0
"$triage" eval --config "$config" --labels "$tmp/labels.jsonl" --format json "$tmp/records.jsonl" \
  > "$tmp/eval.json" || status=$?
if ((status != 0)); then
  echo "labeled.sh: triage eval failed ($status)" >&2
  exit 1
fi

exec python3 - "$tmp/eval.json" <<'PY'
import json, sys

with open(sys.argv[1], encoding="utf-8") as f:
    report = json.load(f)
under = report["under_triage"]
corpus = report["corpus"]
matrix = report["confusion"]["matrix"]
agree = sum(matrix[i][i] for i in range(len(matrix)))
total = sum(sum(row) for row in matrix)
micro = report["categories"]["micro"]
print(f"labeled set: {corpus['matched']} records matched; under-triage {under['count']} of "
      f"{under['expected_urgent']} labelled {under['urgent_band']} or above; band agreement "
      f"{agree}/{total}; categories micro precision {micro['precision']:.3f} recall "
      f"{micro['recall']:.3f}")
status = 0
if under["count"] != 0:
    for r in under["records"]:
        print(f"  under-triaged: {r['id']} (line {r['line']}): labelled {r['expected']}, "
              f"decided {r['decided']} (score {r['score']})")
    status = 1
if corpus["labels_without_record"] or corpus["records_without_label"] or corpus["label_errors"]:
    print(f"  labels without a record: {corpus['labels_without_record']}; records without a "
          f"label: {corpus['records_without_label']}; label errors: {corpus['label_errors']}")
    status = 1
if under["expected_urgent"] == 0:
    print("  no record is labelled urgent: the guard would be vacuous")
    status = 1
sys.exit(status)
PY
