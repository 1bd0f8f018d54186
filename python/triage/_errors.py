# SPDX-License-Identifier: Apache-2.0
"""The exceptions of the triage package and the Diagnostic they carry.

Every problem in rules or a config is a :class:`Diagnostic` (file, line, column, a stable code
and a message), exactly as ``triage check`` reports it; loading or compiling a ruleset that has
errors raises one :class:`RuleError` carrying all of them, whose ``str()`` is the CLI's rendering
(``file:line:col: error: message [code]``, the source line and a caret). A record that cannot be
triaged is a :class:`RecordError` with the stable code of ``triage filter``'s error lines; its
message never quotes the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Tuple

__all__ = ["Diagnostic", "Error", "RecordError", "RuleError"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a rule file, a config or an expectation file.

    Lines and columns are 1-based and the column counts bytes, as in the CLI; all four are None
    for a problem without a file. ``rendered`` is the CLI's text for this diagnostic alone (with
    its source line and caret); a note belongs to the diagnostic before it.
    """

    severity: str  # "error", "warning" or "note"
    code: str  # stable kebab-case id: "syntax", "unknown-name", "bad-regex", ...
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    end_line: Optional[int]
    end_column: Optional[int]
    rendered: str

    @classmethod
    def _from_core(cls, item: Mapping[str, Any]) -> "Diagnostic":
        return cls(**item)

    def __str__(self) -> str:
        return self.rendered


def _diagnostics(items: Sequence[Mapping[str, Any]]) -> Tuple[Diagnostic, ...]:
    return tuple(Diagnostic._from_core(item) for item in items)


class Error(Exception):
    """The base of every exception the triage package raises on purpose."""


class RuleError(Error):
    """Rules or a config that do not load: every diagnostic of the attempt.

    ``diagnostics`` holds them all in order (warnings and notes included); ``errors`` only the
    errors. ``str(error)`` is what ``triage check`` prints for them.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], rendered: str) -> None:
        self.diagnostics: Tuple[Diagnostic, ...] = tuple(diagnostics)
        self.rendered = rendered
        super().__init__(rendered)

    @property
    def errors(self) -> Tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def __str__(self) -> str:
        return self.rendered.rstrip("\n")

    def __reduce__(self) -> Any:
        return (type(self), (self.diagnostics, self.rendered))


class RecordError(Error, ValueError):
    """A record (or a label line) that cannot be triaged or read.

    ``code`` is the stable snake_case id of ``triage filter``'s error lines (invalid_json,
    not_an_object, too_large, wrong_type, invalid_utf8, duplicate_key, ...; for labels also
    missing_id, unknown_band, ...). ``id`` is the record's id when it could be read, ``line`` its
    1-based position in the input. The message never quotes the record. ``to_json()`` is the
    error line ``triage filter`` writes in the record's place.
    """

    def __init__(self, code: str, message: str, id: Optional[str] = None,
                 line: Optional[int] = None, json_line: str = "") -> None:
        self.code = code
        self.message = message
        self.id = id
        self.line = line
        self._json_line = json_line
        super().__init__(f"{message} [{code}]")

    def to_json(self) -> str:
        """The error line of ``triage filter`` for this record, without its newline."""
        return self._json_line

    def __repr__(self) -> str:
        return (f"RecordError(code={self.code!r}, message={self.message!r}, id={self.id!r}, "
                f"line={self.line!r})")

    def __reduce__(self) -> Any:
        return (type(self), (self.code, self.message, self.id, self.line, self._json_line))
