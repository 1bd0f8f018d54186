# SPDX-License-Identifier: Apache-2.0
"""eval(), test() and compare(): the analyst's corpus-wide questions, answered as data.

They read their inputs as the CLI reads them — a path names a JSON Lines file, any other
iterable gives one record (or label) per item; str and bytes items are lines (a trailing newline
is dropped and blank lines are skipped, counting as lines), dicts are records — and they print
nothing: what ``triage eval``/``test``/``diff`` would report on stderr comes back in the result.
"""

from __future__ import annotations

import os
from itertools import islice
from pathlib import Path
from typing import (Any, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union)

from . import _core
from ._errors import RecordError
from ._reports import Comparison, EvalReport, TestCaseResult, TestReport
from ._ruleset import (PathLike, Record, RuleSet, _batch_size, _is_blank, _jobs, _record_text,
                       _strip_newline, load)

__all__ = ["compare", "eval", "test"]

Source = Union[PathLike, Iterable[Record]]


def _is_path(source: Any) -> bool:
    return isinstance(source, (str, os.PathLike))


def _numbered(source: Source, what: str) -> Tuple[Iterator[Tuple[int, Union[str, bytes]]], str]:
    """(line number, JSON text) of every item of ``source``, and the name reports give it."""
    if _is_path(source):
        path = os.fspath(source)  # type: ignore[arg-type]

        def read() -> Iterator[Tuple[int, Union[str, bytes]]]:
            with open(path, "rb") as f:
                for number, raw in enumerate(f, 1):
                    line = _strip_newline(raw)
                    if not _is_blank(line):
                        yield number, line
        return read(), path
    if isinstance(source, (bytes, Mapping)):
        raise TypeError(f"{what}: pass a path or an iterable of records, not one record")

    def items() -> Iterator[Tuple[int, Union[str, bytes]]]:
        for number, item in enumerate(source, 1):  # type: ignore[arg-type]
            if isinstance(item, (str, bytes)):
                item = _strip_newline(item)
                if _is_blank(item):
                    continue
                yield number, item
            else:
                yield number, _record_text(item)
    return items(), f"<{what}>"


def _feed_labels(run: Any, labels: Source) -> Tuple[List[RecordError], str]:
    numbered, name = _numbered(labels, "labels")
    errors = []
    for number, text in numbered:
        error = run.add_label(text, number)
        if error is not None:
            errors.append(error)
    return errors, name


def _feed_records(run: Any, records: Source, batch_size: int) -> Tuple[List[RecordError], str]:
    numbered, name = _numbered(records, "records")
    errors: List[RecordError] = []
    while True:
        chunk = list(islice(numbered, batch_size))
        if not chunk:
            return errors, name
        errors.extend(run.add_records([t for _, t in chunk], [n for n, _ in chunk]))


def _ruleset(rules: Union[RuleSet, PathLike], what: str) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    if _is_path(rules):
        return load(rules)  # type: ignore[arg-type]
    raise TypeError(f"{what} must be a RuleSet or a config path, not {type(rules).__name__}")


def _targets(target_recall: Union[Mapping[str, float], Sequence[str], None]) -> List[str]:
    if target_recall is None:
        return []
    if isinstance(target_recall, Mapping):
        return [f"{key}={value!r}" for key, value in target_recall.items()]
    if isinstance(target_recall, str):
        return [target_recall]
    return [str(t) for t in target_recall]


def eval(rules: Union[RuleSet, PathLike], records: Source, labels: Source, *,
         urgent_band: Optional[str] = None,
         target_recall: Union[Mapping[str, float], Sequence[str], None] = None,
         jobs: Optional[int] = None, batch_size: int = 4096) -> EvalReport:
    """Measures ``rules`` against labelled records, as ``triage eval`` does (docs/eval.md).

    ``records`` and ``labels`` are paths to JSON Lines files or iterables of records / labels
    ({"id": ..., "band": "P1", "categories": [...]}). ``urgent_band`` is the lowest band
    counted as urgent for under-triage (default: the second band); ``target_recall`` asks for
    the highest threshold reaching a recall ({"P1": 0.95, "categories": 0.9} or
    ["P1=0.95"]). Records are scored on ``jobs`` threads. Raises ValueError for an unknown
    band or a malformed target.
    """
    ruleset = _ruleset(rules, "rules")
    run = _core.EvalRun(ruleset._core, urgent_band, _targets(target_recall), _jobs(jobs))
    label_errors, labels_name = _feed_labels(run, labels)
    record_errors, input_name = _feed_records(run, records, _batch_size(batch_size))
    report = run.finish(ruleset.path or "<compiled>", input_name, labels_name)
    return EvalReport(report, record_errors, label_errors)


def compare(base: Union[RuleSet, PathLike], head: Union[RuleSet, PathLike], records: Source, *,
            labels: Optional[Source] = None, jobs: Optional[int] = None,
            batch_size: int = 4096) -> Comparison:
    """Runs two rulesets over one corpus, as ``triage diff`` does (docs/diff.md): which
    decisions change and why. With ``labels`` (read against ``head``), every move also says
    whether it goes toward or away from the labelled band."""
    base_rules = _ruleset(base, "base")
    head_rules = _ruleset(head, "head")
    run = _core.CompareRun(base_rules._core, head_rules._core, _jobs(jobs))
    label_errors: List[RecordError] = []
    if labels is not None:
        label_errors, _ = _feed_labels(run, labels)
    errors, _ = _feed_records(run, records, _batch_size(batch_size))
    report = run.finish(base_rules.path or "<base>", head_rules.path or "<head>")
    return Comparison(report, errors, label_errors)


def _expectation_files(paths: Sequence[PathLike]) -> List[str]:
    files: List[str] = []
    for path in paths:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"no such expectation file or directory: '{os.fspath(path)}'")
        if p.is_dir():
            found = sorted(os.path.join(os.fspath(path), c.name) for c in p.iterdir()
                           if c.suffix in (".yaml", ".yml") and not c.is_dir())
            if not found:
                raise FileNotFoundError(
                    f"no expectation files (*.yaml) in '{os.fspath(path)}'")
            files.extend(found)
        else:
            files.append(os.fspath(path))
    unique: List[str] = []
    for f in files:
        if f not in unique:
            unique.append(f)
    return unique


def test(paths: Union[PathLike, Sequence[PathLike]], *,
         rules: Union[RuleSet, PathLike, None] = None) -> TestReport:
    """Runs expectation files (docs/test.md), as ``triage test`` does, and returns every case.

    ``paths`` are files or directories (their *.yaml and *.yml files, sorted). With a RuleSet as
    ``rules``, every file runs with it (the way to test a candidate ruleset); with a config path,
    files without a ``config:`` key run with it; otherwise each file needs its ``config:`` key.
    Raises FileNotFoundError for a path that does not exist or a directory without expectation
    files; every other problem (an invalid file or case, a config that does not load) is a
    case with status "error" and its diagnostics.
    """
    if rules is not None and not isinstance(rules, RuleSet) and not _is_path(rules):
        raise TypeError("rules must be a RuleSet, a config path or None")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = _expectation_files(list(paths))
    override = None
    default_config = ""
    if isinstance(rules, RuleSet):
        override = rules._core
    elif rules is not None:
        if not _is_path(rules):
            raise TypeError("rules must be a RuleSet, a config path or None")
        default_config = os.fspath(rules)
    run = _core.TestRun(override, default_config)
    cases: List[TestCaseResult] = []
    for f in files:
        suite = run.run_file(f)
        cases.extend(TestCaseResult(suite["file"], item) for item in suite["cases"])
    return TestReport(cases)


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
