"""Markdown: plain text a reviewer can read and edit; tables with spans as embedded HTML blocks.

Each part of the document renders on its own (the opening, each section), so that draft.md can
keep every part between its markers; `render_markdown` joins them without markers.
"""

from __future__ import annotations

from html import escape

from report_writer.document import Block, Document, Heading, Paragraph, Section, Table

HEADING_MARKS = {1: "##", 2: "###", 3: "####"}


def render_opening(doc: Document) -> str:
    return "\n\n".join([f"# {doc.title}", *(p.text for p in doc.opening)])


def render_section(section: Section) -> str:
    parts = [f"{HEADING_MARKS[1]} {section.heading}"]
    parts.extend(render_block(b) for b in section.blocks)
    return "\n\n".join(parts)


def render_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{HEADING_MARKS[block.level]} {block.text}"
    if isinstance(block, Paragraph):
        return block.text
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
            cells.append(f"<{tag}{attrs}>{escape(cell.text)}</{tag}>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def render_markdown(doc: Document) -> str:
    return "\n\n".join([render_opening(doc), *(render_section(s) for s in doc.sections)]) + "\n"
