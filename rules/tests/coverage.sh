#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Rule coverage of the default pack's expectation files.
#
# Lists (1) the rules that fire in no case of the expectation files and (2) the rules that no
# case asserts as not firing (`rules: {not_fired: [...]}`): every rule should be shown firing
# where it should and, by a near miss, not firing where it should not. Exits 0 when both lists
# are empty, 1 when either is not, 2 on a usage error, 77 when python3 with PyYAML is missing
# (ctest's SKIP_RETURN_CODE).
#
# It does not check that the cases pass: run `triage test` for that. A rule is counted as
# fired when it fires on a case's record, whether or not the case names it.
#
# usage: rules/tests/coverage.sh [--triage BIN] [--config CONFIG] [PATH...]
#   --triage BIN     the triage executable (default: $TRIAGE, else build/triage, else triage)
#   --config CONFIG  the config for files that do not name their own (default: rules/triage.yaml
#                    next to this script's directory)
#   PATH...          expectation files or directories (default: this script's directory;
#                    directories are read like `triage test` reads them: *.yaml and *.yml
#                    directly inside, not recursively)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
triage="${TRIAGE:-}"
config="$here/../triage.yaml"
paths=()
while (($#)); do
  case "$1" in
    --triage) triage="${2:?--triage needs a value}"; shift 2 ;;
    --config) config="${2:?--config needs a value}"; shift 2 ;;
    -h|--help) sed -n '3,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) paths+=("$1"); shift ;;
  esac
done
if [[ -z "$triage" ]]; then
  if [[ -x "$here/../../build/triage" ]]; then triage="$here/../../build/triage"; else triage=triage; fi
fi
if ((${#paths[@]} == 0)); then paths=("$here"); fi
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "coverage.sh: skipped: needs python3 with PyYAML" >&2
  exit 77
fi

exec python3 - "$triage" "$config" "${paths[@]}" <<'PY'
import json, os, re, subprocess, sys
import yaml

triage, default_config, paths = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]

def expectation_files(path):
    if os.path.isdir(path):
        return [os.path.join(path, n) for n in sorted(os.listdir(path))
                if n.endswith((".yaml", ".yml")) and os.path.isfile(os.path.join(path, n))]
    return [path]

def record_of(case):
    # The record `triage test` builds for a case (docs/test.md, section 3.1).
    if "record" in case:
        r = case["record"]
        return r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
    kind = case.get("kind")
    if kind == "sms":
        return json.dumps({"kind": "sms", "body": case["text"]}, ensure_ascii=False)
    if kind == "report":
        return json.dumps({"kind": "report", "summary": case["text"]}, ensure_ascii=False)
    return json.dumps({"summary": case["text"]}, ensure_ascii=False)

def rules_of(config):
    # Rule names declared in the config's rule files.
    with open(config, encoding="utf-8") as f:
        files = yaml.safe_load(f).get("rules") or []
    if isinstance(files, str):
        files = [files]
    names = []
    for name in files:
        with open(os.path.join(os.path.dirname(config), name), encoding="utf-8") as f:
            names += re.findall(r"^\s*rule\s+([A-Za-z_][A-Za-z0-9_]*)", f.read(), re.M)
    return names

by_config = {}      # config -> list of record lines
near_miss = {}      # config -> set of rule names asserted not to fire
for path in paths:
    for file in expectation_files(path):
        try:
            with open(file, encoding="utf-8") as f:
                doc = yaml.safe_load(f) or []
        except (OSError, yaml.YAMLError) as e:
            print(f"coverage.sh: {file}: {e}", file=sys.stderr)
            sys.exit(1)
        config, cases = default_config, doc
        if isinstance(doc, dict):
            cases = doc.get("cases") or []
            if doc.get("config"):
                config = os.path.abspath(os.path.join(os.path.dirname(file), doc["config"]))
        for case in cases:
            if not isinstance(case, dict) or ("text" not in case and "record" not in case):
                continue
            by_config.setdefault(config, []).append(record_of(case))
            expected = case.get("rules")
            if isinstance(expected, dict):
                not_fired = expected.get("not_fired") or []
                near_miss.setdefault(config, set()).update(
                    [not_fired] if isinstance(not_fired, str) else not_fired)

if not by_config:
    print("coverage.sh: no cases found", file=sys.stderr)
    sys.exit(1)

status = 0
for config, records in by_config.items():
    run = subprocess.run([triage, "filter", "--output", "decision", "--config", config],
                         input="\n".join(records) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        print(f"coverage.sh: triage filter failed ({run.returncode})", file=sys.stderr)
        sys.exit(1)
    fired = set()
    for line in run.stdout.splitlines():
        decision = json.loads(line)["triage"]
        if "error" in decision:
            continue
        fired.update(r["rule"] for r in decision.get("rules", []))
    names = rules_of(config)
    never = [n for n in names if n not in fired]
    no_near_miss = [n for n in names if n not in near_miss.get(config, set())]
    rel = os.path.relpath(config)
    print(f"{rel}: {len(names)} rules, {len(records)} cases")
    print(f"  never fired ({len(never)}): {' '.join(never) if never else 'none'}")
    print(f"  no near-miss case ({len(no_near_miss)}): "
          f"{' '.join(no_near_miss) if no_near_miss else 'none'}")
    if never or no_near_miss:
        status = 1
sys.exit(status)
PY
