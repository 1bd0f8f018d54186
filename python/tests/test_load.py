# SPDX-License-Identifier: Apache-2.0
"""Loading and compiling rulesets, and what a RuleSet tells about itself."""

import re

import pytest

import triage
from conftest import DEFAULT_CONFIG, PACK, PACK_CONFIG, write_pack


def test_load_default_pack(default_rules):
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", default_rules.digest)
    assert default_rules.path == str(DEFAULT_CONFIG)
    assert len(default_rules) == len(default_rules.rules) > 0
    assert "unclassified" not in default_rules.categories or default_rules.categories
    assert [b.name for b in default_rules.bands] == ["P1", "P2", "P3", "P4"]
    assert default_rules.bands[0] == triage.Band("P1", 80, "imminent danger: act now")
    assert default_rules.fields["text"]["paths"] == ["summary", "body"]
    assert default_rules.config["assign_min"] == 30
    assert default_rules.config["fallback"] == "unclassified"


def test_load_accepts_a_path_object(default_rules):
    assert triage.load(DEFAULT_CONFIG).digest == default_rules.digest


def test_compile_gives_the_digest_of_the_same_files_loaded(tmp_path, pack):
    loaded = triage.load(write_pack(tmp_path, PACK, PACK_CONFIG))
    compiled = triage.compile(PACK, PACK_CONFIG)
    assert loaded.digest == compiled.digest
    assert loaded == compiled and hash(loaded) == hash(compiled)
    assert compiled.path is None and loaded.path.endswith("triage.yaml")


def test_compile_is_deterministic_and_sensitive_to_the_text(pack):
    assert triage.compile(PACK).digest == pack.digest
    changed = {"main.rules": PACK["main.rules"].replace("+35\n  category enticement +40",
                                                         "+36\n  category enticement +40")}
    assert triage.compile(changed).digest != pack.digest


def test_rules_and_categories_in_order(pack):
    assert pack.rules == ["minor_age_mentioned", "meeting_a_minor", "imminent_danger",
                          "documents_held"]
    assert pack.categories == ["enticement", "labor_trafficking", "unclassified"]


def test_matching_plan_lists_every_pattern(pack):
    plan = pack.matching_plan
    assert {f["field"] for f in plan["fields"]} == {"text"}
    names = {p["name"] for p in plan["patterns"]}
    assert {"minor_age", "meet_up", "held"} <= names
    for p in plan["patterns"]:
        assert p["strategy"] in ("set", "set+confirm", "prefiltered", "every-value")
        assert re.fullmatch(r"main\.rules:\d+:\d+", p["location"])


def test_sources_archive_the_canonical_texts(pack):
    names = [name for name, _ in pack.sources]
    assert names[-1] == "main.rules"
    assert dict(pack.sources)["main.rules"] == PACK["main.rules"]


def test_ruleset_is_immutable(pack):
    with pytest.raises(AttributeError):
        pack.digest = "sha256:0"
    with pytest.raises(AttributeError):
        pack.anything = 1
    with pytest.raises(AttributeError):
        del pack._core
    with pytest.raises(TypeError):
        triage.RuleSet(object())


def test_warnings_are_data_not_output(capfd):
    rules = triage.compile({"a.rules": "rule r { when text ~ /a/ urgency +1 }\n"},
                           "rules: [a.rules]\noverrides:\n  r: {urgency: 5}\n")
    assert all(isinstance(w, triage.Diagnostic) for w in rules.warnings)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", triage.__version__)
    assert triage.ENGINE_VERSION == triage.__version__
