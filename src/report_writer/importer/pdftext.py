"""Plain text: a portal page's text as a crawler saved it (often the whole page on one line, the
figures of a row run together), or text copied from a PDF (a table row a line, figures separated
by spaces, long labels broken around them). Lines that are page numbers (「— 3 —」) are dropped.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re

from report_writer.importer.tokens import Line

NAME = "pdf-text"
LABEL = "纯文本：网页正文或从 PDF 复制的文字"
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—－]+\s*\d+\s*[-—－]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


# One character alone on a line is a character of a vertical column (「本年度办理结果」 printed one
# character a line down a merged cell) that landed between two rows: not text of either. A numeral
# or a mark may be the start of a heading broken after it (「三」「、」「收到和处理…」) and stays.
_LONE = re.compile(r"^\s*(?![一二三四五六七八九十])[\u3400-\u9fff]\s*$")


def read(text: str) -> list[Line]:
    return [
        Line((raw,), number)
        for number, raw in enumerate(text.splitlines(), 1)
        if not _PAGE_NUMBER.match(raw) and not _LONE.match(raw)
    ]
