"""Where the six parts of a published report begin, found by their numbered headings.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from report_writer.importer.tokens import Line, norm
from report_writer.resources import load_data

_LABELS = Path(__file__).resolve().parent / "labels.yaml"
ORDER = ("overview", "proactive", "applications", "reviews", "problems", "other")


@cache
def labels() -> dict[str, Any]:
    data: dict[str, Any] = load_data(_LABELS)
    return data


def heading_text(line: Line) -> str:
    """A free-text line as compared with headings: Markdown marks and emphasis removed."""
    return norm(line.text).lstrip("#>*").replace("*", "")


def find_headings(lines: list[Line]) -> dict[str, int]:
    """Index of each part's heading line, in order; a part whose heading is missing is absent."""
    found: dict[str, int] = {}
    start = 0
    aliases = labels()["sections"]
    for key in ORDER:
        wanted = [norm(a) for a in aliases[key]]
        for i in range(start, len(lines)):
            if lines[i].grid:
                continue
            text = heading_text(lines[i])
            if any(text.startswith(w) for w in wanted):
                found[key] = i
                start = i + 1
                break
    return found


def regions(lines: list[Line]) -> dict[str, range]:
    """The lines of each part: from after its heading to the next heading found."""
    heads = find_headings(lines)
    keys = [k for k in ORDER if k in heads]
    result: dict[str, range] = {}
    for i, key in enumerate(keys):
        end = heads[keys[i + 1]] if i + 1 < len(keys) else len(lines)
        result[key] = range(heads[key] + 1, end)
    return result
