"""Draft layer: draft.docx read back: its title, opening, and each official section's headings, paragraphs
and tables, as a reviewer left them in Word, WPS or LibreOffice.

Text is read as if every tracked change were accepted: inserted runs (`w:ins`, `w:moveTo`) count,
deleted ones (`w:del`, `w:moveFrom`) do not, and a paragraph whose mark was deleted joins the
next. Runs are joined, so a word split across runs reads whole. A section starts at the
paragraph that begins with its number (「五、」) in a heading style, or alone on a short line;
sub-headings are known by their style. Each region is given as draft.md would write it
(`region_markdown`), so it compares with the text last exported. Must not import anything above
the draft layer (the package is opened through the bounded reader of ooxml.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.document import Block, Document, Heading, Paragraph, Section, Sentence
from report_writer.formats.spec import Format
from report_writer.ooxml import iter_children, open_package
from report_writer.render.markdown import render_opening, render_section

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LABEL = "Word 文档"
# Paragraph styles by id or name: ours (render/docx.py), and Word's built-in headings.
STYLE_LEVELS = {
    "rwtitle": 0,
    "公文标题": 0,
    "title": 0,
    "rwheading1": 1,
    "公文一级标题": 1,
    "heading 1": 1,
    "heading1": 1,
    "rwheading2": 2,
    "公文二级标题": 2,
    "heading 2": 2,
    "heading2": 2,
    "rwheading3": 3,
    "公文三级标题": 3,
    "heading 3": 3,
    "heading3": 3,
}
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Not the paragraph's text: tracked deletions, a drawing's fallback copy, a text box's content.
DROPPED = {f"{W}del", f"{W}moveFrom", f"{MC}Fallback", f"{W}txbxContent"}
TRACKED = {f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"}
# A section heading typed without a heading style: 「五、存在的主要问题及改进情况」 on its own.
MAX_HEADING_CHARS = 40


class WordTable(Struct, frozen=True):
    rows: list[list[str]]  # the text of each cell that starts in the row (as Table.rows)


class WordParagraph(Struct, frozen=True):
    text: str
    level: int | None  # 0 title, 1-3 heading levels, None body


class WordDraft(Struct):
    title: str | None = None
    opening: list[Paragraph] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)  # number -> section as in Word
    tables: dict[str, list[WordTable]] = field(default_factory=dict)  # number -> its tables
    tracked: bool = False  # the document holds tracked changes (read as accepted)

    def region_markdown(self, number: str, opening: str) -> str | None:
        """A region (`opening` names the opening) as draft.md would hold it; None when Word
        has no such section."""
        if number == opening:
            if self.title is None:
                return None
            return render_opening(Document(self.title, self.opening, []))
        section = self.sections.get(number)
        return None if section is None else render_section(section)


def read_word_draft(path: Path, fmt: Format) -> WordDraft:
    """draft.docx as the reviewer left it, in the regions of `fmt`. The package is read within
    the bounds of ooxml.py, one element of the body at a time."""
    word = WordDraft()
    with open_package(path, LABEL) as package:
        styles: dict[str, str] = {}
        if "word/styles.xml" in package.namelist():
            for style in iter_children(package, "word/styles.xml", path, f"{W}styles"):
                _style_name(style, styles)
        body = iter_children(package, "word/document.xml", path, f"{W}body")
        items = _items(body, styles, word)
    remaining = [(s.number, s.key, s.title) for s in fmt.sections]
    current: Section | None = None
    for item in items:
        if isinstance(item, WordTable):
            if current is not None:
                word.tables.setdefault(current.number, []).append(item)
            continue
        text = item.text
        if not text:
            continue
        if word.title is None and current is None:
            word.title = text
            continue
        found = _section_start(item, remaining)
        if found is not None:
            at = remaining.index(found)
            del remaining[: at + 1]
            number, key, title = found
            heading = f"{number}、{title}"
            current = Section(key, number, title, [], None if text == heading else text)
            word.sections[number] = current
            continue
        block: Block = Paragraph((Sentence(text),))
        if item.level in (1, 2, 3):
            block = Heading(item.level, text)
        if current is None:
            if isinstance(block, Paragraph):
                word.opening.append(block)
        else:
            current.blocks.append(block)
    return word


def _section_start(
    item: WordParagraph, remaining: list[tuple[str, str, str]]
) -> tuple[str, str, str] | None:
    if item.level not in (1, None) or (item.level is None and len(item.text) > MAX_HEADING_CHARS):
        return None
    return next((s for s in remaining if item.text.startswith(f"{s[0]}、")), None)


def _style_name(style: Any, names: dict[str, str]) -> None:
    """Record a paragraph style's id -> its name, lower-cased."""
    if style.tag != f"{W}style":
        return
    name = style.find(f"{W}name")
    style_id = style.get(f"{W}styleId")
    if style_id and name is not None:
        names[style_id] = (name.get(f"{W}val") or "").lower()


def _items(
    body: Iterable[Any], styles: dict[str, str], word: WordDraft
) -> list[WordParagraph | WordTable]:
    """The body's paragraphs and tables in order, tracked changes accepted; content controls
    (`w:sdt`) and custom XML are looked into. Each element is read while it is at hand (the
    reader frees it afterwards); `word.tracked` is set when any holds a tracked change."""
    items: list[WordParagraph | WordTable] = []
    joined = ""  # text of paragraphs whose mark was deleted, waiting for the next one
    for top in body:
        if not word.tracked:
            word.tracked = any(el.tag in TRACKED for el in top.iter())
        for element in _blocks(top):
            if element.tag == f"{W}tbl":
                items.append(_table(element))
                continue
            text = joined + _text(element)
            properties = element.find(f"{W}pPr")
            mark = properties.find(f"{W}rPr") if properties is not None else None
            if mark is not None and mark.find(f"{W}del") is not None:
                joined = text
                continue
            joined = ""
            items.append(WordParagraph(text.strip(), _level(properties, styles)))
    if joined.strip():
        items.append(WordParagraph(joined.strip(), None))
    return items


def _blocks(element: Any) -> list[Any]:
    """The paragraphs and tables an element of the body is or holds."""
    if element.tag in (f"{W}p", f"{W}tbl"):
        return [element]
    found: list[Any] = []
    if element.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
        for child in element:
            found.extend(_blocks(child))
    return found


def _text(element: Any) -> str:
    """The accepted text of a paragraph or cell: its `w:t`, outside tracked deletions."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            if child.tag in DROPPED:
                continue
            if child.tag == f"{W}t":
                parts.append(child.text or "")
            elif child.tag == f"{W}tab":
                parts.append(" ")
            else:
                walk(child)

    walk(element)
    return re.sub(r"\s+", " ", "".join(parts))


def _level(properties: Any, styles: dict[str, str]) -> int | None:
    if properties is None:
        return None
    style = properties.find(f"{W}pStyle")
    if style is None:
        return None
    style_id = style.get(f"{W}val") or ""
    for name in (style_id.lower(), styles.get(style_id, "")):
        if name in STYLE_LEVELS:
            return STYLE_LEVELS[name]
    return None


def _table(element: Any) -> WordTable:
    """A table's rows as Table.rows holds them: a `w:vMerge` cell without "restart" continues
    the cell above and is left out. Spans are not compared: editors redraw the grid (LibreOffice
    splits a column for a rounding of widths)."""
    rows: list[list[str]] = []
    for row in element.iter(f"{W}tr"):
        cells = []
        for cell in row.iterchildren(f"{W}tc"):
            vmerge = cell.find(f"{W}tcPr/{W}vMerge")
            if vmerge is None or vmerge.get(f"{W}val") == "restart":
                cells.append(_text(cell).strip())
        rows.append(cells)
    return WordTable(rows)
