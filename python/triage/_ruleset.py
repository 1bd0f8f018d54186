# SPDX-License-Identifier: Apache-2.0
"""RuleSet, Engine, load() and compile(): rulesets in Python, and scanning records with them.

A RuleSet is immutable and safe to share between threads: every scan releases the GIL while the
C++ engine works, and ``scan_many(jobs=N)`` spreads a batch of records over N threads of its own,
keeping the input order. Records are dicts (written as compact JSON), or str / bytes holding one
JSON object, exactly as ``triage filter`` reads a line.
"""

from __future__ import annotations

import json
import os
import threading
from itertools import islice
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from . import _core
from ._errors import RecordError, RuleError, _diagnostics, Diagnostic
from ._reports import Explanation

__all__ = ["Band", "Decision", "Engine", "RuleSet", "compile", "load"]

Decision = _core.Decision
Record = Union[Mapping[str, Any], str, bytes]
PathLike = Union[str, "os.PathLike[str]"]

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class Band(NamedTuple):
    """An urgency band of a config: scores at or above ``min`` fall in it (the first band that
    the score reaches, most urgent first)."""

    name: str
    min: int
    label: str


def _record_text(record: Any) -> Union[str, bytes]:
    """The JSON text of one record: str and bytes as given, a mapping as compact JSON."""
    if isinstance(record, (str, bytes)):
        return record
    if isinstance(record, Mapping):
        try:
            return _ENCODER.encode(record)
        except (TypeError, ValueError) as e:
            raise TypeError(f"the record cannot be written as JSON: {e}") from None
    raise TypeError("a record must be a dict, or a str or bytes holding one JSON object, not "
                    f"{type(record).__name__}")


def _jobs(jobs: Optional[int]) -> int:
    if jobs is None:
        return 0
    if isinstance(jobs, bool) or not isinstance(jobs, int):
        raise TypeError(f"jobs must be an int or None, not {type(jobs).__name__}")
    if jobs < 0:
        raise ValueError("jobs must be 0 or None (one per hardware thread), or a count")
    return jobs


def _batch_size(batch_size: int) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size must be a positive int")
    return batch_size


def _is_blank(line: Union[str, bytes]) -> bool:
    """Blank as ``triage filter`` defines it: empty, or only spaces, tabs and CRs."""
    if isinstance(line, bytes):
        return not line.strip(b" \t\r")
    return not line.strip(" \t\r")


def _strip_newline(line: Union[str, bytes]) -> Union[str, bytes]:
    if isinstance(line, bytes):
        return line[:-1] if line.endswith(b"\n") else line
    return line[:-1] if line.endswith("\n") else line


def _numbered_lines(lines: Iterable[Union[str, bytes]],
                    ) -> Iterator[Tuple[int, Union[str, bytes]]]:
    """(physical line number, text) of every non-blank line; a trailing newline is dropped."""
    for number, line in enumerate(lines, 1):
        if not isinstance(line, (str, bytes)):
            raise TypeError(f"line {number}: a line must be str or bytes, not "
                            f"{type(line).__name__}")
        line = _strip_newline(line)
        if not _is_blank(line):
            yield number, line


class RuleSet:
    """A compiled, checked, immutable set of rules with its config.

    Made by :func:`load` or :func:`compile`. Safe for concurrent use by any number of threads.
    Equal digests mean equal decisions (for the same engine version).
    """

    __slots__ = ("_core",)
    _core: "_core.RuleSet"

    def __init__(self, core: Any) -> None:
        if not isinstance(core, _core.RuleSet):
            raise TypeError("use triage.load() or triage.compile() to make a RuleSet")
        object.__setattr__(self, "_core", core)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a RuleSet is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a RuleSet is immutable")

    # Identity and contents --------------------------------------------------------------------

    @property
    def digest(self) -> str:
        """``sha256:<64 hex digits>`` over the canonical text of the config and every rule file."""
        return self._core.digest

    @property
    def path(self) -> Optional[str]:
        """The config path given to :func:`load`; None for a compiled ruleset."""
        return self._core.path or None

    @property
    def rules(self) -> List[str]:
        """The names of all rules, in evaluation order."""
        return self._core.rule_names

    @property
    def categories(self) -> List[str]:
        """The declared categories, in declaration order."""
        return self._core.category_names

    @property
    def bands(self) -> List[Band]:
        """The urgency bands, most urgent first."""
        return [Band(*band) for band in self._core.bands]

    @property
    def fields(self) -> Dict[str, Dict[str, Any]]:
        """Logical field -> {"paths": [JSON paths], "type": "auto"|"text"|"number"|"bool"}."""
        return self._core.fields

    @property
    def config(self) -> Dict[str, Any]:
        """The config's settings: urgency_max, assign_min, max_labels, fallback,
        fallback_by_band (band -> category), fallback_by_field ({"field", "values": value ->
        category}, or None), limits, overrides, analysis and the rule files."""
        return self._core.config

    @property
    def matching_plan(self) -> Dict[str, Any]:
        """How each field's patterns are matched (``triage check --verbose``;
        docs/performance.md): {"fields": [...], "patterns": [...]}."""
        return self._core.matching_plan

    @property
    def sources(self) -> List[Tuple[str, str]]:
        """(name, canonical text) of the config and every rule file, as an audit store keeps them."""
        return self._core.sources

    @property
    def warnings(self) -> Tuple[Diagnostic, ...]:
        """The warnings (and their notes) of the load; the module never prints them."""
        return _diagnostics(self._core.warnings)

    def __len__(self) -> int:
        return self._core.rule_count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        where = f", path={self.path!r}" if self.path else ""
        return f"<triage.RuleSet {self.digest[:19]}… {len(self)} rules{where}>"

    # Scanning ---------------------------------------------------------------------------------

    def scan(self, record: Record) -> Decision:
        """Triages one record and returns its Decision.

        Raises RecordError when the record cannot be triaged (not JSON, not an object, over
        limits.max_record_bytes, a field of the wrong type, ...), TypeError for a value that is
        no record at all.
        """
        result = _core.scan(self._core, _record_text(record))
        if isinstance(result, RecordError):
            raise result
        return result

    def scan_many(self, records: Iterable[Record], *, jobs: Optional[int] = None,
                  errors: str = "return", batch_size: int = 1024,
                  ) -> Iterator[Union[Decision, RecordError]]:
        """Triages every record of ``records`` and yields one result per record, in input order.

        Records are read ``batch_size`` at a time; each batch is scanned on ``jobs`` threads (None
        or 0: one per hardware thread) without the GIL. With ``errors="return"`` (the default) a
        record that cannot be triaged yields its RecordError (not raised) in its place, as
        ``triage filter`` writes an error line; with ``errors="raise"`` the first one is raised.
        A RecordError's ``line`` is the record's 1-based position in ``records``.
        """
        jobs = _jobs(jobs)
        batch_size = _batch_size(batch_size)
        if errors not in ("return", "raise"):
            raise ValueError(f"errors must be 'return' or 'raise', not {errors!r}")
        if isinstance(records, (str, bytes, Mapping)):
            raise TypeError("scan_many takes an iterable of records; use scan() for one record")
        return self._scan_many(iter(records), jobs, errors == "raise", batch_size)

    def _scan_many(self, records: Iterator[Record], jobs: int, raise_errors: bool,
                   batch_size: int) -> Iterator[Union[Decision, RecordError]]:
        core = self._core
        line = 1
        while True:
            chunk = list(islice(records, batch_size))
            if not chunk:
                return
            texts = [r if type(r) is str else _record_text(r) for r in chunk]
            results = _core.scan_batch(core, texts, jobs, line)
            line += len(chunk)
            if raise_errors:
                for result in results:
                    if isinstance(result, RecordError):
                        raise result
                    yield result
            else:
                yield from results

    def filter(self, lines: Iterable[Union[str, bytes]], *, output: str = "annotate",
               jobs: Optional[int] = None, batch_size: int = 4096) -> Iterator[str]:
        """Yields ``triage filter``'s output lines (without newlines) for JSON Lines input.

        ``lines`` is any iterable of str or bytes lines, such as an open file (open it in binary
        mode, or with ``newline=""``, for output byte-identical to the CLI's: text mode turns
        ``\\r\\n`` into ``\\n``). Blank lines yield nothing; every other line yields its decision
        line (``output="annotate"``: the record with a ``triage`` member; ``"decision"``: the id
        and the decision) or its error line, numbered by physical line.
        """
        if output not in ("annotate", "decision"):
            raise ValueError(f"output must be 'annotate' or 'decision', not {output!r}")
        if isinstance(lines, (str, bytes)):
            raise TypeError("filter takes an iterable of lines (e.g. an open file), not one str")
        return self._filter(iter(lines), output, _jobs(jobs), _batch_size(batch_size))

    def _filter(self, lines: Iterator[Union[str, bytes]], output: str, jobs: int,
                batch_size: int) -> Iterator[str]:
        numbered = _numbered_lines(lines)
        while True:
            chunk = list(islice(numbered, batch_size))
            if not chunk:
                return
            numbers = [number for number, _ in chunk]
            texts = [text for _, text in chunk]
            yield from _core.filter_batch(self._core, texts, numbers, output, jobs)

    def explain(self, record: Record, *, why_not: Sequence[str] = (), closest: int = 3,
                max_set: int = 3, line: int = 1) -> Explanation:
        """Explains one record's decision, as data: the score ledger, the categories, the matched
        spans, the counterfactual (the fewest fired rules whose removal moves the band; sets of
        up to ``max_set`` rules, 0: none), the ``closest`` rules that came nearest to firing and
        the condition trees of the ``why_not`` rules.

        ``line`` is the line number the JSON form carries (``triage explain`` numbers the lines
        of its input). Raises ValueError for a why_not name that is no rule (with close names),
        RecordError for a record that cannot be triaged.
        """
        if isinstance(why_not, str):
            why_not = [why_not]
        result = _core.explain(self._core, _record_text(record), list(why_not), closest, max_set,
                               line)
        if isinstance(result, RecordError):
            raise result
        decision, report = result
        return Explanation(decision, report)


def _raise_or_wrap(result: Tuple[Any, Sequence[Mapping[str, Any]], str]) -> RuleSet:
    core, items, rendered = result
    if core is None:
        raise RuleError(_diagnostics(items), rendered)
    return RuleSet(core)


def load(config_path: PathLike, *, max_errors: int = 20) -> RuleSet:
    """Loads the config at ``config_path`` (triage.yaml) and the rule files it lists, checks and
    compiles them. Raises RuleError carrying every diagnostic when they have errors (a missing
    config included: code ``config-not-found``)."""
    return _raise_or_wrap(_core.load(os.fspath(config_path), max_errors))


def compile(rules: Mapping[str, str], config: str = "", *, max_errors: int = 20) -> RuleSet:
    """Compiles rule files given as {name: text} with a config given as YAML text ("" means
    the defaults: default fields and bands, every rule file given). A name the config lists
    under ``analysis.dictionaries`` is read as a dictionary. The names appear in diagnostics.
    Raises RuleError carrying every diagnostic when there are errors."""
    if not isinstance(rules, Mapping):
        raise TypeError("rules must be a mapping of file name to rule text")
    files = []
    for name, text in rules.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise TypeError("rule file names and texts must be str")
        files.append((name, text))
    if not isinstance(config, str):
        raise TypeError("config must be YAML text (str); use triage.load() for a path")
    return _raise_or_wrap(_core.compile(files, config, max_errors))


class Engine:
    """The live ruleset of a long-running process, replaced atomically.

    ``Engine(path)`` loads the config at ``path``; ``reload()`` loads it again and swaps the new
    ruleset in, or raises RuleError and keeps the old one, so a broken edit never stops the
    intake. ``Engine(ruleset)`` starts from a ruleset (``reload()`` then needs its path, given
    when it was loaded). Thread-safe: scans may run while another thread reloads; each scan uses
    one ruleset from start to end.
    """

    def __init__(self, source: Union[PathLike, RuleSet]) -> None:
        self._lock = threading.Lock()
        if isinstance(source, RuleSet):
            self._rules = source
            self._path = source.path
        else:
            self._path = os.fspath(source)
            self._rules = load(self._path)
        self._generation = 0

    @property
    def rules(self) -> RuleSet:
        """The live ruleset. Keep the returned value for as long as you like."""
        return self._rules

    @property
    def generation(self) -> int:
        """The number of successful swaps since construction."""
        return self._generation

    @property
    def path(self) -> Optional[str]:
        return self._path

    def reload(self) -> RuleSet:
        """Loads the config again and swaps the result in; returns it. Raises RuleError (the
        live ruleset stays) when it does not load."""
        if self._path is None:
            raise ValueError("this Engine's ruleset has no config path to reload from")
        with self._lock:
            rules = load(self._path)
            self._rules = rules
            self._generation += 1
            return rules

    def swap(self, rules: RuleSet) -> None:
        """Replaces the live ruleset with ``rules``."""
        if not isinstance(rules, RuleSet):
            raise TypeError("swap takes a RuleSet")
        with self._lock:
            self._rules = rules
            self._generation += 1

    def scan(self, record: Record) -> Decision:
        """``rules.scan(record)`` with the live ruleset."""
        return self._rules.scan(record)

    def scan_many(self, records: Iterable[Record], **options: Any,
                  ) -> Iterator[Union[Decision, RecordError]]:
        """``rules.scan_many(records, ...)`` with the ruleset live when it is called."""
        return self._rules.scan_many(records, **options)

    def __repr__(self) -> str:
        return f"<triage.Engine generation={self._generation} rules={self._rules!r}>"
