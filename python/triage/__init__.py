# SPDX-License-Identifier: Apache-2.0
"""triage: rule-based triage of child-protection and anti-trafficking reports, from Python.

The same engine as the ``triage`` command, in process::

    import triage
    rules = triage.load("rules/triage.yaml")
    decision = rules.scan({"id": "r-1", "summary": "..."})
    decision.band, decision.urgency, decision.category_names
    for d in rules.scan_many(records, jobs=4): ...

Rulesets are immutable and thread-safe; scanning releases the GIL. Problems in rules or a config
raise RuleError carrying every Diagnostic; a record that cannot be triaged raises (or, in
scan_many, yields) a RecordError. The module never prints and never exits. docs/python.md is the
guide.
"""

from __future__ import annotations

from . import _core
from ._errors import Diagnostic, Error, RecordError, RuleError
from ._core import Category, RuleHit
from ._reports import Comparison, EvalReport, Explanation, TestCaseResult, TestReport
from ._ruleset import Band, Decision, Engine, RuleSet, compile, load
from ._analyst import compare, eval, test
from ._frame import to_frame

_core._register_record_error(RecordError)

__version__ = _core.engine_version
ENGINE_VERSION: str = _core.engine_version

__all__ = [
    "Band", "Category", "Comparison", "Decision", "Diagnostic", "ENGINE_VERSION", "Engine",
    "Error", "EvalReport", "Explanation", "RecordError", "RuleError", "RuleHit", "RuleSet",
    "TestCaseResult", "TestReport", "compare", "compile", "eval", "load", "test", "to_frame",
]
