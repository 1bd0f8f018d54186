# SPDX-License-Identifier: Apache-2.0
"""The module and the CLI give the same bytes: `triage filter` (both output modes, error lines,
blank lines), `triage explain --format json`, `triage eval --format json`, `triage diff --format
json` and `triage test`'s summary, on examples/ and the default pack."""

import json

import pytest

import triage
from conftest import DEFAULT_CONFIG, EXAMPLES, PACK, run_cli, write_pack

# Files without SMS conversations: since SMS conversations landed, `triage filter` threads
# `kind: sms` records and adds a `conversation` object (docs/conversations.md), which the module's
# per-record scan does not do yet (docs/python.md, "Limits").
EXAMPLE_FILES = ["reports.jsonl", "labeled/cybertipline.records.jsonl"]


def cli_lines(done):
    return done.stdout.decode().splitlines()


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("output", ["decision", "annotate"])
def test_scan_many_matches_filter_on_examples(default_rules, triage_binary, name, output):
    path = EXAMPLES / name
    expected = cli_lines(run_cli(triage_binary, "filter", "--config", str(DEFAULT_CONFIG),
                                 "--output", output, str(path)))
    records = path.read_text().splitlines()
    assert all(r.strip() for r in records)  # no blank lines: positions are line numbers
    got = [d.to_json(output) for d in default_rules.scan_many(records, jobs=2)]
    assert got == expected
    with open(path, "rb") as f:
        assert list(default_rules.filter(f, output=output, jobs=2)) == expected


def test_dict_records_match_filter_on_their_compact_json(default_rules, triage_binary):
    records = [json.loads(line) for line in (EXAMPLES / "reports.jsonl").read_text().splitlines()]
    compact = "\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    expected = cli_lines(run_cli(triage_binary, "filter", "--config", str(DEFAULT_CONFIG),
                                 input=compact.encode()))
    assert [d.to_json("annotate") for d in default_rules.scan_many(records)] == expected


def test_error_and_blank_lines_match_filter(tmp_path, triage_binary):
    config = write_pack(tmp_path, PACK, "rules: [main.rules]\nlimits:\n  max_record_bytes: 200\n")
    rules = triage.load(config)
    lines = [
        b'{"id":"a","summary":"meet up with a 12 yo"}',
        b"",
        b"   \t\r",
        b"not json",
        b"[1,2]",
        b'{"id":"b","victims":[{"age":"nine"}]}',
        b'{"id":"c","summary":"\xff\xfe"}',
        b'{"id":"d","summary":"x","summary":"y"}',
        b'{"id":"e","summary":"' + b"long " * 60 + b'"}',
        b'{"id":"f","summary":"took my passport"}\r',
        b'{"id":"g","summary":"caf\xc3\xa9 \xe2\x80\x94 tonight, a 9 yo"}',
    ]
    data = b"\n".join(lines) + b"\n"
    (tmp_path / "in.jsonl").write_bytes(data)
    for output in ("annotate", "decision"):
        done = run_cli(triage_binary, "filter", "--config", str(config), "--output", output,
                       str(tmp_path / "in.jsonl"), check_codes=(1,))
        expected = cli_lines(done)
        with open(tmp_path / "in.jsonl", "rb") as f:
            assert list(rules.filter(f, output=output, batch_size=3)) == expected
        assert list(rules.filter(data.split(b"\n"), output=output, jobs=3)) == expected
        codes = [json.loads(line)["triage"].get("error", {}).get("code") for line in expected]
        assert codes == [None, "invalid_json", "not_an_object", "wrong_type", "invalid_utf8",
                         "duplicate_key", "too_large", None, None]


def test_explain_matches_explain_json(default_rules, triage_binary):
    path = EXAMPLES / "reports.jsonl"
    why_not = default_rules.rules[:2]
    args = ["explain", "--config", str(DEFAULT_CONFIG), "--format", "json"]
    for rule in why_not:
        args += ["--why-not", rule]
    expected = cli_lines(run_cli(triage_binary, *args, str(path)))
    for number, (line, record) in enumerate(zip(expected, path.read_text().splitlines()), 1):
        explanation = default_rules.explain(record, why_not=why_not, line=number)
        assert explanation.to_json() == line
        assert explanation.decision == default_rules.scan(record)


def test_eval_matches_eval_json(default_rules, triage_binary):
    records = EXAMPLES / "reports.jsonl"
    labels = EXAMPLES / "labels.jsonl"
    done = run_cli(triage_binary, "eval", "--config", str(DEFAULT_CONFIG), "--labels", str(labels),
                   "--format", "json", "--target-recall", "P2=0.9", str(records),
                   check_codes=(0, 1))
    report = triage.eval(default_rules, records, labels, target_recall=["P2=0.9"], jobs=2)
    assert report.to_json() + "\n" == done.stdout.decode()
    # Records and labels given as Python values measure the same (only the names differ).
    from_values = triage.eval(default_rules, records.read_text().splitlines(),
                              [json.loads(x) for x in labels.read_text().splitlines()],
                              target_recall={"P2": 0.9})
    a, b = report.to_dict(), from_values.to_dict()
    for key in ("input", "labels"):
        a.pop(key), b.pop(key)
    assert a == b


def test_compare_matches_diff_json(tmp_path, default_rules, triage_binary):
    head_dir = tmp_path / "head"
    head_dir.mkdir()
    for name, text in default_rules.sources:
        (head_dir / name).write_text(text)
    # The head adds one rule on words that only two example reports use.
    (head_dir / "extra.rules").write_text(
        'rule extra_words "A test rule" { when text ~ /\\b(technician|thumbnails)\\b/i '
        'urgency +40 }\n')
    config = dict(default_rules.sources)["triage.yaml"]
    assert "  - negatives.rules" in config
    (head_dir / "triage.yaml").write_text(
        config.replace("  - negatives.rules", "  - negatives.rules\n  - extra.rules"))
    records = EXAMPLES / "reports.jsonl"
    labels = EXAMPLES / "labels.jsonl"
    done = run_cli(triage_binary, "diff", "--base", str(DEFAULT_CONFIG), "--head",
                   str(head_dir / "triage.yaml"), "--labels", str(labels), "--format", "json",
                   str(records), check_codes=(0, 1))
    comparison = triage.compare(default_rules, head_dir / "triage.yaml", records, labels=labels,
                                jobs=2)
    assert comparison.to_json() + "\n" == done.stdout.decode()
    assert comparison.changes, "the head ruleset should change some decisions"


def test_test_matches_triage_test(default_rules, triage_binary):
    tests = DEFAULT_CONFIG.parent / "tests"
    done = run_cli(triage_binary, "test", "--config", str(DEFAULT_CONFIG), str(tests),
                   check_codes=(0, 1))
    report = triage.test(tests, rules=DEFAULT_CONFIG)
    assert cli_lines(done)[-1] == report.summary()
    failing = [line for line in cli_lines(done) if " FAIL " in line]
    assert failing == [str(c) for c in report.failures]
