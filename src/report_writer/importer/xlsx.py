"""An Excel workbook (.xlsx) of tables 二、三、四: every sheet's rows as lines of a table.

A row is a grid line of its cells, as in a Word table: a figure stored as a number or as text
reads the same, a cell covered by a merge is blank, an empty row is left out. A row holding
only a section heading (「三、收到和处理政府信息公开申请情况」) is free text, so that the tables are
found by their headings as in any report; a sheet without one but named after its table
(「表三」) gets that heading. Formulas give the value Excel last computed (none: a blank cell).

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.importer.sections import heading_end, labels
from report_writer.importer.tokens import Line
from report_writer.ooxml import open_package

NAME = "xlsx"
# Three tables take some tens of kilobytes unpacked; a workbook the office keeps all year, with
# other sheets, a few megabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
LABEL = "Excel 工作簿（.xlsx）"
# The table sections, and what a sheet named after one may be called.
SHEET_NAMES = {
    "proactive": ("表二", "主动公开"),
    "applications": ("表三", "申请"),
    "reviews": ("表四", "复议", "诉讼"),
}
# A table is some 10 columns and 40 rows. A sheet is read row by row up to these bounds, so that
# a tiny workbook naming a far cell (XFD1048576) or one merge over the whole sheet cannot make
# billions of empty cells; columns past MAX_COLUMNS are not read.
MAX_COLUMNS = 100
MAX_ROWS = 10_000


def read(path: Path) -> list[Line]:
    """The rows of every sheet, in order, as lines numbered by their row in the sheet."""
    import zipfile

    from openpyxl import load_workbook

    with open_package(path, "Excel 工作簿") as package:  # a zip of bounded members
        unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:  # openpyxl inflates every sheet: measure first
        raise InputError(
            f"{path} 解压后有 {unpacked / 1024 / 1024:.0f} MB，超过"
            f" {MAX_UNPACKED_BYTES // 1024 // 1024} MB 的上限，不像是统计表，疑似压缩炸弹，已拒绝读取"
        )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return _lines(workbook, path)
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as exc:
        # a read-only workbook parses its sheets while they are read: a broken sheet's XML
        # (ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors) shows up here
        raise InputError(f"{path} 不是有效的 Excel 工作簿（{exc}）") from None


def _lines(workbook: Any, path: Path) -> list[Line]:
    lines: list[Line] = []
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()  # every row the sheet holds, not only those its header claims
        sheet_lines = []
        for n, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if n > MAX_ROWS:
                raise InputError(
                    f"{path} 的工作表“{sheet.title}”超过 {MAX_ROWS:,} 行，不像是统计表，已拒绝读取"
                    "（请只保留表二、表三、表四所在的工作表）"
                )
            if any(cells := tuple(_text(v) for v in row)):
                sheet_lines.append(_line(cells, n))
        if sheet_lines and not any(_heading_of(line) for line in sheet_lines):
            named = _named_table(sheet.title)
            if named is not None:
                lines.append(Line((named,), 0))
        lines.extend(sheet_lines)
    return lines


def _text(value: Any) -> str:
    """A cell as printed: 12 (stored as 12, 12.0 or the text "12"), 0.5, or its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _line(cells: tuple[str, ...], number: int) -> Line:
    filled = [c for c in cells if c]
    if len(filled) == 1 and _heading_text(filled[0]):
        return Line((filled[0],), number)  # a heading: free text
    return Line(_trimmed(cells), number, grid=True)


def _trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    """The row without the empty cells after its last filled one (the sheet's used width may
    be wider than the table)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _heading_text(text: str) -> bool:
    return any(heading_end(key, Line((text,), 0)) is not None for key in SHEET_NAMES)


def _heading_of(line: Line) -> bool:
    return not line.grid and _heading_text(line.text)


def _named_table(title: str) -> str | None:
    """The heading of the table a sheet is named after, if any."""
    for key, names in SHEET_NAMES.items():
        if any(name in title for name in names):
            heading: str = labels()["headings"][key]
            return heading
    return None
