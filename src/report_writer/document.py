"""The Document: the report as ordered sections of headings, paragraphs and tables.

Narrative and tables are built into it; renderers (render/) only render it. Each sentence keeps
its provenance (phrase id, layer, the answers and cells it used) for `explain` and the draft checks.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

from msgspec import Struct, field

from report_writer.chinese import number
from report_writer.formats.figures import Value
from report_writer.formats.spec import CellKey, TableSpec
from report_writer.model import Report


class Sentence(Struct, frozen=True):
    text: str
    phrase_id: str | None = None  # None: written by hand or fixed text
    layer: str | None = None  # the phrasebank layer the phrase came from
    uses: tuple[str, ...] = ()  # answer keys ("supervision.social_supervisors") and cells
    #                             ("tables.applications.new.total") the text was made from


class Paragraph(Struct, frozen=True, tag=True):  # tag: told apart from Heading in JSON
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


class Heading(Struct, frozen=True, tag=True):
    level: int  # 1: 一、  2: （一）  3: 1.
    text: str  # the whole heading as printed, numbering included


# The narrative sections ("overview", "problems", "other") as headings and paragraphs.
Narrative = dict[str, list[Heading | Paragraph]]


class Cell(Struct, frozen=True):
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: tuple[str, str, str] | None = None  # (table, row, column) for figure cells


class Table(Struct, frozen=True):
    key: str  # "proactive", "applications", "reviews"
    rows: tuple[tuple[Cell, ...], ...]  # HTML-style: cells covered by a span are omitted
    header_rows: int = 0  # rows repeated on each page

    def grid(self) -> list[tuple[int, int, Cell]]:
        """Every cell with the (row, column) of its top-left corner in the full grid."""
        placed: list[tuple[int, int, Cell]] = []
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                placed.append((r, c, cell))
                taken.update(
                    (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
                )
                c += cell.colspan
        return placed

    @property
    def width(self) -> int:
        return sum(cell.colspan for cell in self.rows[0])


Block = Heading | Paragraph | Table


class Section(Struct):
    key: str  # the format's section key: overview, proactive, ..., other
    number: str  # 一 … 六
    title: str
    blocks: list[Block] = field(default_factory=list)
    edited_heading: str | None = None  # the heading as a reviewer rewrote it in draft.md

    @property
    def heading(self) -> str:
        return self.edited_heading or f"{self.number}、{self.title}"


class Document(Struct):
    title: str
    opening: list[Paragraph]
    sections: list[Section]

    def section(self, key_or_number: str) -> Section:
        for s in self.sections:
            if key_or_number in (s.key, s.number):
                return s
        raise KeyError(key_or_number)


# The opening paragraph: the legal basis, the six parts, the statistical period, the contact.
FIXED = "fixed"  # the layer of fixed text the tool writes itself (title, opening, tables)
UNKNOWN = "/"  # how a cell of unknown value (None) is printed


def build_document(report: Report, narrative: Narrative) -> Document:
    """The whole report: title, opening, then sections 一 to 六 in the format's order.

    `narrative` holds the blocks of the narrative sections keyed by section key ("overview",
    "problems", "other"), as built by narrative.build_narrative.
    """
    sections = []
    for spec in report.fmt.sections:
        section = Section(spec.key, spec.number, spec.title)
        if spec.kind == "table":
            section.blocks.append(build_table(report, spec.key))
        else:
            section.blocks.extend(narrative.get(spec.key, []))
        sections.append(section)
    abbreviated = any(
        ABBREVIATION in s.text
        for blocks in narrative.values()
        for b in blocks
        if isinstance(b, Paragraph)
        for s in b.sentences
    )
    return Document(report.meta.title, [opening(report, abbreviated)], sections)


ABBREVIATION = "《条例》"


def opening(report: Report, abbreviated: bool) -> Paragraph:
    """The opening paragraph; it defines 《条例》 only when the narrative (`abbreviated`) uses it."""
    meta = report.meta
    values = {
        "abbreviation": report.fmt.abbreviation if abbreviated else "",
        "title": meta.title,
        "agency": meta.agency,
        "parts": "、".join(s.title.replace("、", "和") for s in report.fmt.sections),
        "year": meta.year,
        "contact": meta.contact,
    }
    texts = report.fmt.opening if meta.contact else report.fmt.opening[:-1]
    uses = ("meta.agency", "meta.year")
    return Paragraph(
        tuple(
            Sentence(
                t.format(**values),
                layer=FIXED,
                uses=uses + (("meta.contact",) if "{contact}" in t else ()),
            )
            for t in texts
        )
    )


def cell_text(value: Value) -> str:
    """A cell as printed in a table (see chinese.number); UNKNOWN for an unknown one."""
    return UNKNOWN if value is None else number(value)


def build_table(report: Report, key: str) -> Table:
    """A table of the format, cell for cell, with derived totals filled in; a cell not filled in
    (「未填写」) is left empty."""
    spec = report.fmt.tables[key]
    missing = report.figures.missing
    values = {k: "" if k in missing else cell_text(v) for k, v in report.figures.values.items()}
    if len(spec.blocks) > 1:
        return _block_table(spec, values)
    if spec.corner is not None:
        return _labelled_table(spec, values)
    return _flat_table(spec, values)


def _figure(values: dict[CellKey, str], key: CellKey, colspan: int = 1) -> Cell:
    return Cell(values[key], colspan=colspan, key=key)


def _block_table(spec: TableSpec, values: dict[CellKey, str]) -> Table:
    """表二: a caption row per block, a header row 信息内容 | columns, then one row per item."""
    width = 1 + max(len(b.columns) for b in spec.blocks)
    rows: list[tuple[Cell, ...]] = []
    for block in spec.blocks:
        if block.caption:
            rows.append((Cell(block.caption, colspan=width, header=True),))
        span = (width - 1) // len(block.columns)
        last = width - 1 - span * (len(block.columns) - 1)
        spans = [span] * (len(block.columns) - 1) + [last]
        rows.append(
            (
                Cell(spec.row_header or "", header=True),
                *(
                    Cell(c.label, colspan=s, header=True)
                    for c, s in zip(block.columns, spans, strict=True)
                ),
            )
        )
        for row in block.rows:
            rows.append(
                (
                    Cell(row.label),
                    *(
                        _figure(values, (spec.key, row.key, c.key), s)
                        for c, s in zip(block.columns, spans, strict=True)
                    ),
                )
            )
    return Table(spec.key, tuple(rows), header_rows=0)


def _column_header(spec: TableSpec, leaf_repeats: int) -> list[list[Cell]]:
    """The header lines of the format; a line of column labels follows when the lowest header
    cells cover more than one column each (表四: the labels repeat under each group)."""
    lines = [
        [Cell(h.label, rowspan=h.rows, colspan=h.span, header=True) for h in line]
        for line in spec.column_header
    ]
    if any(h.span > 1 for h in spec.column_header[-1]):
        lines.append(
            [Cell(c.label, header=True) for _ in range(leaf_repeats) for c in spec.columns]
        )
    return lines


def _labelled_table(spec: TableSpec, values: dict[CellKey, str]) -> Table:
    """表三: a corner over the label columns, row labels nested in spanning group cells."""
    header = _column_header(spec, 1)
    corner_rows, label_cols = spec.corner_span
    header[0].insert(
        0, Cell(spec.corner or "", rowspan=corner_rows, colspan=label_cols, header=True)
    )
    rows: list[tuple[Cell, ...]] = [tuple(line) for line in header]
    spec_rows = spec.rows
    for i, row in enumerate(spec_rows):
        cells: list[Cell] = []
        for depth, group in enumerate(row.groups):
            prefix = row.groups[: depth + 1]
            if i > 0 and spec_rows[i - 1].groups[: depth + 1] == prefix:
                continue  # covered by the group cell of an earlier row
            span = 0
            for later in spec_rows[i:]:
                if later.groups[: depth + 1] != prefix:
                    break
                span += 1
            cells.append(Cell(group, rowspan=span))
        cells.append(Cell(row.label, colspan=label_cols - len(row.groups)))
        cells.extend(_figure(values, (spec.key, row.key, c.key)) for c in row.columns)
        rows.append(tuple(cells))
    return Table(spec.key, tuple(rows), header_rows=len(header))


def _flat_table(spec: TableSpec, values: dict[CellKey, str]) -> Table:
    """表四: every row of the format printed side by side as one line of figures."""
    header = _column_header(spec, len(spec.rows))
    figures = tuple(_figure(values, (spec.key, r.key, c.key)) for r in spec.rows for c in r.columns)
    return Table(spec.key, (*(tuple(line) for line in header), figures), header_rows=len(header))
