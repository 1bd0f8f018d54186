# SPDX-License-Identifier: Apache-2.0
"""What the analyst calls return: Explanation, EvalReport, Comparison, TestReport.

Each one is the data of the CLI's JSON view of the same analysis — ``to_json()`` is byte for
byte the line ``triage explain --format json``, ``triage eval --format json`` or ``triage diff
--format json`` writes, and ``to_dict()`` is that JSON as Python values — with attributes for the
parts an analyst reads first and, when pandas is installed, ``to_frame()`` tables.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._errors import Diagnostic, RecordError, _diagnostics

__all__ = ["Comparison", "EvalReport", "Explanation", "TestCaseResult", "TestReport"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError("to_frame() needs pandas (Debian: python3-pandas)") from None
    return pandas


class _JsonReport:
    """A report held as the library's JSON text, parsed once into ``to_dict()``'s value."""

    __slots__ = ("_json", "_data")

    def __init__(self, json_text: str) -> None:
        self._json = json_text
        self._data: Dict[str, Any] = json.loads(json_text)

    def to_json(self) -> str:
        """The CLI's JSON for this report (one line, without its newline)."""
        return self._json.rstrip("\n")

    def to_dict(self) -> Dict[str, Any]:
        """The report as Python values (a fresh copy)."""
        return json.loads(self._json)


class Explanation(_JsonReport):
    """Why one record got its decision (docs/explain.md, section 6: the JSON view).

    ``decision`` is the Decision explained (identical to ``scan``'s); ``ledger`` the fired rules
    with the running total, clamp, floor and band; ``categories`` every category a fired rule
    scored against assign_min and max_labels; ``spans`` the matched text; ``counterfactual`` the
    smallest set of fired rules whose removal moves the band (None when not searched);
    ``closest`` the rules nearest to firing; ``why_not`` the condition trees asked for.
    """

    __slots__ = ("decision",)

    def __init__(self, decision: Any, json_text: str) -> None:
        super().__init__(json_text)
        self.decision = decision

    @property
    def ledger(self) -> Dict[str, Any]:
        return self._data["ledger"]

    @property
    def categories(self) -> Dict[str, Any]:
        return self._data["categories"]

    @property
    def texts(self) -> List[Dict[str, Any]]:
        return self._data.get("texts", [])

    @property
    def spans(self) -> List[Dict[str, Any]]:
        return self._data.get("spans", [])

    @property
    def counterfactual(self) -> Optional[Dict[str, Any]]:
        return self._data.get("counterfactual")

    @property
    def closest(self) -> List[Dict[str, Any]]:
        return self._data.get("closest", [])

    @property
    def why_not(self) -> List[Dict[str, Any]]:
        return self._data.get("why_not", [])

    def __repr__(self) -> str:
        return f"<triage.Explanation {self.decision!r}>"


class EvalReport(_JsonReport):
    """A ruleset measured against labels (docs/eval.md): under-triage first, then per-category
    precision/recall/F1, the band confusion matrix, rule hits, the threshold sweep and the
    corpus summary.

    ``record_errors`` are the records that could not be triaged and ``label_errors`` the label
    lines that were refused (RecordError values with their line), left out of the measures as
    ``triage eval`` leaves them out.
    """

    __slots__ = ("record_errors", "label_errors")

    def __init__(self, json_text: str, record_errors: Sequence[RecordError],
                 label_errors: Sequence[RecordError]) -> None:
        super().__init__(json_text)
        self.record_errors: Tuple[RecordError, ...] = tuple(record_errors)
        self.label_errors: Tuple[RecordError, ...] = tuple(label_errors)

    @property
    def ruleset(self) -> str:
        return self._data["ruleset"]

    @property
    def under_triage(self) -> List[Dict[str, Any]]:
        """The misses that cost most: records labelled urgent, decided below the urgent band
        (id, line, expected, decided, score), in input order."""
        return self._data["under_triage"]["records"]

    @property
    def categories(self) -> List[Dict[str, Any]]:
        """Per category: support, decided, tp, fp, fn, precision, recall, f1."""
        return self._data["categories"]["per_category"]

    @property
    def confusion(self) -> Dict[str, Any]:
        return self._data["confusion"]

    @property
    def rules(self) -> Dict[str, Any]:
        return self._data["rules"]

    @property
    def sweep(self) -> List[Dict[str, Any]]:
        return self._data["sweep"]

    @property
    def targets(self) -> List[Dict[str, Any]]:
        return self._data.get("targets", [])

    @property
    def corpus(self) -> Dict[str, Any]:
        return self._data["corpus"]

    def to_frame(self, section: str = "categories") -> Any:
        """A pandas DataFrame of one section: "categories" (one row per category),
        "under_triage" (one row per miss) or "rules" (hits per rule)."""
        pd = _pandas()
        if section == "categories":
            return pd.DataFrame(self.categories, columns=[
                "name", "support", "decided", "tp", "fp", "fn", "precision", "recall", "f1"])
        if section == "under_triage":
            return pd.DataFrame(self.under_triage,
                                columns=["id", "line", "expected", "decided", "score"])
        if section == "rules":
            return pd.DataFrame(self.rules["hits"], columns=["rule", "hits", "enabled"])
        raise ValueError("section must be 'categories', 'under_triage' or 'rules', not "
                         f"{section!r}")

    def __repr__(self) -> str:
        return (f"<triage.EvalReport {self.corpus['records']} records, "
                f"{len(self.under_triage)} under-triaged>")


class Comparison(_JsonReport):
    """Two rulesets on one corpus (docs/diff.md): the band transitions, category gains and
    losses, and every changed record (less urgent moves first) with the rules added and
    removed. ``errors`` are the records either ruleset could not triage (left out)."""

    __slots__ = ("errors", "label_errors")

    def __init__(self, json_text: str, errors: Sequence[RecordError],
                 label_errors: Sequence[RecordError]) -> None:
        super().__init__(json_text)
        self.errors: Tuple[RecordError, ...] = tuple(errors)
        self.label_errors: Tuple[RecordError, ...] = tuple(label_errors)

    @property
    def changes(self) -> List[Dict[str, Any]]:
        return self._data["changes"]

    @property
    def transitions(self) -> List[List[int]]:
        return self._data["transitions"]

    @property
    def categories(self) -> List[Dict[str, Any]]:
        return self._data["categories"]

    @property
    def summary(self) -> Dict[str, Any]:
        """records, changed, less_urgent, more_urgent, same_band (and lines, errors)."""
        return {k: v for k, v in self._data.items()
                if k in ("lines", "records", "errors", "changed", "less_urgent", "more_urgent",
                         "same_band")}

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per changed record: id, line, base and head band
        and score, move, rules added and removed."""
        pd = _pandas()
        rows = []
        for change in self.changes:
            rows.append({
                "id": change.get("id"), "line": change.get("line"),
                "base_band": change["base"]["band"], "base_score": change["base"]["score"],
                "head_band": change["head"]["band"], "head_score": change["head"]["score"],
                "move": change["move"], "rules_added": change["rules_added"],
                "rules_removed": change["rules_removed"]})
        return pd.DataFrame(rows, columns=["id", "line", "base_band", "base_score", "head_band",
                                           "head_score", "move", "rules_added",
                                           "rules_removed"])

    def __repr__(self) -> str:
        s = self.summary
        return (f"<triage.Comparison {s.get('records')} records, {s.get('changed')} changed, "
                f"{s.get('less_urgent')} less urgent>")


class TestCaseResult:
    """One case of an expectation file: ``status`` is "passed", "failed" or "error" (an
    invalid case, or a problem with the whole file: the case named "(file)"); ``problems``
    says what differed or what was wrong; ``decision`` is the decision the case was checked
    against (None when the record was not triaged); ``diagnostics`` the problems found in the
    file at this case, rendered in ``rendered`` as ``triage test`` prints them on stderr."""

    __slots__ = ("file", "name", "line", "status", "problems", "decision", "diagnostics",
                 "rendered")
    __test__ = False  # not a pytest test class

    def __init__(self, file: str, item: Dict[str, Any]) -> None:
        self.file = file
        self.name: str = item["name"]
        self.line: int = item["line"]
        self.status: str = item["status"]
        self.problems: List[str] = list(item["problems"])
        self.decision = item["decision"]
        self.diagnostics: Tuple[Diagnostic, ...] = _diagnostics(item["diagnostics"])
        self.rendered: str = item["rendered"]

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        """The CLI's line for a failing case ("file:line: FAIL name: problem; ...")."""
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        text = f"{where}: {'PASS' if self.passed else 'FAIL'} {self.name}"
        if self.passed or not self.problems:
            return text
        # An invalid case: its first problem (the CLI shows all of them on stderr).
        shown = self.problems[:1] if self.status == "error" else self.problems
        return text + ": " + "; ".join(shown)

    def __repr__(self) -> str:
        return f"<triage.TestCaseResult {self.status} {self.file}:{self.line} {self.name!r}>"


class TestReport:
    """The outcome of expectation files: every case of every file, in file order."""

    __slots__ = ("cases",)
    __test__ = False  # not a pytest test class

    def __init__(self, cases: Sequence[TestCaseResult]) -> None:
        self.cases: Tuple[TestCaseResult, ...] = tuple(cases)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        """Cases that failed or were invalid (``triage test`` counts both as failed)."""
        return len(self.cases) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def failures(self) -> List[TestCaseResult]:
        return [c for c in self.cases if not c.passed]

    def summary(self) -> str:
        """``triage test``'s last line: "N passed, M failed"."""
        return f"{self.passed} passed, {self.failed} failed"

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per case: file, line, name, status, problems."""
        pd = _pandas()
        return pd.DataFrame([{"file": c.file, "line": c.line, "name": c.name,
                              "status": c.status, "problems": c.problems} for c in self.cases],
                            columns=["file", "line", "name", "status", "problems"])

    def __repr__(self) -> str:
        return f"<triage.TestReport {self.summary()}>"
