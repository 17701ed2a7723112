"""The figures of the rows read: each row's printed tokens cut into its cells (`split`), and
the rows whose tokens can be cut several ways decided together by the sums that span rows (C2,
C3 of the format's data file). When a published total breaks the sums, the combinations that
break fewest decide. Cells the possible readings disagree on are left empty (null) and logged.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import itertools
import math

from msgspec import Struct, field

from report_writer.formats.figures import Equation, equations
from report_writer.formats.spec import Format
from report_writer.importer.log import Log
from report_writer.importer.split import Cell, LocalSum, TooManySplits, candidates
from report_writer.importer.tokens import Token

CellId = tuple[str, str, str]  # (table, row, column) of the format, or ("legacy", path, key)
GLOBAL_BUDGET = 100_000
MAX_SOLUTIONS = 500
MAX_COMBINATIONS = 4_096  # combinations of readings weighed when a published sum is broken


class Segment(Struct):
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


def _local_sums(segment: Segment, eqs: list[Equation]) -> dict[LocalSum, Equation]:
    """The sums lying inside one row (C1 of a row of 表三, C4–C6 of 表四's groups)."""
    where = {c: i for i, c in enumerate(segment.cells)}
    sums = {}
    for eq in eqs:
        if len(eq.totals) == 1 and all(c in where for c in (*eq.terms, *eq.totals)):
            sums[LocalSum(tuple(where[c] for c in eq.terms), where[eq.totals[0]])] = eq
    return sums


def _numbers(values: list[Cell]) -> list[int] | None:
    if all(isinstance(v, int) for v in values):
        return values  # type: ignore[return-value]
    return None


def solve(segments: list[Segment], fmt: Format, log: Log) -> dict[CellId, Cell]:
    eqs = [eq for rule in fmt.rules if rule.kind == "sum" for eq in equations(fmt, rule)]
    values: dict[CellId, Cell] = {}
    multi: list[Segment] = []
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


def _token_of(seg: Segment, cell: CellId) -> Token | None:
    """The token a cell was read from, when the row was read one token a cell."""
    if len(seg.tokens) != len(seg.cells) or len(seg.readings) != 1:
        return None
    token = seg.tokens[seg.cells.index(cell)]
    return token if token.kind in ("null", "blank") else None


def _show(value: Cell) -> str:
    return "空" if value is None else str(value)


def _read(seg: Segment, local: dict[LocalSum, Equation], log: Log) -> None:
    n = len(seg.cells)
    sums = list(local)
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
        # several readings kept although each breaks a sum: the cells in doubt stay empty, so
        # the sum the printed figures break is said here (one reading: check sees it itself)
        seg.broken = not seg.checked and len(sums) > 1 and len(seg.readings) > 1
    except TooManySplits:
        log.add(
            "unread",
            f"{seg.where}的数字连在一起（“{seg.printed}”），可能的拆分过多，该行按空值导入",
            line=seg.line,
        )
        return
    if seg.broken:
        _published(seg, local, log)
    if not seg.readings:
        reason = "没有满足勾稽关系的拆分" if seg.checked else f"无法拆分为{n}个数字"
        log.add(
            "unread",
            f"{seg.where}读到“{seg.printed}”，{reason}，该行按空值导入",
            line=seg.line,
        )


def _published(seg: Segment, local: dict[LocalSum, Equation], log: Log) -> None:
    """The sums every reading of the row breaks: errors of the published table itself (07's
    表四 「…1324015」: 13+2+4+0 is not 15, whatever the cut), logged for `import --check`."""
    for total, eq in local.items():
        if all(
            all(isinstance(r[t], int) for t in (*total.terms, total.total))
            and sum(r[t] for t in total.terms) != r[total.total]  # type: ignore[misc]
            for r in seg.readings
        ):
            terms = "、".join(seg.labels[t].split("·")[-1] for t in total.terms)
            log.add(
                "published",
                f"{seg.where}原文为“{seg.printed}”：无论怎样拆分，{seg.labels[total.total]}都不等于"
                f"{terms}之和：原表的数字有误（或文字中混进了别的数字，请对照原文）；无法确定的单元格按空值导入",
                cell=".".join(eq.totals[0]),
                line=seg.line,
                rule=eq.rule.code,
            )


def _least_broken(
    multi: list[Segment], values: dict[CellId, Cell], eqs: list[Equation]
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
    multi: list[Segment], values: dict[CellId, Cell], eqs: list[Equation], log: Log
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
