"""Draft layer: reading draft.md's regions back into Document blocks.

`parse_blocks` gives what HTML and Word carry; `unexported` names what they leave out;
`apply_edits` puts a reviewer's edited regions into the Document. Must not import render (other
than markdown's unescape) nor anything above the draft layer.
"""

from __future__ import annotations

import re

from msgspec import Struct

from report_writer.document import (
    Block,
    Cell,
    Document,
    Heading,
    Paragraph,
    Section,
    Sentence,
    Table,
)
from report_writer.draft.markers import OPENING, Draft, units
from report_writer.render.markdown import unescape

# --- reading the narrative back --------------------------------------------------------------

HEADING_RE = re.compile(r"^(#{1,4})(?!#)\s*(.*)$")
HEADING_LEVELS = {"#": 1, "##": 1, "###": 2, "####": 3}
# A line that starts an item of a list: "- ", "* ", "1. ", "1、", "（一）", "(1)", "一、".
# (A string: compiled by re's own cache on first use, which only a paragraph of several lines
# needs; its classes of Chinese characters take a millisecond to compile.)
LIST_ITEM = r"^(?:[-*+•·]\s|\d+(?:[.．](?!\d)|、)|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)"
TABLE_START_RE = re.compile(r'^<table(?:\s+data-table="([^"]*)")?[^>]*>')
ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.DOTALL)
CELL_RE = re.compile(r"<(th|td)((?:\s[^>]*)?)>(.*?)</t[hd]>", re.DOTALL)
SPAN_RE = re.compile(r'(rowspan|colspan)="(\d+)"')


class Parsed(Struct, frozen=True):
    """A region of draft.md read back: its own title (the `#` line of the opening, the `##`
    line of a section) and its blocks, each with the 1-based line (within the region's text)
    where it starts; a table also with the line of each of its rows."""

    title: str | None
    title_line: int
    blocks: list[Block]
    lines: list[int]
    row_lines: dict[int, list[int]]  # block index -> the line of each row of that table


def parse_blocks(text: str, opening: bool = False, tables: bool = True) -> Parsed:
    """A region's Markdown read back, its text unescaped as draft.md escapes it. The region's
    own title is its first `#` line (the opening) or `##` line (a section); any other heading
    line is a heading block. Lines of one paragraph join (wrapped Chinese without a space);
    a line that starts a list item ("- ", "1. ", "（一）") starts a paragraph of its own.
    Without `tables`, tables are passed over unread (for a caller that needs no figures)."""
    own = "#" if opening else "##"
    title: str | None = None
    title_line = 0
    blocks: list[Block] = []
    starts: list[int] = []
    row_lines: dict[int, list[int]] = {}
    lines: list[str] = []
    table: list[str] = []

    def add(block: Block, line: int) -> None:
        blocks.append(block)
        starts.append(line)

    def flush(line: int) -> None:
        if lines:
            sentences = tuple(Sentence(u) for u in units(unescape(_joined_lines(lines))))
            add(Paragraph(sentences), line - len(lines))
            lines.clear()

    def close_table(line: int) -> None:
        start = line - len(table) + 1
        parsed, rows = _parse_table(table, start) if tables else (None, [])
        if parsed and parsed.rows:
            row_lines[len(blocks)] = rows
            add(parsed, start)
        table.clear()

    all_lines = text.replace("\r\n", "\n").split("\n")
    for n, raw in enumerate(all_lines, 1):
        line = raw.strip()
        if table:
            table.append(line)
            if "</table>" in line:
                close_table(n)
            continue
        heading = HEADING_RE.match(line)
        if TABLE_START_RE.match(line):
            flush(n)
            table.append(line)
            if "</table>" in line:
                close_table(n)
        elif not line or (line.startswith("<!--") and line.endswith("-->")):
            flush(n)
        elif heading:
            flush(n)
            words = unescape(heading.group(2).strip())
            if heading.group(1) == own and title is None:
                title, title_line = words, n
            elif words:
                add(Heading(HEADING_LEVELS[heading.group(1)], words), n)
        else:
            if lines and re.match(LIST_ITEM, line):
                flush(n)
            lines.append(line)
    flush(len(all_lines) + 1)
    if table:
        close_table(len(all_lines))
    return Parsed(title, title_line, blocks, starts, row_lines)


def _joined_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one text: wrapped Chinese joins as it is, Latin words
    keep a space between them."""
    text = lines[0]
    for line in lines[1:]:
        wide = not (text[-1:].isascii() and line[:1].isascii())
        text += line if wide else " " + line
    return text


def _parse_table(lines: list[str], start: int) -> tuple[Table, list[int]]:
    """A table as draft.md writes it (`<table data-table=…>`, `<tr>`, `<th>`/`<td>` with spans),
    and the line of each row."""
    text = "\n".join(lines)
    found = TABLE_START_RE.match(text)
    key = found.group(1) if found and found.group(1) else ""
    rows: list[tuple[Cell, ...]] = []
    at: list[int] = []
    for row in ROW_RE.finditer(text):
        cells = []
        for cell in CELL_RE.finditer(row.group(1)):
            spans = {name: int(value) for name, value in SPAN_RE.findall(cell.group(2))}
            cells.append(
                Cell(
                    unescape(cell.group(3).strip()),
                    rowspan=max(spans.get("rowspan", 1), 1),
                    colspan=max(spans.get("colspan", 1), 1),
                    header=cell.group(1) == "th",
                )
            )
        if cells:
            rows.append(tuple(cells))
            at.append(start + text.count("\n", 0, row.start()))
    return Table(key, tuple(rows)), at


def unexported(draft: Draft) -> list[tuple[int, str, bool]]:
    """The lines of draft.md that HTML and Word do not carry, as (line, text, in the opening):
    text outside the regions' markers, and headings or tables in the opening (it holds only the
    title and paragraphs). Comments and blank lines are left out."""
    found: list[tuple[int, str, bool]] = []
    at = 0
    for region in sorted(draft.regions.values(), key=lambda r: r.start):
        found.extend((n, t, False) for n, t in _outside(draft, at, region.start))
        at = region.end
    found.extend((n, t, False) for n, t in _outside(draft, at, len(draft.text)))
    region = draft.regions[OPENING]
    parsed = parse_blocks(region.text, opening=True)
    body = region.text.split("\n")
    for block, line in zip(parsed.blocks, parsed.lines, strict=True):
        if not isinstance(block, Paragraph):
            found.append((region.line + line, body[line - 1].strip(), True))
    return sorted(found)


def _outside(draft: Draft, start: int, end: int) -> list[tuple[int, str]]:
    first = draft.line_of(start)
    lines = draft.text[start:end].replace("\r\n", "\n").split("\n")
    return [
        (first + n, line.strip())
        for n, line in enumerate(lines)
        if line.strip() and not (line.strip().startswith("<!--") and line.strip().endswith("-->"))
    ]


def apply_edits(doc: Document, draft: Draft, table_keys: set[str]) -> Document:
    """The document with each hand-edited region taken from draft.md: its paragraphs,
    headings and its own title (an edited section heading is carried over). Tables of the
    format always come from report.yaml: in a table section, a table of draft.md stands only
    for the place of the table it names."""
    title, opening = doc.title, doc.opening
    region = draft.regions[OPENING]
    if region.edited:
        parsed = parse_blocks(region.text, opening=True)
        title = parsed.title or title
        opening = [b for b in parsed.blocks if isinstance(b, Paragraph)]
    sections = []
    for section in doc.sections:
        region = draft.regions[section.number]
        if region.edited:
            parsed = parse_blocks(region.text)
            blocks = parsed.blocks
            if section.key in table_keys:
                blocks = _with_tables(blocks, section.blocks)
            heading = parsed.title if parsed.title not in (None, section.heading) else None
            section = Section(section.key, section.number, section.title, blocks, heading)
        sections.append(section)
    return Document(title, opening, sections)


def _with_tables(blocks: list[Block], generated: list[Block]) -> list[Block]:
    """The blocks of draft.md with each table of the format in the place of the draft's table
    of the same key; a table the draft lost comes first."""
    tables = {b.key: b for b in generated if isinstance(b, Table)}
    placed = [tables.pop(b.key, b) if isinstance(b, Table) else b for b in blocks]
    return [*tables.values(), *placed]
