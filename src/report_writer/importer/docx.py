"""A Word (.docx) report: its paragraphs and tables in document order. A merged cell is one
cell (as printed), so a row's figures are its last cells. The package is read within the bounds
of `ooxml.py` (a hostile .docx is refused, not inflated).

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from pathlib import Path

from report_writer.importer.tokens import Line
from report_writer.ooxml import iter_children, open_package

NAME = "docx"
LABEL = "Word 文档（.docx）"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(path: Path) -> list[Line]:
    lines: list[Line] = []
    with open_package(path, LABEL) as package:
        for element in iter_children(package, "word/document.xml", path, f"{_W}body"):
            if element.tag == f"{_W}p":
                text = "".join(t.text or "" for t in element.iter(f"{_W}t"))
                lines.append(Line((text,), len(lines) + 1))
            elif element.tag == f"{_W}tbl":
                for tr in element.iter(f"{_W}tr"):
                    cells = tuple(
                        "".join(t.text or "" for t in tc.iter(f"{_W}t")).strip()
                        for tc in tr.iterchildren(f"{_W}tc")
                    )
                    lines.append(Line(cells, len(lines) + 1, grid=True))
    return lines
