"""Excel: 表二、表三、表四 as a workbook, one sheet each, in the official layout.

Each sheet starts with the section's heading (「二、主动公开政府信息情况」) on a row of its own,
then the table as draft.docx prints it: the same labels and merged header cells (the tables
come from document.build_table), figures as numbers, an unknown figure as 「/」. Column widths
follow templates/docx-layout.yaml; the sheets print on A4, fitted to the page width.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

import io
from typing import Any

from report_writer.document import Table, build_table
from report_writer.model import Report
from report_writer.render.docx import load_layout

TABLES = ("proactive", "applications", "reviews")
# Excel column widths are in characters of the default font ("0", about 1.9 mm); a Chinese
# character takes about two. The columns are those of the Word table, a little wider.
WIDTH_PER_MM = 0.6
MIN_WIDTH = 7.5  # four Chinese characters: 「结果维持」 on one line
CJK_UNITS = 1.7  # width of a Chinese character at 10.5 pt, in those units
LANDSCAPE_FROM = 100  # a table wider than this prints across the page
LINE_PT = 14  # height of a line of 10.5 pt text
HEADING_ROW = 1
FIRST_ROW = 2  # the table starts on the row below the heading


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    layout = load_layout()
    for key in TABLES:
        spec = report.fmt.tables[key]
        sheet = workbook.create_sheet(spec.name)
        table = build_table(report, key)
        _heading(sheet, f"{spec.number}、{spec.title}", table.width)
        _table(sheet, table, report)
        mms = layout["tables"].get(key) or [156 / table.width] * table.width
        widths = [max(round(mm * WIDTH_PER_MM, 1), MIN_WIDTH) for mm in mms]
        for c, width in enumerate(widths, 1):
            sheet.column_dimensions[_letter(c)].width = width
        _row_heights(sheet, table, widths)
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        if sum(widths) > LANDSCAPE_FROM:
            sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if table.header_rows:  # repeated at the top of each printed page
            sheet.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW + table.header_rows - 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _heading(sheet: Any, text: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    cell = sheet.cell(HEADING_ROW, 1, text)
    cell.font = Font(name="黑体", size=14)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    sheet.merge_cells(start_row=HEADING_ROW, start_column=1, end_row=HEADING_ROW, end_column=width)
    sheet.row_dimensions[HEADING_ROW].height = 28


def _table(sheet: Any, table: Table, report: Report) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="仿宋", size=10.5)
    values = report.figures.values
    height = max(r + cell.rowspan for r, _, cell in table.grid())
    for r in range(height):  # every cell bordered, the covered ones of a merge included
        for c in range(table.width):
            sheet.cell(FIRST_ROW + r, c + 1).border = border
    for r, c, cell in table.grid():
        row, column = FIRST_ROW + r, c + 1
        target = sheet.cell(row, column)
        if cell.key is not None:
            value = values[cell.key]
            target.value = "/" if value is None else value
        else:
            target.value = cell.text
        label = not cell.header and cell.key is None
        target.alignment = Alignment(
            horizontal="left" if label else "center", vertical="center", wrap_text=True
        )
        target.font = font
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row,
                start_column=column,
                end_row=row + cell.rowspan - 1,
                end_column=column + cell.colspan - 1,
            )


def _row_heights(sheet: Any, table: Table, widths: list[float]) -> None:
    """Each row as high as its most wrapped cell (Excel and LibreOffice do not fit the height
    of wrapped text when they open a file): a cell spanning rows shares its lines among them."""
    from math import ceil

    lines: dict[int, float] = {}
    for r, c, cell in table.grid():
        room = sum(widths[c : c + cell.colspan]) - 1
        units = sum(1 if ord(ch) < 0x2E80 else CJK_UNITS for ch in cell.text)
        needed = max(ceil(units / max(room, 1)), 1) / cell.rowspan
        for row in range(r, r + cell.rowspan):
            lines[row] = max(lines.get(row, 1), needed)
    for row, count in lines.items():
        sheet.row_dimensions[FIRST_ROW + row].height = ceil(count) * LINE_PT + 4
