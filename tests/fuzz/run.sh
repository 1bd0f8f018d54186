#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one fuzz target the way CI does: first every input under tests/fuzz/regressions/<name>
# (crashes found before, each must now pass), then RUNS fresh inputs (-runs, never a time limit)
# mutated from the seed corpora, with the target's dictionary. A crash fails the test and leaves
# the input in the work directory: copy it to tests/fuzz/regressions/<name>/ with the fix.
# Usage: run.sh FUZZER NAME SOURCE_DIR WORK_DIR RUNS [extra libFuzzer flags...]
set -euo pipefail
fuzzer=$(realpath "$1") name=$2 src=$(realpath "$3") work=$4 runs=$5
shift 5
here=$src/tests/fuzz
case $name in
  rules)  seeds=("$src/rules" "$src/tests/golden/diagnostics" "$src/bench/testdata/tiny") ;;
  config) seeds=("$src/rules/triage.yaml" "$src/bench/testdata/tiny/triage.yaml"
                 "$src/tests/golden/diagnostics") ;;
  record) seeds=("$src/examples/reports.jsonl" "$src/examples/sms.jsonl"
                 "$src/bench/testdata/tiny/records.jsonl") ;;
  *) echo "run.sh: unknown target $name" >&2; exit 2 ;;
esac
mkdir -p "$work/new" "$work/seeds"
# Seeds: every file of the seed paths (one directory, so that libFuzzer reads them all).
for s in "${seeds[@]}"; do
  if [[ -d $s ]]; then find "$s" -maxdepth 1 -type f -exec cp {} "$work/seeds/" \; ; else cp "$s" "$work/seeds/"; fi
done
regressions=("$here/regressions/$name"/*)
if [[ -e ${regressions[0]} ]]; then
  "$fuzzer" -rss_limit_mb=4096 "${regressions[@]}"
fi
cd "$work"
exec "$fuzzer" -runs="$runs" -max_len=65536 -rss_limit_mb=4096 -dict="$here/$name.dict" \
  -print_final_stats=1 "$@" "$work/new" "$work/seeds"
