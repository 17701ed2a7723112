"""A PDF report, through pdfplumber (the optional extra `report-writer[pdf]`).

Tables drawn with rules are read as grids (pdfplumber finds their cells from the rules, so a label
wrapping inside its cell stays one cell, a merged cell one cell); the words outside them are put
back into lines by their positions (`pdfrows`), which also rebuilds the rows of a table printed
without rules. Page numbers such as 「- 3 -」 are dropped.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.importer.pdfrows import Word, page_lines
from report_writer.importer.tokens import Line

NAME = "pdf"
LABEL = "PDF 文件"
_MIN_TABLE_ROWS = 2  # a single ruled box (a framed title) is not a table


def read(path: Path) -> list[Line]:
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError:
        raise InputError(
            "读取 PDF 需要安装 pdfplumber：请运行 pip install 'report-writer[pdf]'"
            "（或 pip install pdfplumber），也可先把 PDF 的文字复制到 .txt 文件再导入"
        ) from None
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings would reach the terminal
    lines: list[Line] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                lines += _page(page, len(lines) + 1)
    except (PdfminerException, PDFSyntaxError, OSError, ValueError, KeyError) as exc:
        raise InputError(f"无法读取 PDF 文件 {path}：{exc}") from None
    if not any(line.text.strip() for line in lines):
        raise InputError(f"{path} 中没有可提取的文字（可能是扫描件），请先做文字识别（OCR）再导入")
    return lines


def _page(page: Any, first: int) -> list[Line]:
    """The page's lines top to bottom: its ruled tables as grid lines, the rest as text."""
    tables = [t for t in page.find_tables() if len(t.rows) >= _MIN_TABLE_ROWS]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    words = [
        Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
        for w in page.filter(outside).extract_words(keep_blank_chars=False, use_text_flow=False)
        if w.get("upright", True)
    ]
    placed = [(top, [Line((text,), 0)]) for top, text in page_lines(words, page.width, page.height)]
    for table in tables:
        rows = [
            Line(tuple(_cell(c) for c in row), 0, grid=True)
            for row in table.extract()
            if any(c and c.strip() for c in row)
        ]
        placed.append((table.bbox[1], rows))
    placed.sort(key=lambda item: item[0])
    out: list[Line] = []
    for _, lines in placed:
        for line in lines:
            out.append(Line(line.cells, first + len(out), grid=line.grid))
    return out


def _cell(text: str | None) -> str:
    """A cell's text; a place covered by a merged cell (None) is blank. A label wrapped inside
    its cell is one label again."""
    return "".join((text or "").split("\n"))
