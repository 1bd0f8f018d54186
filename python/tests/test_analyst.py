# SPDX-License-Identifier: Apache-2.0
"""explain, eval, test and compare as data, on the small pack whose decisions are known."""

import json

import pytest

import triage
from conftest import LABOR, MEETING, PACK, PACK_CONFIG, QUIET, URGENT, write_pack

RECORDS = [URGENT, MEETING, LABOR, QUIET]


def test_explain_gives_ledger_spans_counterfactual_and_why_not(pack):
    e = pack.explain(MEETING, why_not=["imminent_danger"])
    assert e.decision == pack.scan(MEETING)
    ledger = e.ledger
    assert [(r["rule"], r["running"]) for r in ledger["rules"]] == [
        ("minor_age_mentioned", 15), ("meeting_a_minor", 50)]
    assert ledger["score"] == 50 and ledger["band"] == "P2"
    assert ledger["next_band"] == {"name": "P1", "min": 80}
    assert e.categories["assigned"] == [{"name": "enticement", "score": 40}]
    assert e.texts[0]["text"] == MEETING["summary"]
    assert e.closest[0]["rule"] == "imminent_danger"
    assert {s["rule"] for s in e.spans} >= {"meeting_a_minor"}
    span = next(s for s in e.spans if s["rule"] == "meeting_a_minor")
    assert MEETING["summary"][span["begin"]:span["end"]] == span["text"] == "meet up"
    cf = e.counterfactual
    assert cf["found"] is True and cf["rules"] == ["meeting_a_minor"] and cf["band"] == "P4"
    (why,) = e.why_not
    assert why["rule"] == "imminent_danger" and why["fired"] is False
    assert [c["holds"] for c in why["condition"]["children"]] == [False, True]
    assert e.to_dict() == json.loads(e.to_json())


def test_explain_options(pack):
    e = pack.explain(URGENT, closest=0, max_set=0)
    assert e.counterfactual is None and e.closest == [] and e.why_not == []
    assert pack.explain(QUIET, why_not="documents_held").why_not[0]["rule"] == "documents_held"
    assert "closest" in pack.explain(LABOR, closest=2).to_dict()


LABELS = [
    {"id": "r-1", "band": "P1"},
    {"id": "r-2", "band": "P1", "categories": ["enticement"]},   # decided P2: under-triage
    {"id": "r-3", "band": "P2", "categories": ["labor_trafficking"]},
    {"id": "r-4", "band": "P4", "categories": ["unclassified"]},
]


def test_eval_finds_the_misses(pack):
    report = triage.eval(pack, RECORDS, LABELS)
    assert report.ruleset == pack.digest
    # The urgent band is P2: r-3 (labelled P2) decided P3 is the miss; r-2 (P1 -> P2) is not.
    assert [(m["id"], m["expected"], m["decided"]) for m in report.under_triage] == [
        ("r-3", "P2", "P3")]
    per = {c["name"]: c for c in report.categories}
    assert per["enticement"]["tp"] == 1 and per["labor_trafficking"]["recall"] == 1.0
    assert report.confusion["matrix"][0][1] == 1
    assert report.corpus["records"] == 4 and report.record_errors == ()
    assert report.to_dict() == json.loads(report.to_json())
    assert "1 under-triaged" in repr(report)
    strict = triage.eval(pack, RECORDS, LABELS, urgent_band="P1")
    assert [m["id"] for m in strict.under_triage] == ["r-2"]  # r-3 is labelled P2


def test_eval_with_bad_records_and_targets(pack):
    report = triage.eval(pack, RECORDS + ["nope"], LABELS, urgent_band="P1",
                         target_recall={"P1": 1.0})
    assert [(e.line, e.code) for e in report.record_errors] == [(5, "invalid_json")]
    assert report.corpus["errors"] == 1
    assert report.targets[0]["key"] == "P1"
    assert report.to_dict()["under_triage"]["urgent_band"] == "P1"


def test_eval_reads_files_and_skips_blank_lines(tmp_path, pack):
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n\n")
    (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(x) for x in LABELS) + "\n")
    report = triage.eval(pack, tmp_path / "r.jsonl", str(tmp_path / "l.jsonl"))
    assert report.to_dict()["input"] == str(tmp_path / "r.jsonl")
    assert report.record_errors == () and report.corpus["records"] == 4


def test_a_rule_change_compared(pack):
    head = triage.compile({"main.rules": PACK["main.rules"].replace("urgency  +35",
                                                                    "urgency  +70")})
    comparison = triage.compare(pack, head, RECORDS, labels=LABELS)
    (change,) = comparison.changes
    assert change["id"] == "r-2" and change["move"] == "more_urgent"
    assert change["base"]["band"] == "P2" and change["head"]["band"] == "P1"
    assert change["label"]["relation"] == "toward"
    assert comparison.summary["more_urgent"] == 1 and comparison.summary["records"] == 4
    assert comparison.to_dict()["base"]["config"] == "<base>"


def test_compare_reports_records_either_side_refuses(pack):
    strict = triage.compile(PACK, "rules: [main.rules]\nlimits:\n  max_record_bytes: 80\n")
    long_record = {"id": "long", "summary": "y" * 100}
    comparison = triage.compare(pack, strict, RECORDS + [long_record])
    assert [(e.id, e.code, e.line) for e in comparison.errors] == [("long", "too_large", 5)]
    assert comparison.summary["records"] == 4


EXPECTATIONS = """
- name: meeting a minor
  text: "An adult wants to meet up with a 13 year old."
  band: P2
  categories: [enticement]
  rules: [meeting_a_minor]

- name: a wrong expectation
  text: "The boss took my passport."
  band: P1

- name: an unknown rule name
  text: "nothing"
  rules: [no_such_rule]
"""


def test_test_runs_cases_and_reports_each(tmp_path, pack):
    (tmp_path / "cases.yaml").write_text(EXPECTATIONS)
    report = triage.test(tmp_path, rules=pack)
    assert [c.status for c in report.cases] == ["passed", "failed", "error"]
    assert (report.passed, report.failed, report.ok) == (1, 2, False)
    assert report.summary() == "1 passed, 2 failed"
    wrong = report.cases[1]
    assert wrong.problems == ["band: expected P1, got P2 (score 30)"] or wrong.problems[0].startswith("band:")
    assert wrong.decision.band == "P3" or wrong.decision.band
    invalid = report.cases[2]
    assert [d.code for d in invalid.diagnostics if d.severity == "error"] == ["unknown-name"]
    assert invalid.diagnostics[0].line == 14 and "no_such_rule" in invalid.rendered
    assert str(report.cases[1]).startswith(f"{tmp_path}/cases.yaml:8: FAIL a wrong expectation: ")


def test_test_uses_the_files_config_or_the_given_path(tmp_path):
    config = write_pack(tmp_path, PACK, PACK_CONFIG)
    (tmp_path / "with_key.yaml").write_text("config: triage.yaml\ncases:\n" + "\n".join(
        "  " + line for line in EXPECTATIONS.splitlines()[1:6]) + "\n")
    (tmp_path / "without_key.yaml").write_text(EXPECTATIONS.split("\n- name: a wrong")[0])
    assert triage.test(tmp_path / "with_key.yaml").ok
    assert triage.test(tmp_path / "without_key.yaml", rules=config).ok
    (no_config,) = triage.test(tmp_path / "without_key.yaml").cases
    assert no_config.status == "error" and no_config.name == "(file)"
    assert no_config.problems == ["no config to run the cases with"]


def test_test_reports_invalid_files_and_broken_configs(tmp_path):
    (tmp_path / "bad.yaml").write_text("- name: x\n  text: [unclosed\n")
    (case,) = triage.test(tmp_path / "bad.yaml", rules=triage.compile(PACK)).cases
    assert case.status == "error" and case.problems[0].startswith("invalid expectation file:")
    assert case.diagnostics and case.rendered
    (tmp_path / "broken.rules").write_text("rule {")
    (tmp_path / "broken.yaml").write_text("rules: [broken.rules]\n")
    (tmp_path / "uses_broken.yaml").write_text("config: broken.yaml\ncases:\n  - text: x\n    band: P4\n")
    (case,) = triage.test(tmp_path / "uses_broken.yaml").cases
    assert case.status == "error" and "did not load" in case.problems[0]
    assert [d.code for d in case.diagnostics if d.severity == "error"] == ["syntax"]
