"""The Document: the report as ordered sections of headings, paragraphs and tables.

Narrative and tables are built into it; renderers (render/) only render it. Each sentence keeps
its provenance (phrase id, layer, the answers and cells it used) for `explain` and the draft checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    text: str
    phrase_id: str | None = None  # None: written by hand or fixed text
    layer: str | None = None  # the phrasebank layer the phrase came from
    uses: tuple[str, ...] = ()  # answer keys ("supervision.social_supervisors") and cells
    #                             ("tables.applications.new.total") the text was made from


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Heading:
    level: int  # 1: 一、  2: （一）  3: 1.
    text: str  # the whole heading as printed, numbering included


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: tuple[str, str, str] | None = None  # (table, row, column) for figure cells


@dataclass(frozen=True)
class Table:
    key: str  # "proactive", "applications", "reviews"
    rows: tuple[tuple[Cell, ...], ...]  # HTML-style: cells covered by a span are omitted
    header_rows: int = 0  # rows repeated on each page


Block = Heading | Paragraph | Table


@dataclass
class Section:
    key: str  # the format's section key: overview, proactive, ..., other
    number: str  # 一 … 六
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass
class Document:
    title: str
    opening: Paragraph
    sections: list[Section]
