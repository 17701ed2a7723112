"""Where the six parts of a published report begin, found by their numbered headings.

A heading may stand at the start of a line or in the middle of one (a portal page collapsed into a
single line of text): `split_at_headings` puts every heading on a line of its own first, so the
readers of tables and sections see a heading, then the lines of its part.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from report_writer.importer.tokens import Line, norm
from report_writer.resources import load_data

_LABELS = Path(__file__).resolve().parent / "labels.yaml"
ORDER = ("overview", "proactive", "applications", "reviews", "problems", "other")
_MARKS = set("#>*\"'“”‘’「」『』")


@cache
def labels() -> dict[str, Any]:
    data: dict[str, Any] = load_data(_LABELS)
    return data


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {key: re.compile(labels()["sections"][key]) for key in ORDER}


def _normalised(raw: str) -> tuple[str, list[int]]:
    """`raw` as headings are matched (NFKC, no spaces, quotes or Markdown marks) and, for each
    character of it, the index of the raw character it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(raw):
        for n in unicodedata.normalize("NFKC", c):
            if not n.isspace() and n not in _MARKS:
                chars.append(n)
                where.append(i)
    return "".join(chars), where


def heading_end(key: str, line: Line) -> int | None:
    """Where the heading of part `key` that starts `line` ends (an index into its text)."""
    text, where = _normalised(line.text)
    m = _patterns()[key].match(text)
    if m is None:
        return None
    return where[m.end() - 1] + 1


def _crosses(first: str, second: str) -> bool:
    """Whether a heading begins in `first` and ends in `second` (「三、收到和处理政府信息」
    「公开申请情况」: a heading broken over two lines)."""
    text, where = _normalised(first + second)
    return any(
        where[m.start()] < len(first) <= where[m.end() - 1]
        for pattern in _patterns().values()
        for m in pattern.finditer(text)
    )


def _rejoined(lines: list[Line]) -> list[Line]:
    """Lines with a heading broken over two or three of them joined again."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.grid:
            out.append(line)
            continue
        joined = True
        while joined:  # a joined line may end with the start of the next heading
            joined = False
            for span in (1, 2):
                following = lines[i : i + span]
                if len(following) < span or any(f.grid for f in following):
                    break
                if _crosses(line.text, "".join(f.text for f in following)):
                    line = Line((line.text + "".join(f.text for f in following),), line.number)
                    i += span
                    joined = True
                    break
        out.append(line)
    return out


def split_at_headings(lines: list[Line]) -> list[Line]:
    """Every free-text line cut before and after each heading it holds, the pieces keeping the
    line's number: 「…总计000…四、政府信息公开行政复议、行政诉讼情况行政复议…」 becomes three lines.
    A heading broken over lines is joined first."""
    out: list[Line] = []
    for line in _rejoined(lines):
        if line.grid:
            out.append(line)
            continue
        raw = line.text
        text, where = _normalised(raw)
        starts: set[int] = set()
        ends: set[int] = set()
        for pattern in _patterns().values():
            for m in pattern.finditer(text):
                starts.add(where[m.start()])
                ends.add(where[m.end() - 1] + 1)
        cuts = starts | ends
        if not cuts:
            out.append(line)
            continue
        bounds = [0, *sorted(cuts), len(raw)]
        # the colon after a heading (「六、其他需要报告的事项：无」) is not the text of its part
        pieces = [
            raw[a:b].lstrip("：:") if a in ends else raw[a:b] for a, b in itertools.pairwise(bounds)
        ]
        prefix = ""
        for piece in pieces:
            if not piece.strip():
                continue
            if not norm(piece).strip("#>*"):  # a Markdown mark stays with its heading
                prefix += piece
                continue
            out.append(Line((prefix + piece,), line.number))
            prefix = ""
        if prefix.strip():
            out.append(Line((prefix,), line.number))
    return out


def find_headings(lines: list[Line]) -> dict[str, int]:
    """Index of each part's heading line, in order; a part whose heading is missing is absent.
    Three headings or more on consecutive lines are a table of contents (「一、总体情况 二、主动
    公开政府信息情况 三、…」 before the report) when they are all printed again after it: the
    search starts again there."""
    found = _headings_from(lines, 0)
    while run := _contents(sorted(found.values())):
        again = _headings_from(lines, run[-1] + 1)
        listed = {key for key, i in found.items() if i in run}
        if not listed <= set(again):  # not printed again: headings of empty parts after all
            return found
        found = again
    return found


def _headings_from(lines: list[Line], start: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for key in ORDER:
        for i in range(start, len(lines)):
            if lines[i].grid and sum(1 for c in lines[i].cells if c.strip()) != 1:
                continue  # a table's caption row (one cell across it) may hold the heading
            if heading_end(key, lines[i]) is not None:
                found[key] = i
                start = i + 1
                break
    return found


def _contents(indexes: list[int]) -> list[int]:
    """The first run of three or more headings on consecutive lines, or []."""
    run: list[int] = []
    for i in indexes:
        run = [*run, i] if run and i == run[-1] + 1 else [i]
        if len(run) >= 3 and (i + 1 not in indexes):
            return run
    return []


def regions(lines: list[Line]) -> dict[str, range]:
    """The lines of each part: from after its heading to the next heading found."""
    heads = find_headings(lines)
    keys = [k for k in ORDER if k in heads]
    result: dict[str, range] = {}
    for i, key in enumerate(keys):
        end = heads[keys[i + 1]] if i + 1 < len(keys) else len(lines)
        result[key] = range(heads[key] + 1, end)
    return result
