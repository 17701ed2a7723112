"""An HTML page (a portal's article saved from the browser, or OCR output with HTML tables): a line
per paragraph, a grid line per table row.

Parsed with lxml's HTML parser, which copes with the tag soup portals publish. Each table is
expanded into a grid: a cell spanning rows or columns takes its place once, and the places it
covers beyond its own are blank, so a row's cells stay in their columns. A table holding another
table is page layout, not data: its cells are read as paragraphs.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from report_writer.importer.tokens import Line

NAME = "html"
LABEL = "HTML 网页"
_BLOCKS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
    "article", "header", "footer", "table", "tr", "td", "th", "tbody", "thead", "blockquote",
    "pre", "hr", "dl", "dt", "dd", "center", "form",
}  # fmt: skip
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "select", "button"}
_MAX_SPAN = 100  # a rowspan of 9999 is a broken page, not a table


class _Reader:
    def __init__(self, line_breaks: bool) -> None:
        self.line_breaks = line_breaks  # a newline in the text ends a line (Markdown around tables)
        self.lines: list[Line] = []
        self.text: list[str] = []

    def flush(self) -> None:
        text = "".join(self.text).strip()
        if text:
            self.lines.append(Line((text,), len(self.lines) + 1))
        self.text = []

    def add_text(self, data: str | None) -> None:
        if not data:
            return
        if not self.line_breaks:
            self.text.append(data)
            return
        first, *rest = data.split("\n")
        self.text.append(first)
        for piece in rest:
            self.flush()
            self.text.append(piece)

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:  # comments and processing instructions are not text
            self.add_text(element.tail)
            return
        if tag == "table" and element.find(".//table") is None:
            self.flush()
            self.table(element)
            self.add_text(element.tail)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
        self.add_text(element.text)
        for child in element:
            self.walk(child)
        if block:
            self.flush()
        self.add_text(element.tail)

    def table(self, table: etree._Element) -> None:
        for cells in grid(table):
            if any(c.strip() for c in cells):
                self.lines.append(Line(tuple(cells), len(self.lines) + 1, grid=True))


def _span(cell: etree._Element, name: str) -> int:
    try:
        value = int(str(cell.get(name, "1")).strip() or 1)
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def cell_text(cell: etree._Element) -> str:
    """A cell's text: its paragraphs and spans joined, no-break spaces as spaces."""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        if node is not cell and (not isinstance(node.tag, str) or node.tag in _SKIP):
            return
        parts.append(node.text or "")
        for child in node:
            visit(child)
            parts.append(child.tail or "")

    visit(cell)
    return " ".join("".join(parts).replace("\xa0", " ").split())


def grid(table: etree._Element) -> list[list[str]]:
    """The table's rows with every spanned cell expanded: the text where the cell starts, blank
    in the places it covers below and to the right."""
    rows: list[list[str]] = []
    taken: dict[tuple[int, int], str] = {}  # (row, column) -> text placed there by a span
    trs = [tr for tr in table.iter("tr") if tr.getparent() is not None]
    for r, tr in enumerate(trs):
        row: list[str] = []
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                row.append(taken.pop((r, c)))
                c += 1
            text = cell_text(cell)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr == 0 and dc == 0:
                        row.append(text)
                    elif dr == 0:
                        row.append("")
                    else:
                        taken[(r + dr, c + dc)] = ""
            c += colspan
        while (r, c) in taken:
            row.append(taken.pop((r, c)))
            c += 1
        rows.append(row)
    return rows


def read(text: str, line_breaks: bool = False) -> list[Line]:
    if not text.strip():
        return []
    parser = lxml_html.HTMLParser(encoding="utf-8")  # the text is decoded already
    try:
        document = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return []
    reader = _Reader(line_breaks)
    title = " ".join(str(document.xpath("string(//title)")).split())
    body = document.find("body")
    reader.walk(body if body is not None else document)
    reader.flush()
    head = [Line((title,), 0)] if title else []
    return head + reader.lines
