# SPDX-License-Identifier: Apache-2.0
"""The pandas helpers: a DataFrame of decisions from a DataFrame of records, and the reports'
tables. Skipped where pandas is missing (ctest's python.pytest.without_pandas hides it), where
to_frame() must fail with an ImportError that names the package."""

import importlib.util
import os

import pytest

import triage
from conftest import LABOR, MEETING, QUIET, URGENT

HIDDEN = os.environ.get("TRIAGE_TEST_HIDE_PANDAS") == "1"
try:
    import pandas as pd
except ImportError:
    pd = None

needs_pandas = pytest.mark.skipif(pd is None, reason="pandas is not installed")


@pytest.mark.skipif(pd is not None, reason="pandas is installed")
def test_without_pandas_to_frame_raises_import_error(pack):
    with pytest.raises(ImportError, match="python3-pandas"):
        triage.to_frame(pack, object())
    report = triage.eval(pack, [URGENT], [])
    with pytest.raises(ImportError, match="python3-pandas"):
        report.to_frame()


def test_the_hidden_run_really_hides_pandas():
    if HIDDEN:
        assert pd is None
    elif importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed")


@needs_pandas
def test_to_frame_with_a_column_mapping(pack):
    records = pd.DataFrame({
        "case": ["r-1", "r-2", "r-3", "r-4", "r-5"],
        "narrative": [URGENT["summary"], MEETING["summary"], LABOR["summary"], QUIET["summary"],
                      "a report"],
        "age": [None, 13, float("nan"), 40, 12],
    }, index=[10, 11, 12, 13, 14])
    frame = triage.to_frame(pack, records, {"id": "case", "summary": "narrative",
                                            "victims[*].age": "age"})
    assert list(frame.index) == [10, 11, 12, 13, 14]
    assert list(frame.columns) == ["id", "band", "urgency", "categories", "rules", "tags",
                                   "routes", "error"]
    assert list(frame["id"]) == ["r-1", "r-2", "r-3", "r-4", "r-5"]
    assert list(frame["band"]) == ["P1", "P2", "P3", "P4", "P4"]
    assert frame.loc[14, "rules"] == ["minor_age_mentioned"]  # victims[*].age = 12
    assert frame.loc[13, "rules"] == []                          # 40: no minor
    assert frame.loc[11, "categories"] == ["enticement"]
    assert frame["error"].isna().all()


@needs_pandas
def test_to_frame_default_mapping_and_errors(pack):
    records = pd.DataFrame({"id": ["a", "b"], "summary": ["meet up with a 9 yo", "x"],
                            "victims": [[{"age": 9}], "not a list of objects"]})
    frame = triage.to_frame(pack, records, jobs=2)
    assert frame.loc[0, "band"] == "P2"
    assert frame.loc[1, "error"] == "wrong_type" and frame.loc[1, "band"] is None
    assert pd.isna(frame.loc[1, "urgency"]) and frame.loc[0, "urgency"] == 50


@needs_pandas
def test_to_frame_errors(pack):
    with pytest.raises(TypeError):
        triage.to_frame(pack, [URGENT])
    with pytest.raises(KeyError):
        triage.to_frame(pack, pd.DataFrame({"a": [1]}), {"summary": "missing"})
    with pytest.raises(ValueError):
        triage.to_frame(pack, pd.DataFrame({"a": [1]}), {"bad..path": "a"})


@needs_pandas
def test_report_frames(pack, tmp_path):
    report = triage.eval(pack, [URGENT, MEETING], [{"id": "r-2", "band": "P1"}],
                         urgent_band="P1")
    assert list(report.to_frame("under_triage")["id"]) == ["r-2"]
    assert "precision" in report.to_frame().columns
    assert set(report.to_frame("rules")["rule"]) == set(pack.rules)
    with pytest.raises(ValueError):
        report.to_frame("nothing")
    head = triage.compile({"main.rules": "rule r { when text ~ /meet/ urgency +99 }\n"})
    frame = triage.compare(pack, head, [URGENT, MEETING]).to_frame()
    assert list(frame["id"]) == ["r-1", "r-2"]
    assert list(frame["move"]) == ["less_urgent", "more_urgent"]
    assert frame.loc[1, "rules_added"] == ["r"]
    (tmp_path / "c.yaml").write_text("- text: x\n  band: P4\n")
    assert list(triage.test(tmp_path, rules=pack).to_frame()["status"]) == ["passed"]
