"""An HTML page whose tables are real tables: a line per paragraph, a grid line per table row.

Merged cells are kept as printed (a cell spanning three columns is one cell), so a row's figures
are its last cells, as in every grid layout.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from html.parser import HTMLParser

from report_writer.importer.tokens import Line

NAME = "html"
LABEL = "HTML 网页"
_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "title", "section", "tr"}
_SKIP = {"script", "style", "head"}


class _Parser(HTMLParser):
    def __init__(self, line_breaks: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.line_breaks = line_breaks  # a newline in the text ends a line (Markdown around tables)
        self.lines: list[Line] = []
        self.text: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def _flush(self) -> None:
        text = "".join(self.text).strip()
        if text:
            self.lines.append(Line((text,), len(self.lines) + 1))
        self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP:
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(c for c in self.row):
                self.lines.append(Line(tuple(self.row), len(self.lines) + 1, grid=True))
            self.row = None
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.skip:
            return
        elif self.cell is not None:
            self.cell.append(data)
        elif self.line_breaks and "\n" in data:
            first, *rest = data.split("\n")
            self.text.append(first)
            for piece in rest:
                self._flush()
                self.text.append(piece)
        else:
            self.text.append(data)


def read(text: str, line_breaks: bool = False) -> list[Line]:
    parser = _Parser(line_breaks)
    parser.feed(text)
    parser.close()
    parser._flush()
    title = "".join(parser.title).strip()
    head = [Line((title,), 0)] if title else []
    return head + parser.lines
