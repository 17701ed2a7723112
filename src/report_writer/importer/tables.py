"""Tables 二、三、四 of a published report read from its lines, whatever the layout.

Each row is found by its label (anchors in labels.yaml, in printed order); its figures are the
values printed between its label and the next row's. In a real table (a grid line) the figures
are taken by position: the last cells of the row. Figures run together are cut by `split`, and
when a row can be cut several ways the cross-checks of the format (C1–C6, from its data file)
decide across rows. What stays undecided is left empty (null) and said in the log: never a guess.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from msgspec import Struct, field

from report_writer.formats.figures import Equation, equations
from report_writer.formats.spec import Format, TableSpec
from report_writer.importer.log import Log
from report_writer.importer.sections import labels, regions
from report_writer.importer.split import Cell, LocalSum, TooManySplits, candidates
from report_writer.importer.tokens import Line, Token, norm, tokenize

CellId = tuple[str, str, str]  # (table, row, column) of the format, or ("legacy", path, key)
GLOBAL_BUDGET = 100_000
_HEADER_ENDS = ("总计", "合计")
_NOTES = ("注", "备注", "说明", "数据来源", "资料来源", "*")
MAX_SOLUTIONS = 500
MAX_COMBINATIONS = 4_096  # combinations of readings weighed when a published sum is broken


class Tables(Struct):
    """What was read: every printed cell of the format, and rows of the 2019 format kept aside."""

    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    legacy: dict[str, dict[str, Cell]] = field(default_factory=dict)


class _Segment(Struct):
    where: str  # 「表三“一、本年新收政府信息公开申请数量”行」 for the log
    cells: list[CellId]
    labels: list[str]
    decimals: list[bool]
    tokens: list[Token]
    readings: list[tuple[Cell, ...]] = field(default_factory=list)
    checked: bool = False
    broken: bool = False  # read as printed although its own sums cannot all hold

    @property
    def line(self) -> int | None:
        return self.tokens[0].line if self.tokens else None

    @property
    def printed(self) -> str:
        return " ".join(t.text or "（空）" for t in self.tokens)


def read_tables(lines: list[Line], fmt: Format, log: Log) -> Tables:
    found = regions(lines)
    segments: list[_Segment] = []
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
    values = _solve(segments, fmt, log)
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


def _rows(stream: _Stream, spec: TableSpec, log: Log) -> list[_Segment]:
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
) -> _Segment | None:
    legacy = labels()["legacy2019"]
    old = legacy[spec.key].get(row_key) if old_style or spec.key == "applications" else None
    if old is None and row_key in {r.key for r in spec.rows}:
        row = spec.row(row_key)
        return _Segment(
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
    return _Segment(
        where=f"{spec.name}“{title}”行",
        cells=cells,
        labels=names,
        decimals=[c == "amount" for c in columns],
        tokens=_trim(tokens, len(cells)),
    )


def _reviews(stream: _Stream, spec: TableSpec) -> list[_Segment]:
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
        _Segment(
            where=f"{spec.name}",
            cells=cells,
            labels=names,
            decimals=[False] * len(cells),
            tokens=_trim(tokens, len(cells)),
        )
    ]


def _local_sums(segment: _Segment, eqs: list[Equation]) -> list[LocalSum]:
    where = {c: i for i, c in enumerate(segment.cells)}
    sums = []
    for eq in eqs:
        if len(eq.totals) == 1 and all(c in where for c in (*eq.terms, *eq.totals)):
            sums.append(LocalSum(tuple(where[c] for c in eq.terms), where[eq.totals[0]]))
    return sums


def _numbers(values: list[Cell]) -> list[int] | None:
    if all(isinstance(v, int) for v in values):
        return values  # type: ignore[return-value]
    return None


def _solve(segments: list[_Segment], fmt: Format, log: Log) -> dict[CellId, Cell]:
    eqs = [eq for rule in fmt.rules if rule.kind == "sum" for eq in equations(fmt, rule)]
    values: dict[CellId, Cell] = {}
    multi: list[_Segment] = []
    for seg in segments:
        _read(seg, _local_sums(seg, eqs), log)
        if len(seg.readings) == 1:
            values.update(zip(seg.cells, seg.readings[0], strict=True))
            if len(seg.tokens) < len(seg.cells):
                shown = "、".join(_show(v) for v in seg.readings[0])
                log.add(
                    "split",
                    f"{seg.where}的数字连在一起（“{seg.printed}”），只有一种拆分"
                    f"{'满足勾稽关系' if seg.checked else ''}：{shown}",
                    line=seg.line,
                )
        elif seg.readings:
            multi.append(seg)
        else:
            values.update((c, None) for c in seg.cells)
    if multi:
        _decide(multi, values, eqs, log)
    for seg in segments:
        for cell, value in zip(seg.cells, (values[c] for c in seg.cells), strict=True):
            if value is None and cell[0] != "legacy":
                token = _token_of(seg, cell)
                if token is not None:
                    log.add(
                        "blank",
                        f"{fmt.cell_label(cell)}原文为“{token.text or '空白'}”，按空值（未知）导入，不记为0",
                        cell=".".join(cell),
                        line=token.line,
                    )
    return values


def _token_of(seg: _Segment, cell: CellId) -> Token | None:
    """The token a cell was read from, when the row was read one token a cell."""
    if len(seg.tokens) != len(seg.cells) or len(seg.readings) != 1:
        return None
    token = seg.tokens[seg.cells.index(cell)]
    return token if token.kind in ("null", "blank") else None


def _show(value: Cell) -> str:
    return "空" if value is None else str(value)


def _read(seg: _Segment, sums: list[LocalSum], log: Log) -> None:
    n = len(seg.cells)
    if len(seg.tokens) > n:
        log.add(
            "unread",
            f"{seg.where}读到{len(seg.tokens)}个数字（“{seg.printed}”），应为{n}个，"
            "无法确定各数字所属栏目，该行按空值导入",
            line=seg.line,
        )
        return
    if not any(t.kind == "num" for t in seg.tokens) and len(seg.tokens) < n:
        log.add(
            "unread",
            f"{seg.where}只读到{len(seg.tokens)}个数字，应为{n}个，该行按空值导入",
            line=seg.line,
        )
        return
    try:
        seg.readings, seg.checked = candidates(seg.tokens, seg.decimals, sums)
        seg.broken = not seg.checked and len(sums) > 1
    except TooManySplits:
        log.add(
            "unread",
            f"{seg.where}的数字连在一起（“{seg.printed}”），可能的拆分过多，该行按空值导入",
            line=seg.line,
        )
        return
    if not seg.readings:
        reason = "没有满足勾稽关系的拆分" if seg.checked else f"无法拆分为{n}个数字"
        log.add(
            "unread",
            f"{seg.where}读到“{seg.printed}”，{reason}，该行按空值导入",
            line=seg.line,
        )


def _least_broken(
    multi: list[_Segment], values: dict[CellId, Cell], eqs: list[Equation]
) -> list[tuple[int, ...]]:
    """When no combination of readings keeps every sum (a published total is misprinted): the
    combinations that break fewest sums, and those breaking one more (a reading that happens to
    mend a misprint must not win alone). [] when there are too many combinations to try."""
    sizes = [len(seg.readings) for seg in multi]
    if math.prod(sizes) > MAX_COMBINATIONS:
        return []
    assigned: dict[CellId, Cell] = dict(values)
    broken: list[tuple[int, tuple[int, ...]]] = []
    for combo in itertools.product(*(range(n) for n in sizes)):
        for seg, k in zip(multi, combo, strict=True):
            assigned.update(zip(seg.cells, seg.readings[k], strict=True))
        count = 0
        for eq in eqs:
            terms = _numbers([assigned[c] for c in eq.terms])
            totals = _numbers([assigned[c] for c in eq.totals])
            if terms is not None and totals is not None and sum(terms) != sum(totals):
                count += 1
        broken.append((count, combo))
    least = min(count for count, _ in broken)
    return [combo for count, combo in broken if count <= least + 1]


def _decide(
    multi: list[_Segment], values: dict[CellId, Cell], eqs: list[Equation], log: Log
) -> None:
    """Try every combination of the rows' readings against the sums that span rows."""
    open_cells = {c for seg in multi for c in seg.cells}
    known = set(values) | open_cells
    # A row read as printed although its own sums break (`checked` False) is not held to them.
    as_printed = [set(seg.cells) for seg in multi if not seg.checked]
    relevant = [
        eq
        for eq in eqs
        if any(c in open_cells for c in (*eq.terms, *eq.totals))
        and all(c in known for c in (*eq.terms, *eq.totals))
        and not any({*eq.terms, *eq.totals} <= cells for cells in as_printed)
    ]
    multi.sort(key=lambda s: len(s.readings))
    assigned: dict[CellId, Cell] = dict(values)
    solutions: list[tuple[int, ...]] = []
    choice: list[int] = []
    nodes = 0

    def consistent() -> bool:
        for eq in relevant:
            terms = [assigned[c] for c in eq.terms if c in assigned]
            totals = [assigned[c] for c in eq.totals if c in assigned]
            t_nums, s_nums = _numbers(terms), _numbers(totals)
            if t_nums is None or s_nums is None:
                continue
            complete_terms = len(terms) == len(eq.terms)
            complete_totals = len(totals) == len(eq.totals)
            if complete_terms and complete_totals and sum(t_nums) != sum(s_nums):
                return False
            if (complete_totals and sum(t_nums) > sum(s_nums)) or (
                complete_terms and sum(s_nums) > sum(t_nums)
            ):
                return False
        return True

    def search(i: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > GLOBAL_BUDGET:
            raise TooManySplits
        if i == len(multi):
            solutions.append(tuple(choice))
            if len(solutions) > MAX_SOLUTIONS:
                raise TooManySplits
            return
        seg = multi[i]
        for k, reading in enumerate(seg.readings):
            assigned.update(zip(seg.cells, reading, strict=True))
            if consistent():
                choice.append(k)
                search(i + 1)
                choice.pop()
        for c in seg.cells:
            assigned.pop(c, None)

    broken = False
    try:
        search(0)
        if not solutions:
            solutions = _least_broken(multi, values, relevant)
            broken = bool(solutions)
    except TooManySplits:
        solutions = []
        reason = "可能的组合过多"
    else:
        reason = "没有一种组合满足各项勾稽关系"
    for i, seg in enumerate(multi):
        options = "；".join("、".join(_show(v) for v in r) for r in seg.readings[:4])
        more = "等" if len(seg.readings) > 4 else ""
        if not solutions:
            values.update((c, None) for c in seg.cells)
            log.add(
                "unread",
                f"{seg.where}的数字连在一起（“{seg.printed}”），可拆分为 {options}{more}，"
                f"{reason}，该行按空值导入",
                line=seg.line,
            )
            continue
        readings = {seg.readings[s[i]] for s in solutions}
        undecided = []
        for j, cell in enumerate(seg.cells):
            column = {r[j] for r in readings}
            if len(column) == 1:
                values[cell] = column.pop()
            else:
                values[cell] = None
                undecided.append(seg.labels[j])
        if undecided:
            kept = "、".join(undecided)
            # a long row (表四's 15 cells) shows only the cells in doubt
            open_at = [
                j
                for j, label in enumerate(seg.labels)
                if len(seg.labels) <= 7 or label in undecided
            ]
            shown_all = sorted({tuple(_show(r[j]) for j in open_at) for r in readings})
            shown = "；".join("、".join(r) for r in shown_all[:6])
            more = "等" if len(shown_all) > 6 else ""
            which = "拆分方式不止一种"
            if seg.broken or broken:
                which = "原表的合计不能全部成立（原表可能有误），照原样有多种拆分"
            elif seg.checked:
                which = "满足勾稽关系的拆分不止一种"
            log.add(
                "ambiguous",
                f"{seg.where}的数字连在一起（“{seg.printed}”），{which}，"
                f"可拆分为 {shown}{more}，{kept}无法确定，按空值导入",
                line=seg.line,
            )
        else:
            only = "、".join(_show(v) for v in next(iter(readings)))
            how = "按对得上的勾稽关系（原表有合计对不上）" if broken else "按各行之间的勾稽关系"
            log.add(
                "split",
                f"{seg.where}的数字连在一起（“{seg.printed}”），{how}拆分为：{only}",
                line=seg.line,
            )
