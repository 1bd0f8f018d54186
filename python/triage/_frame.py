# SPDX-License-Identifier: Apache-2.0
"""to_frame(): a pandas DataFrame of decisions from a DataFrame of records.

pandas is optional: importing triage never imports it, and to_frame() raises ImportError with
the package to install when it is missing.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ._errors import RecordError
from ._ruleset import RuleSet

__all__ = ["to_frame"]

_STEP = re.compile(r"^([^.\[\]]+)(\[(?:\*|0)\])?$")

FRAME_COLUMNS = ["id", "band", "urgency", "categories", "rules", "tags", "routes", "error"]


def _parse_path(path: str) -> List[Tuple[str, bool]]:
    """"victims[*].age" -> [("victims", True), ("age", False)]: keys, and whether each holds a
    list (of one object per value for [*], of one object for [0])."""
    steps = []
    for part in path.split("."):
        m = _STEP.match(part)
        if not m:
            raise ValueError(f"column mapping: '{path}' is not a record path (keys separated by "
                             "dots, each optionally followed by [*] or [0])")
        steps.append((m.group(1), m.group(2) is not None))
    return steps


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas
        return value is pandas.NaT or value is pandas.NA
    except ImportError:  # pragma: no cover - only reached through pandas
        return False


def _plain(value: Any) -> Any:
    """A JSON-writable Python value for one cell (numpy scalars, timestamps, arrays)."""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _put(record: Dict[str, Any], steps: List[Tuple[str, bool]], value: Any) -> None:
    node = record
    for i, (key, is_list) in enumerate(steps):
        last = i == len(steps) - 1
        if not is_list:
            if last:
                node[key] = value
                return
            node = node.setdefault(key, {})
            continue
        items = node.setdefault(key, [])
        if last:
            items.extend(value if isinstance(value, list) else [value])
            return
        rest = steps[i + 1:]
        values = value if isinstance(value, list) else [value]
        while len(items) < len(values):
            items.append({})
        for item, v in zip(items, values):
            _put(item, rest, v)
        return


def to_frame(rules: RuleSet, records: Any, columns: Optional[Mapping[str, str]] = None, *,
             jobs: Optional[int] = None, batch_size: int = 1024) -> Any:
    """Triages every row of the DataFrame ``records`` and returns a DataFrame of decisions with
    the same index: id, band, urgency, categories, rules, tags, routes (lists of names) and
    error (the RecordError code of a row that could not be triaged, else None).

    ``columns`` maps record paths to DataFrame columns, e.g. {"id": "case_id", "summary":
    "narrative", "victims[*].age": "victim_ages"}; without it every column is a top-level key
    under its own name. A path is dot-separated keys, each optionally followed by [*] (the
    cell's values, one object each) or [0]. Missing cells (None, NaN, NaT) are left out of
    the record.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_frame() needs pandas (Debian: python3-pandas)") from None
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"records must be a pandas DataFrame, not {type(records).__name__}")
    if columns is None:
        columns = {str(c): c for c in records.columns}
    missing = [c for c in columns.values() if c not in records.columns]
    if missing:
        raise KeyError(f"no such column in the DataFrame: {', '.join(map(str, missing))}")
    paths = [(_parse_path(path), column) for path, column in columns.items()]
    cells = records[[column for _, column in paths]].itertuples(index=False, name=None)

    def rows() -> Any:
        for row in cells:
            record: Dict[str, Any] = {}
            for (steps, _), value in zip(paths, row):
                if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
                    value = _plain(value)
                    value = [v for v in value if not _missing(v)] \
                        if isinstance(value, list) else value
                elif _missing(value):
                    continue
                _put(record, steps, _plain(value))
            yield record

    out: List[Dict[str, Any]] = []
    for result in rules.scan_many(rows(), jobs=jobs, batch_size=batch_size):
        if isinstance(result, RecordError):
            out.append({"id": result.id, "band": None, "urgency": None, "categories": [],
                        "rules": [], "tags": [], "routes": [], "error": result.code})
        else:
            out.append({"id": result.id, "band": result.band, "urgency": result.urgency,
                        "categories": result.category_names, "rules": result.rule_names,
                        "tags": result.tags, "routes": result.routes, "error": None})
    frame = pd.DataFrame(out, index=records.index, columns=FRAME_COLUMNS)
    frame["urgency"] = frame["urgency"].astype("Int64")  # None for rows with an error
    return frame
