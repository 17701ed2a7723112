"""OCR'd Markdown: tables as "| a | b |" lines whose header rows are often wrong, so the figures
are taken by position (the last cells of a row), never by the header. Tables written as HTML
inside the Markdown (as some OCR tools and this tool's draft.md do) are read as HTML tables.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re

from report_writer.importer.tokens import Line

NAME = "markdown"
LABEL = "OCR 识别的 Markdown"
_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


_HTML_TABLE = re.compile(r"<table\b", re.IGNORECASE)


def looks_like(text: str) -> bool:
    rows = [s for s in text.splitlines() if s.lstrip().startswith("|") and s.count("|") >= 3]
    return len(rows) >= 5 or bool(_HTML_TABLE.search(text))


def read(text: str) -> list[Line]:
    if _HTML_TABLE.search(text):
        from report_writer.importer import html

        return html.read(text, line_breaks=True)
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("|"):
            if _RULE.match(stripped):
                continue
            body = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
            cells = tuple(_BREAK.sub("", c).strip() for c in body.split("|"))
            lines.append(Line(cells, number, grid=True))
        else:
            lines.append(Line((_BREAK.sub("", raw),), number))
    return lines
