"""A PDF report, through pdfplumber (the optional extra `report-writer[pdf]`).

Tables drawn with rules are read as grids (pdfplumber finds their cells from the rules, so a label
wrapping inside its cell stays one cell, a merged cell one cell); the words outside them are put
back into lines by their positions (`pdfrows`), which also rebuilds the rows of a table printed
without rules. Page numbers such as 「- 3 -」 are dropped.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.importer.pdfrows import Word, page_lines
from report_writer.importer.tokens import Line

NAME = "pdf"
LABEL = "PDF 文件"
_MIN_TABLE_ROWS = 2  # a single ruled box (a framed title) is not a table
# A page of a report draws its text and tables in well under 1 MB of instructions.
MAX_PAGE_CONTENT = 4 * 1024 * 1024


def read(path: Path) -> list[Line]:
    try:
        import pdfplumber
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
                _bounded(page, path)
                lines += _page(page, len(lines) + 1)
    except InputError:
        raise
    except Exception:  # an untrusted file: the parser raises many kinds of error on a broken one
        raise InputError(
            f"无法读取 PDF 文件 {path}：文件结构有误或已损坏。"
            "请用 PDF 阅读器打开确认，或把文字复制到 .txt 文件再导入"
        ) from None
    if not any(line.text.strip() for line in lines):
        raise InputError(f"{path} 中没有可提取的文字（可能是扫描件），请先做文字识别（OCR）再导入")
    return lines


def _bounded(page: Any, path: Path) -> None:
    """Refuse a page whose drawing instructions are far beyond any report's (a deflate bomb, a
    flood of operators) before the parser reads them: a compressed stream is inflated only up
    to the bound."""
    from pdfminer.pdftypes import PDFStream, resolve1

    left = MAX_PAGE_CONTENT
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        raw = stream.rawdata or b""
        names = [str(getattr(f, "name", f)) for f, _ in stream.get_filters()]
        if names == ["FlateDecode"]:
            size = len(zlib.decompressobj().decompress(raw, left + 1))
        else:
            size = len(raw)
        left -= size
        if left < 0:
            raise InputError(
                f"无法读取 PDF 文件 {path}：内容超出安全上限（一页的绘制指令解压后超过"
                f"{MAX_PAGE_CONTENT // 1024 // 1024} MB），疑似恶意构造，已拒绝读取"
            )


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
