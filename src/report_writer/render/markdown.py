"""Markdown: plain text a reviewer can read and edit; tables with spans as embedded HTML blocks.

Each part of the document renders on its own (the opening, each section), so that draft.md can
keep every part between its markers; `render_markdown` joins them without markers. Every text is
escaped (`&`, `<`, `>`): an answer holding HTML reads the same but a Markdown viewer shows it as
text, and it cannot pass for a marker line; `unescape` reads it back.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

import re

from report_writer.document import Block, Document, Heading, Paragraph, Section, Table

HEADING_MARKS = {1: "##", 2: "###", 3: "####"}
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
ENTITY_RE = re.compile("|".join(ENTITIES))


def text(value: str) -> str:
    """Text as it stands in draft.md: `&`, `<` and `>` escaped (as html.escape without quotes,
    whose module would load a table of 2,000 entities that unescape never needs)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(value: str) -> str:
    """The inverse of `text`, exactly: only the three entities it writes are read back."""
    return ENTITY_RE.sub(lambda m: ENTITIES[m.group()], value)


def render_opening(doc: Document) -> str:
    return "\n\n".join([f"# {text(doc.title)}", *(text(p.text) for p in doc.opening)])


def render_section(section: Section) -> str:
    parts = [f"{HEADING_MARKS[1]} {text(section.heading)}"]
    parts.extend(render_block(b) for b in section.blocks)
    return "\n\n".join(parts)


def render_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{HEADING_MARKS[block.level]} {text(block.text)}"
    if isinstance(block, Paragraph):
        return text(block.text)
    return render_table(block)


def render_table(table: Table) -> str:
    lines = [f'<table data-table="{table.key}">']
    for row in table.rows:
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            cells.append(f"<{tag}{attrs}>{text(cell.text)}</{tag}>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def render_markdown(doc: Document) -> str:
    return "\n\n".join([render_opening(doc), *(render_section(s) for s in doc.sections)]) + "\n"
