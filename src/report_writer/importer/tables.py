"""Tables 二、三、四 of a published report read from its lines, whatever the layout.

Each row is found by its label (anchors in labels.yaml, in printed order); its figures are the
values printed between its label and the next row's (in free text, one run of them). In a real
table (a grid line) the figures are taken by position: the last cells of the row. `solve` cuts
figures run together and decides between readings with the format's cross-checks. What stays
undecided is left empty (null) and said in the log: never a guess.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from report_writer.formats.spec import Format, TableSpec
from report_writer.importer.log import Log
from report_writer.importer.sections import labels, regions
from report_writer.importer.solve import CellId, Segment, solve
from report_writer.importer.split import Cell
from report_writer.importer.tokens import Line, Token, norm, tokenize

_HEADER_ENDS = ("总计", "合计")
_NOTES = ("注", "备注", "说明", "数据来源", "资料来源", "*")


class Tables(Struct):
    """What was read: every printed cell of the format, and rows of the 2019 format kept aside."""

    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    legacy: dict[str, dict[str, Cell]] = field(default_factory=dict)


def read_tables(lines: list[Line], fmt: Format, log: Log) -> Tables:
    found = regions(lines)
    segments: list[Segment] = []
    for key in ("proactive", "applications", "reviews"):
        spec = fmt.tables[key]
        if key not in found:
            log.add(
                "missing",
                f"未找到{spec.name}（“{spec.number}、{spec.title}”）的标题，{spec.name}各栏按空值导入",
            )
            continue
        stream = _Stream([lines[i] for i in found[key]])
        if key == "reviews":
            segments.extend(_reviews(stream, spec))
        else:
            segments.extend(_rows(stream, spec, log))
    values = solve(segments, fmt, log)
    tables = Tables()
    for cell_id, value in values.items():
        if cell_id[0] == "legacy":
            if not cell_id[1].startswith("dropped."):  # a 2019 column with no 2021 place
                tables.legacy.setdefault(cell_id[1], {})[cell_id[2]] = value
        else:
            tables.cells[cell_id] = value
    for table in ("proactive", "applications"):
        for old in labels()["legacy2019"][table].values():
            figures = tables.legacy.get(f"{table}.{old.get('legacy')}", {})
            if "as_row" in old:
                for key, value in figures.items():
                    tables.cells[(table, old["as_row"], key)] = value
                    for zero in old["zero_rows"]:
                        tables.cells[(table, zero, key)] = None if value is None else 0
    for spec in fmt.tables.values():  # a cell not read is unknown, never 0
        for row, col in spec.cells():
            tables.cells.setdefault((spec.key, row.key, col.key), None)
    return tables


class _Stream:
    """The tokens of a part, and its label text with every character's token."""

    def __init__(self, lines: list[Line]) -> None:
        self.tokens: list[Token] = []
        self.grid: list[bool] = []
        self.positional: list[bool] = []  # a value after the last label of its grid line
        self.textless: set[int] = set()  # lines that carry no label text
        chars: list[str] = []
        self.owner: list[int] = []
        for line in lines:
            if not line.grid and norm(line.text).startswith(_NOTES):
                continue  # 「注：数据统计时间为2023年1月1日至12月31日」 is not a row of the table
            tokens = tokenize(line)
            last_text = max((i for i, t in enumerate(tokens) if t.kind == "text"), default=-1)
            if last_text < 0:
                self.textless.add(line.number)
            for i, t in enumerate(tokens):
                index = len(self.tokens)
                self.tokens.append(t)
                self.grid.append(line.grid)
                self.positional.append(i > last_text)
                if t.kind == "text":
                    text = norm(t.text)
                    chars.append(text)
                    self.owner.extend([index] * len(text))
        self.text = "".join(chars)

    def find(self, needle: str, start: int) -> int:
        return self.text.find(norm(needle), start)

    def run_end(self, start: int, end: int) -> int:
        """Where the figures after `start` end in free text: at the first words printed after
        them (the rest of a wrapped label, a note under the table), else `end`. A single
        character (of a vertical column) does not end them."""
        seen = False
        for i in range(start, end):
            t = self.tokens[i]
            if t.is_value:
                seen = True
            elif seen and not self.grid[i] and len(norm(t.text)) >= 2:
                return i
        return end

    def values(
        self, start: int, end: int, anchor_line: int | None, anywhere: bool = False
    ) -> list[Token]:
        """Value tokens from start to end; in a grid, only from the label's own line (after its
        last label cell) and from lines with no label text at all, unless `anywhere`."""
        out = []
        for i in range(start, end):
            t = self.tokens[i]
            if not t.is_value:
                continue
            if (
                self.grid[i]
                and not anywhere
                and not (self.positional[i] and (t.line == anchor_line or t.line in self.textless))
            ):
                continue
            out.append(t)
        return out


def _trim(tokens: list[Token], n: int) -> list[Token]:
    """Blank cells beyond the row's width are padding of merged label cells: drop them."""
    tokens = list(tokens)
    while len(tokens) > n and tokens[0].kind == "blank":
        tokens.pop(0)
    while len(tokens) > n and tokens[-1].kind == "blank":
        tokens.pop()
    return tokens


def _rows(stream: _Stream, spec: TableSpec, log: Log) -> list[Segment]:
    data = labels()
    marks = data["legacy2019"]["proactive_markers"] if spec.key == "proactive" else []
    old_style = any(stream.find(m, 0) >= 0 for m in marks)
    replaces = {k: v.get("replaces", []) for k, v in data["legacy2019"][spec.key].items()}
    entries = data["rows"][spec.key]
    found = _anchors(stream, [e for e in entries if not replaces.get(e["row"])])
    got = {entry["row"] for entry, _ in found}
    for old in (e for e in entries if replaces.get(e["row"])):
        # a 2019 row standing for rows of the 2021 format: only where none of them is printed
        # (in a 2021 table its label is the group label printed beside them)
        if not got & set(replaces[old["row"]]):
            found = sorted(found + _anchors(stream, [old]), key=lambda item: item[1])
    starts = [stream.owner[i] for _, i in found] + [len(stream.tokens)]
    segments = []
    seen = set()
    for k, (entry, _) in enumerate(found):
        start, end = starts[k], starts[k + 1]
        # in free text a row's figures are one run: words after it and figures after those
        # (「…0 0 0（五）不予处理1」) belong to no row
        end = stream.run_end(start, end)
        anchor_line = stream.tokens[start].line
        tokens = stream.values(start, end, anchor_line)
        row_key = entry["row"]
        if entry.get("legacy") and not tokens:
            continue  # 2021 layout: （六）其他处理 is only the group label of its three rows
        seen.add(row_key)
        segment = _row_segment(spec, row_key, old_style, tokens, log)
        if segment is not None:
            segments.append(segment)
    for key in list(seen):
        seen.update(data["legacy2019"][spec.key].get(key, {}).get("replaces", ()))
    for row in spec.rows:
        if row.key not in seen:
            log.add("missing", f"{spec.name}未找到“{row.display}”行，该行各栏按空值导入")
    return segments


def _anchors(stream: _Stream, entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """Where each row's label begins in the part's text, rows searched for in printed order."""
    found: list[tuple[dict[str, Any], int]] = []
    pos = 0
    for entry in entries:
        for anchor in entry["anchors"]:
            i = stream.find(anchor, pos)
            if i >= 0:
                found.append((entry, i))
                pos = i + len(norm(anchor))
                break
    return found


def _row_segment(
    spec: TableSpec, row_key: str, old_style: bool, tokens: list[Token], log: Log
) -> Segment | None:
    legacy = labels()["legacy2019"]
    old = legacy[spec.key].get(row_key) if old_style or spec.key == "applications" else None
    if old is None and row_key in {r.key for r in spec.rows}:
        row = spec.row(row_key)
        return Segment(
            where=f"{spec.name}“{row.display}”行",
            cells=[(spec.key, row.key, c.key) for c in row.columns],
            labels=[c.label for c in row.columns],
            decimals=[c.type == "decimal" for c in row.columns],
            tokens=_trim(tokens, len(row.columns)),
        )
    if old is None:
        return None
    # A 2019-format row: its printed figures go to 2021 columns, a legacy row, or are dropped.
    path = f"{spec.key}.{old['legacy']}" if "legacy" in old else None
    columns = [c.key for c in spec.columns] if spec.key == "applications" else old["columns"]
    printed = old.get("printed", "")
    names = [c.label for c in spec.columns] if spec.key == "applications" else printed.split("、")
    cells: list[CellId] = []
    for i, col in enumerate(columns):
        if path is not None:
            cells.append(("legacy", path, col))
        elif col is None:
            cells.append(("legacy", f"dropped.{row_key}", str(i)))
        else:
            cells.append((spec.key, row_key, col))
    title = old.get("label") or spec.row(row_key).label
    shape = f"一行按2019年试行格式印有{printed}" if printed else "是2019年试行格式的栏目"
    log.add(
        "legacy",
        f"{spec.name}“{title}”{shape}：{old['note']}",
        cell=path or f"{spec.key}.{row_key}",
        line=tokens[0].line if tokens else None,
    )
    return Segment(
        where=f"{spec.name}“{title}”行",
        cells=cells,
        labels=names,
        decimals=[c == "amount" for c in columns],
        tokens=_trim(tokens, len(cells)),
    )


def _reviews(stream: _Stream, spec: TableSpec) -> list[Segment]:
    order = labels()["reviews_order"]
    cells: list[CellId] = [(spec.key, r, c.key) for r in order for c in spec.columns]
    names = [f"{spec.row(r).label}·{c.label}" for r in order for c in spec.columns]
    # The figures follow the header, whose last words are a 总计: a sentence before the table
    # (「2024年，共收到…3件」) is not part of it.
    header = max(stream.text.rfind(word) for word in _HEADER_ENDS)
    start = stream.owner[header] if header >= 0 else 0
    # after the header every figure is a cell of the table (a date glued to its row is text)
    tokens = stream.values(start, stream.run_end(start, len(stream.tokens)), None, anywhere=True)
    return [
        Segment(
            where=f"{spec.name}",
            cells=cells,
            labels=names,
            decimals=[False] * len(cells),
            tokens=_trim(tokens, len(cells)),
        )
    ]
