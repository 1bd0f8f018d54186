# SPDX-License-Identifier: Apache-2.0
"""scan() and scan_many(): decisions as attributes, dicts and the CLI's JSON."""

import json

import pytest

import triage
from conftest import LABOR, MEETING, PACK, QUIET, URGENT


def test_scan_a_dict(pack):
    d = pack.scan(URGENT)
    assert isinstance(d, triage.Decision)
    assert d.id == "r-1"
    assert d.band == "P1" and d.urgency == 90
    assert d.rule_names == ["minor_age_mentioned", "meeting_a_minor", "imminent_danger"]
    assert d.category_names == ["enticement"]
    assert d.tags == ["minor"] and d.routes == ["duty-officer"]
    assert d.ruleset == pack.digest and d.engine == triage.__version__
    hit = d.rules[2]
    assert (hit.rule, hit.urgency, hit.floor, hit.categories) == ("imminent_danger", 0, 90, [])


def test_categories_and_fallback(pack):
    d = pack.scan(MEETING)
    assert d.category_names == ["enticement"]
    assert d.categories[0].name == "enticement" and d.categories[0].score == 40
    assert d.rules[1].categories[0].score == 40
    assert d.urgency == 50 and d.band == "P2"
    quiet = pack.scan(QUIET)
    assert quiet.band == "P4" and quiet.urgency == 0 and quiet.rules == []
    assert quiet.category_names == ["unclassified"]


def test_fallback_by_band(pack):
    assert pack.config["fallback_by_band"] == {}
    banded = triage.compile(PACK, "categories:\n  fallback_by_band: {P4: hotline_contact}\n")
    assert banded.config["fallback_by_band"] == {"P4": "hotline_contact"}
    assert banded.digest != triage.compile(PACK).digest
    quiet = banded.scan(QUIET)
    assert quiet.band == "P4" and quiet.category_names == ["hotline_contact"]
    meeting = banded.scan(MEETING)
    assert meeting.category_names == ["enticement"]


def test_fallback_by_field(pack):
    assert pack.config["fallback_by_field"] is None
    config = ("categories:\n  fallback_by_band: {P4: hotline_contact}\n"
              "  fallback_by_field: {field: channel, values: {platform: unclassified}}\n")
    by_field = triage.compile(PACK, config)
    assert by_field.config["fallback_by_field"] == {
        "field": "channel", "values": {"platform": "unclassified"}}
    assert by_field.digest != triage.compile(PACK, config.replace("platform", "api")).digest
    assert by_field.scan(QUIET).category_names == ["hotline_contact"]
    assert by_field.scan(dict(QUIET, channel="sms")).category_names == ["hotline_contact"]
    assert by_field.scan(dict(QUIET, channel="platform")).category_names == ["unclassified"]


def test_str_bytes_and_dict_give_the_same_decision(pack):
    text = json.dumps(LABOR)
    a, b, c = pack.scan(LABOR), pack.scan(text), pack.scan(text.encode())
    assert a == b == c
    assert a.to_json() == b.to_json() == c.to_json()
    assert b.record == text and c.record == text.encode()


def test_to_dict_is_the_json(pack):
    d = pack.scan(URGENT)
    assert d.to_dict() == json.loads(d.to_json())
    triage_object = d.to_dict()["triage"]
    assert triage_object["urgency"] == {"score": 90, "band": "P1"}
    assert triage_object["rules"][2] == {"rule": "imminent_danger", "urgency": 0, "floor": 90}
    assert triage_object["rules"][1] == {"rule": "meeting_a_minor", "urgency": 35,
                                         "categories": {"enticement": 40}}
    annotated = d.to_dict("annotate")
    assert annotated["summary"] == URGENT["summary"] and annotated["triage"] == triage_object


def test_decision_line_keeps_the_record_text_verbatim(pack):
    text = '{ "id" : "r-9",  "summary": "meet up with a 9 yo",\t"extra": [1, 2.50] }'
    line = pack.scan(text).to_json("annotate")
    assert line.startswith('{ "id" : "r-9",  "summary": "meet up with a 9 yo",\t"extra": [1, 2.50]')
    assert line.endswith("}}") and '"triage":{' in line


def test_record_without_id(pack):
    d = pack.scan({"summary": "nothing here"})
    assert d.id is None
    assert d.to_json().startswith('{"triage":{') and "id" not in d.to_dict()


def test_repr_and_equality(pack):
    d = pack.scan(MEETING)
    assert repr(d) == "Decision(id='r-2', band='P2', urgency=50, categories=[enticement:40])"
    assert "Category(name='enticement', score=40)" == repr(d.categories[0])
    assert d != pack.scan(LABOR) and d != "P2"
    with pytest.raises(TypeError):
        hash(d)
    with pytest.raises(AttributeError):
        d.band = "P1"


def test_scan_many_keeps_order_and_equals_scan(pack):
    records = [URGENT, MEETING, LABOR, QUIET] * 50
    many = list(pack.scan_many(records, jobs=1, batch_size=7))
    assert [d.id for d in many] == [r["id"] for r in records]
    assert many == [pack.scan(r) for r in records]


def test_scan_many_is_lazy_and_takes_any_iterable(pack):
    def generate():
        for i in range(5):
            yield {"id": f"g-{i}", "summary": "meet up with a 12 yo"}
    it = pack.scan_many(generate(), batch_size=2)
    first = next(it)
    assert first.id == "g-0" and first.band == "P2"
    assert [d.id for d in it] == ["g-1", "g-2", "g-3", "g-4"]
    assert list(pack.scan_many([])) == []


def test_error_lines_are_numbered_by_position(pack):
    results = list(pack.scan_many([QUIET] * 3 + ["{"] + [QUIET] * 3, batch_size=2))
    err = results[3]
    assert isinstance(err, triage.RecordError) and err.line == 4
    assert err.to_json().startswith('{"line":4,"triage":{"error":{"code":"invalid_json"')


def test_filter_skips_blank_lines_and_numbers_physical_lines(pack):
    lines = [json.dumps(QUIET) + "\n", "\n", "  \t\r\n", "oops\n", json.dumps(MEETING)]
    out = list(pack.filter(lines, output="decision"))
    assert len(out) == 3
    assert out[0] == pack.scan(QUIET).to_json()
    assert out[1].startswith('{"line":4,')
    assert out[2] == pack.scan(MEETING).to_json()


def test_engine_reload_and_swap(tmp_path, pack):
    from conftest import PACK, write_pack
    path = write_pack(tmp_path, PACK, "rules: [main.rules]\n")
    engine = triage.Engine(path)
    assert engine.rules == triage.compile(PACK, "rules: [main.rules]\n")
    assert engine.generation == 0 and engine.path == str(path)
    first = engine.rules
    before = engine.scan(MEETING)
    (tmp_path / "main.rules").write_text(PACK["main.rules"].replace("urgency  +35", "urgency  +45"))
    new = engine.reload()
    assert engine.generation == 1 and new is engine.rules and new != first
    assert engine.scan(MEETING).urgency == before.urgency + 10
    # A broken edit: RuleError, and the live ruleset stays.
    (tmp_path / "main.rules").write_text("rule {")
    with pytest.raises(triage.RuleError):
        engine.reload()
    assert engine.rules == new and engine.generation == 1
    assert [d.urgency for d in engine.scan_many([MEETING])] == [before.urgency + 10]
    engine.swap(first)
    assert engine.rules is first and engine.generation == 2
    with pytest.raises(TypeError):
        engine.swap("not a ruleset")
    compiled = triage.Engine(pack)
    with pytest.raises(ValueError):
        compiled.reload()
    with pytest.raises(triage.RuleError):
        triage.Engine(tmp_path / "missing.yaml")
