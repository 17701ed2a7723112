"""`/preview`: one section of the Document as plain terminal text.

Paragraphs and headings as written; a table as its data rows under their column labels, read
from the Document's cell grid (so no table is laid out by hand here). A table too wide for a
terminal (表四's fifteen figures side by side) is shown one figure a line.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import unicodedata

from report_writer.document import Cell, Heading, Paragraph, Section, Table

LABEL_WIDTH = 30  # display columns kept of a row label
MAX_COLUMNS = 7  # wider tables are shown one figure a line


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, most: int) -> str:
    if width(text) <= most:
        return text + " " * (most - width(text))
    out = ""
    for ch in text:
        if width(out + ch) > most - 1:
            break
        out += ch
    return out + "…" + " " * (most - 1 - width(out))


def render_section(section: Section) -> str:
    lines = [section.heading]
    for block in section.blocks:
        if isinstance(block, Heading):
            lines.append(block.text)
        elif isinstance(block, Paragraph):
            lines.append("　　" + block.text)
        else:
            lines.extend(render_table(block))
    return "\n".join(lines)


def render_table(table: Table) -> list[str]:
    cover: dict[tuple[int, int], tuple[int, Cell]] = {}
    starts: dict[int, list[tuple[int, Cell]]] = {}
    for r, c, cell in table.grid():
        starts.setdefault(r, []).append((c, cell))
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                cover[(r + dr, c + dc)] = (r, cell)

    def headers(row: int, column: int) -> list[str]:
        """The header cells above `row` over `column`, top down, of the nearest header block."""
        found: list[str] = []
        r = row - 1
        while r >= 0:
            top, cell = cover.get((r, column), (r, Cell("")))
            if not cell.header or cell.key is not None:
                if found:
                    break
            elif cell.text and cell.text not in found:
                found.insert(0, cell.text)
            r = min(r, top) - 1
        return found

    lines: list[str] = []
    shown: tuple[str, ...] | None = None
    for r in sorted(starts):
        figures = [(c, cell) for c, cell in starts[r] if cell.key is not None]
        if not figures:
            continue
        labels = [cell for _, cell in starts[r] if cell.key is None and not cell.header]
        lines.extend(f"  {cell.text}" for cell in labels[:-1])  # groups spanning several rows
        label = labels[-1].text if labels else ""
        paths = [headers(r, c) for c, _ in figures]
        if len(figures) > MAX_COLUMNS:
            lines.extend(
                f"  {' · '.join(p)}：{cell.text}"
                for p, (_, cell) in zip(paths, figures, strict=True)
            )
            continue
        names = tuple(p[-1] if p else "" for p in paths)
        columns = [
            max(width(n), width(cell.text)) + 2 for n, (_, cell) in zip(names, figures, strict=True)
        ]
        if names != shown:
            lines.append(
                "  "
                + " " * LABEL_WIDTH
                + "".join(" " * (w - width(n)) + n for n, w in zip(names, columns, strict=True))
            )
            shown = names
        lines.append(
            "  "
            + clip(label, LABEL_WIDTH)
            + "".join(cell.text.rjust(w) for (_, cell), w in zip(figures, columns, strict=True))
        )
    return lines
