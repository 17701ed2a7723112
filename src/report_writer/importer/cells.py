"""A page scraped one table cell a line, each ending " |", padded with "|||" (the reference); also
a row a line with its cells between pipes ("规章 | 0 | 0 | 0 |"). Empty pieces after the last
cell are padding; a line of nothing but pipes is one blank cell.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from report_writer.importer.tokens import Line

NAME = "cells"
LABEL = "一格一行的网页文本"


def looks_like(text: str) -> bool:
    ending = [s for s in text.splitlines() if s.rstrip().endswith("|") and not s.startswith("|")]
    return len(ending) >= 10


def read(text: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "|" in raw:
            cells = [c.strip() for c in raw.split("|")]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(Line(tuple(cells) or ("",), number, grid=True))
        else:
            lines.append(Line((raw,), number))
    return lines
