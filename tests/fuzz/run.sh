#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one fuzz target the way CI does: first every input under tests/fuzz/regressions/<name>
# (crashes and hangs found before, each must now pass), then RUNS fresh inputs (libFuzzer's -runs,
# a count, never a time limit) mutated from the seed corpora, with the target's dictionary.
#
# Reproducible: the work directory is emptied first and libFuzzer's seed is fixed (TRIAGE_FUZZ_SEED,
# default 1), so the same tree runs the same inputs on any machine; a failure in CI fails the same
# way here. The longer, exploring runs of docs/robustness.md pass -seed=0 (random) and more runs.
# A crash fails the test and leaves the input in WORK_DIR (crash-*, timeout-*, oom-*): copy it to
# tests/fuzz/regressions/<name>/ with the fix, where FuzzRegressionsTest replays it in the normal
# build too.
# Usage: run.sh FUZZER NAME SOURCE_DIR WORK_DIR RUNS [extra libFuzzer flags...]
set -euo pipefail
fuzzer=$(realpath "$1") name=$2 src=$(realpath "$3") work=$4 runs=$5
shift 5
here=$src/tests/fuzz
# Seed corpora: what the project itself runs through each entry point.
case $name in
  rules)  seeds=("$src"/rules/*.rules "$src"/tests/golden/diagnostics/*.rules
                 "$src"/bench/testdata/tiny/*.rules) ;;
  config) seeds=("$src/rules/triage.yaml" "$src/bench/testdata/tiny/triage.yaml"
                 "$src"/tests/golden/diagnostics/*.yaml) ;;
  # Records: one seed per line, so that each seed is one record. The labeled corpora
  # (examples/labeled, 335 records more of the same shapes) join with TRIAGE_FUZZ_SEEDS=all, as in
  # the longer runs: at ~30 records/s under the sanitizers they would take the whole CI budget.
  record) seeds=("$src"/examples/reports.jsonl "$src"/examples/sms.jsonl
                 "$src"/examples/conversations.jsonl "$src/bench/testdata/tiny/records.jsonl")
          if [[ ${TRIAGE_FUZZ_SEEDS:-} == all ]]; then
            seeds+=("$src"/examples/labeled/*.records.jsonl)
          fi ;;
  # The adapters' inputs: one Twilio body per line, one report document per line (as
  # `triage filter --input` frames them), one seed each.
  twilio) seeds=("$src/examples/adapters/twilio-sms.form") ;;
  cybertipline) seeds=("$src/examples/adapters/cybertipline.xml") ;;
  *) echo "run.sh: unknown target $name" >&2; exit 2 ;;
esac
rm -rf "$work/new" "$work/seeds"
mkdir -p "$work/new" "$work/seeds"
for s in "${seeds[@]}"; do
  if [[ $name == record || $name == twilio || $name == cybertipline ]]; then
    split -l 1 -d -a 4 "$s" "$work/seeds/$(basename "$s" .jsonl)-"
  else
    cp "$s" "$work/seeds/"
  fi
done
# Whole-file seeds of a target, beside the split ones (a report written over several lines).
if [[ -d $here/seeds/$name ]]; then
  cp "$here/seeds/$name"/* "$work/seeds/"
fi
regressions=("$here/regressions/$name"/*)
if [[ -e ${regressions[0]} ]]; then
  "$fuzzer" -rss_limit_mb=4096 "${regressions[@]}"
fi
cd "$work"
exec "$fuzzer" -runs="$runs" -seed="${TRIAGE_FUZZ_SEED:-1}" -max_len=65536 -rss_limit_mb=4096 \
  -timeout=60 -dict="$here/$name.dict" -print_final_stats=1 "$@" "$work/new" "$work/seeds"
