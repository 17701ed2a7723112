"""Read a published report back: `import_report(source)` gives its meta, table figures, the text of
sections 一、五、六 and a log of everything it could not read for sure.

Layouts (FORMAT.md, last section): one cell a line with " |" padding (`cells`), PDF text rows with
figures spaced or run together (`pdftext`, `pdf`), OCR'd Markdown (`markdown`), HTML with real
tables (`html`), Word (`docx`). Tables are read the same way for all (`tables`).

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.errors import InputError
from report_writer.files import check_regular, decode_published
from report_writer.formats.spec import Format, format_for_year
from report_writer.importer import cells, docx, html, markdown, pdf, pdftext, xlsx
from report_writer.importer.log import Log, LogEntry
from report_writer.importer.sections import split_at_headings
from report_writer.importer.split import Cell
from report_writer.importer.tables import read_tables
from report_writer.importer.text import (
    read_narrative,
    read_signature,
    read_title,
    year_in_overview,
)
from report_writer.importer.tokens import Line, plain
from report_writer.limits import MAX_PUBLISHED_BYTES
from report_writer.model import guess_level

__all__ = ["ImportResult", "LogEntry", "import_report", "read_lines"]

LAYOUT_LABELS: dict[str, str] = {
    m.NAME: m.LABEL for m in (cells, pdftext, markdown, html, docx, pdf, xlsx)
}


class ImportResult(Struct):
    source: Path
    layout: str  # a key of LAYOUT_LABELS
    agency: str
    year: int
    level: str
    fmt: Format
    cells: dict[tuple[str, str, str], Cell]  # every printed cell; None = "/" or not read
    legacy: dict[str, dict[str, Cell]]  # 2019-format rows: "proactive.procurement" -> figures
    narrative: dict[str, str]  # overview, problems, other
    log: list[LogEntry] = field(default_factory=list)

    def tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The figures nested as report.yaml holds them (legacy rows under their own keys)."""
        nested: dict[str, dict[str, dict[str, Any]]] = {}
        for spec in self.fmt.tables.values():
            rows = nested.setdefault(spec.key, {})
            for row, col in spec.cells():
                value = self.cells.get((spec.key, row.key, col.key))
                rows.setdefault(row.key, {})[col.key] = _plain(value)
        for path, figures in self.legacy.items():
            table, row_key = path.split(".")
            nested[table][row_key] = {k: _plain(v) for k, v in figures.items()}
        return nested

    def report_data(self) -> dict[str, Any]:
        """The report as a plain dict, ready for `model.parse_report`."""
        return {
            "meta": {
                "agency": self.agency,
                "year": self.year,
                "level": self.level,
                "format": self.fmt.id,
            },
            "tables": self.tables(),
        }


def _plain(value: Cell) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --year and --agency take one file: a batch import names the file to import again on its own.
ALONE = "（一次导入多份文件时，请单独导入这一份）"
_HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".mhtml")
# a saved page may open with a comment, an XML declaration or a byte-order mark
_HTML_START = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype|html)\b", re.I | re.S
)


def read_lines(source: Path) -> tuple[str, list[Line]]:
    """(layout, lines) of a published report, chosen by the file's suffix and content; every
    heading on a line of its own."""
    layout, lines = _read_layout(source)
    lines = [Line(tuple(plain(c) for c in line.cells), line.number, line.grid) for line in lines]
    return layout, split_at_headings(lines)


def _read_layout(source: Path) -> tuple[str, list[Line]]:
    if not source.exists():
        raise InputError(f"找不到要导入的文件“{source}”")
    suffix = source.suffix.lower()
    if suffix in (".docx", ".pdf"):  # opened by a library: a regular file of bounded size first
        check_regular(source, MAX_PUBLISHED_BYTES)
    if suffix == ".docx":
        return docx.NAME, docx.read(source)
    if suffix == ".pdf":
        return pdf.NAME, pdf.read(source)
    if suffix == ".xlsx":
        return xlsx.NAME, xlsx.read(source)
    if suffix == ".doc":
        raise InputError(
            f"{source} 是旧版 Word 文件（.doc），请用 Word 或 WPS“另存为”.docx 后再导入"
        )
    text = decode_published(source)
    if suffix in _HTML_SUFFIXES or _HTML_START.search(text[:2000]):
        return html.NAME, html.read(text)
    if markdown.looks_like(text):
        return markdown.NAME, markdown.read(text)
    if cells.looks_like(text):
        return cells.NAME, cells.read(text)
    return pdftext.NAME, pdftext.read(text)


def _from_signature(lines: list[Line], log: Log, *, agency: bool = False) -> Any:
    """The agency, or the year, from the signature when the title does not name it; logged."""
    who, year = read_signature(lines)
    if agency and who:
        log.add(
            "missing", f"标题中没有机关名称，按落款“{who}”导入；如有误，请用 --agency 指定{ALONE}"
        )
        return who
    if not agency and year:
        log.add(
            "missing",
            f"标题和第一部分都没有报告年度，按落款日期的上一年（{year}年）导入；如有误，请用 --year 指定{ALONE}",
        )
        return year
    return None


def import_report(
    source: str | Path, year: int | None = None, agency: str | None = None
) -> ImportResult:
    """Read a published report. `year` and `agency` override what the title says."""
    path = Path(source)
    layout, lines = read_lines(path)
    log = Log()
    title_agency, title_year = read_title(lines)
    agency = agency or title_agency or _from_signature(lines, log, agency=True)
    if not (year or title_year) and (year := year_in_overview(lines)):
        log.add(
            "missing",
            f"标题中没有报告年度，按第一部分所写的“{year}年”导入；如有误，请用 --year 指定{ALONE}",
        )
    year = year or title_year or _from_signature(lines, log)
    if year is None:
        raise InputError(f"无法从 {path} 的标题识别报告年度，请用 --year 指定{ALONE}")
    if not agency:
        raise InputError(f"无法从 {path} 的标题识别机关名称，请用 --agency 指定{ALONE}")
    fmt = format_for_year(max(year, 2021))
    tables = read_tables(lines, fmt, log)
    return ImportResult(
        source=path,
        layout=layout,
        agency=agency,
        year=year,
        level=guess_level(agency),
        fmt=fmt,
        cells=tables.cells,
        legacy=tables.legacy,
        narrative=read_narrative(lines, fmt, agency),
        log=list(log),
    )
