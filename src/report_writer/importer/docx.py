"""A Word (.docx) report: its paragraphs and tables in document order. A merged cell is one
cell (as printed), so a row's figures are its last cells.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from pathlib import Path

from report_writer.errors import InputError
from report_writer.importer.tokens import Line

NAME = "docx"
LABEL = "Word 文档（.docx）"


def read(path: Path) -> list[Line]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"{path} 不是有效的 .docx 文件（{exc}）") from None
    lines: list[Line] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            lines.append(Line((text,), len(lines) + 1))
        elif element.tag == qn("w:tbl"):
            for tr in element.iter(qn("w:tr")):
                cells = tuple(
                    "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
                    for tc in tr.iterchildren(qn("w:tc"))
                )
                lines.append(Line(cells, len(lines) + 1, grid=True))
    return lines
