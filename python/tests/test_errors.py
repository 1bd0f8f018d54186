# SPDX-License-Identifier: Apache-2.0
"""Every error path: rules and configs that do not load (RuleError with diagnostics, rendered as
`triage check` renders them), records that cannot be triaged (RecordError with the codes of
`triage filter`'s error lines), and misuse of the API (TypeError, ValueError)."""

import pickle

import pytest

import triage
from conftest import PACK, PACK_CONFIG, QUIET, run_cli, write_pack


def load_error(tmp_path, rules, config="rules: [a.rules]\n"):
    path = write_pack(tmp_path, rules, config)
    with pytest.raises(triage.RuleError) as info:
        triage.load(path)
    return path, info.value


def test_syntax_error_carries_position_code_and_cli_rendering(tmp_path, triage_binary):
    path, error = load_error(tmp_path, {"a.rules": "rule r {\n  when text ~ /x/\n  urgency ++1\n}\n"})
    assert isinstance(error, triage.Error)
    (first,) = error.errors
    assert (first.code, first.line, first.column, first.severity) == ("syntax", 3, 11, "error")
    assert first.file.endswith("a.rules")
    assert "urgency ++1" in first.rendered and "^" in first.rendered
    # The same text as `triage check` (which adds a count line).
    done = run_cli(triage_binary, "check", "--config", str(path), check_codes=(1,))
    assert done.stderr.decode() == error.rendered + "triage: 1 error, 0 warnings\n"
    assert str(error) == error.rendered.rstrip("\n")


def test_semantic_errors_are_all_reported(tmp_path):
    _, error = load_error(tmp_path, {"a.rules": (
        "rule r1 { when text ~ missing_list urgency +1 }\n"
        "rule r2 { when text ~ /(unclosed/ urgency +1 }\n"
        "rule r3 { when r_unknown urgency +1 }\n")})
    codes = [d.code for d in error.errors]
    assert len(codes) == 3, codes
    assert "bad-regex" in codes
    assert [d.line for d in error.errors] == [1, 2, 3]


def test_max_errors_limits_the_report(tmp_path):
    text = "".join(f"rule r{i} {{ when text ~ nope{i} urgency +1 }}\n" for i in range(10))
    path = write_pack(tmp_path, {"a.rules": text}, "rules: [a.rules]\n")
    with pytest.raises(triage.RuleError) as info:
        triage.load(path, max_errors=3)
    assert len(info.value.errors) <= 4
    with pytest.raises(ValueError):
        triage.load(path, max_errors=0)


def test_missing_config_is_a_rule_error(tmp_path):
    with pytest.raises(triage.RuleError) as info:
        triage.load(tmp_path / "nope.yaml")
    assert [d.code for d in info.value.errors] == ["config-not-found"]


def test_missing_rule_file_points_at_the_config(tmp_path):
    _, error = load_error(tmp_path, {}, "rules: [a.rules, gone.rules]\n")
    gone = [d for d in error.errors if d.code == "rule-file-not-found"]
    assert gone and gone[0].file.endswith("triage.yaml") and gone[0].line == 1


def test_config_errors_have_yaml_positions(tmp_path):
    _, error = load_error(tmp_path, {"a.rules": PACK["main.rules"]},
                          "rules: [a.rules]\nurgency:\n  max: 100\n  colour: red\n")
    (first,) = error.errors
    assert (first.line, first.column) == (4, 3)
    assert first.file.endswith("triage.yaml")


def test_compile_errors_name_the_given_files():
    with pytest.raises(triage.RuleError) as info:
        triage.compile({"mine.rules": "rule r { when text ~ /x/ urgency +1 \n"})
    assert info.value.errors[0].file == "mine.rules"
    with pytest.raises(triage.RuleError):
        triage.compile(PACK, "rules: [main.rules]\nbands: nonsense\n")


def test_compile_rejects_wrong_types():
    with pytest.raises(TypeError):
        triage.compile(["rule r {}"])
    with pytest.raises(TypeError):
        triage.compile({"a.rules": 3})
    with pytest.raises(TypeError):
        triage.compile(PACK, config=None)


def test_rule_error_pickles():
    with pytest.raises(triage.RuleError) as info:
        triage.compile({"a.rules": "rule {"})
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.diagnostics == info.value.diagnostics and str(copy) == str(info.value)


@pytest.mark.parametrize("record, code", [
    ("not json", "invalid_json"),
    ("", "invalid_json"),
    ("[1, 2]", "not_an_object"),
    ('{"id":"x","victims":[{"age":"twelve"}]}', "wrong_type"),
    (b'{"id":"x","summary":"\xff"}', "invalid_utf8"),
    ('{"id":"x","summary":"\ud800"}', "invalid_utf8"),
    ('{"id":"x","summary":"a","summary":"b"}', "duplicate_key"),
])
def test_records_that_cannot_be_triaged(pack, record, code):
    with pytest.raises(triage.RecordError) as info:
        pack.scan(record)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.line == 1
    assert error.to_json().startswith('{"line":1,')
    assert f'"code":"{code}"' in error.to_json()
    if code == "wrong_type":
        assert error.id == "x"


def test_record_error_messages_never_quote_the_record(pack):
    secret = "SECRET-NARRATIVE-TEXT"
    for bad in ['{"summary":"%s"' % secret, '{"summary":"%s","victims":[{"age":"%s"}]}' % (secret, secret)]:
        with pytest.raises(triage.RecordError) as info:
            pack.scan(bad)
        assert secret not in str(info.value) and secret not in info.value.to_json()


def test_too_large_records_are_refused_unparsed():
    rules = triage.compile(PACK, "rules: [main.rules]\nlimits:\n  max_record_bytes: 64\n")
    big = {"id": "big", "summary": "x" * 100}
    with pytest.raises(triage.RecordError) as info:
        rules.scan(big)
    assert info.value.code == "too_large" and info.value.id is None


def test_values_that_are_no_records(pack):
    for bad in (3, None, ["a"], object()):
        with pytest.raises(TypeError):
            pack.scan(bad)
    with pytest.raises(TypeError):
        pack.scan({"summary": object()})
    with pytest.raises(TypeError):
        pack.scan({"summary": float("nan")})
    with pytest.raises(TypeError):
        list(pack.scan_many([QUIET, 7]))
    with pytest.raises(TypeError):
        pack.scan_many(QUIET)
    with pytest.raises(TypeError):
        pack.scan_many('{"id":"x"}')


def test_scan_many_errors_modes(pack):
    records = [QUIET, "nope", QUIET]
    results = list(pack.scan_many(records))
    assert isinstance(results[1], triage.RecordError) and results[1].line == 2
    assert isinstance(results[0], triage.Decision) and isinstance(results[2], triage.Decision)
    seen = []
    with pytest.raises(triage.RecordError) as info:
        for d in pack.scan_many(records, errors="raise"):
            seen.append(d)
    assert len(seen) == 1 and info.value.line == 2
    with pytest.raises(ValueError):
        pack.scan_many(records, errors="ignore")


@pytest.mark.parametrize("options", [{"jobs": -1}, {"jobs": 1.5}, {"jobs": True},
                                     {"batch_size": 0}])
def test_bad_options(pack, options):
    with pytest.raises((TypeError, ValueError)):
        pack.scan_many([QUIET], **options)


def test_output_modes_are_checked(pack):
    d = pack.scan(QUIET)
    with pytest.raises(ValueError):
        d.to_json("pretty")
    with pytest.raises(ValueError):
        pack.filter([], output="pretty")
    with pytest.raises(TypeError):
        pack.filter('{"id":"x"}')
    with pytest.raises(TypeError):
        list(pack.filter([3]))


def test_explain_errors(pack):
    with pytest.raises(ValueError, match="did you mean 'imminent_danger'"):
        pack.explain(QUIET, why_not=["imminent_dangr"])
    with pytest.raises(ValueError):
        pack.explain(QUIET, max_set=4)
    with pytest.raises(ValueError):
        pack.explain(QUIET, closest=-1)
    with pytest.raises(triage.RecordError) as info:
        pack.explain("[]")
    assert info.value.code == "not_an_object"


def test_eval_usage_errors(pack):
    with pytest.raises(ValueError, match="no band named 'P9'"):
        triage.eval(pack, [QUIET], [], urgent_band="P9")
    with pytest.raises(ValueError):
        triage.eval(pack, [QUIET], [], target_recall=["P1=2"])
    with pytest.raises(ValueError):
        triage.eval(pack, [QUIET], [], target_recall={"nothing": 0.5})
    with pytest.raises(TypeError):
        triage.eval(pack, QUIET, [])
    with pytest.raises(TypeError):
        triage.eval(42, [QUIET], [])
    with pytest.raises(FileNotFoundError):
        triage.eval(pack, "/nonexistent/records.jsonl", [])


def test_eval_reports_bad_label_lines(pack):
    labels = ['{"id":"r-4","band":"P4"}', "not json", '{"band":"P1"}', '{"id":"r-9","band":"P7"}',
              '{"id":"r-4","band":"P3"}']
    report = triage.eval(pack, [QUIET], labels)
    assert [(e.line, e.code) for e in report.label_errors] == [
        (2, "invalid_json"), (3, "missing_id"), (4, "unknown_band"), (5, "duplicate_id")]
    assert report.to_dict()["corpus"]["label_errors"] == 4 or report.label_errors


def test_test_errors(tmp_path, pack):
    with pytest.raises(FileNotFoundError):
        triage.test(tmp_path / "missing.yaml", rules=pack)
    with pytest.raises(FileNotFoundError):
        triage.test(tmp_path, rules=pack)  # a directory without expectation files
    (tmp_path / "c.yaml").write_text("- text: x\n  band: P4\n")
    with pytest.raises(TypeError):
        triage.test(tmp_path, rules=42)


def test_record_error_pickles(pack):
    with pytest.raises(triage.RecordError) as info:
        pack.scan("nope")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.code, copy.line, copy.to_json()) == (info.value.code, 1, info.value.to_json())


def test_nothing_is_printed(capfd, pack, tmp_path):
    with pytest.raises(triage.RuleError):
        triage.compile({"a.rules": "rule {"})
    with pytest.raises(triage.RecordError):
        pack.scan("nope")
    list(pack.scan_many(["nope", QUIET], jobs=2))
    triage.eval(pack, ["nope"], ["nope"])
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
