"""A made-up published report for the import tests and tests/fixtures/make_pdfs.py: its agency,
year and paragraphs, random consistent tables (a hypothesis strategy), the tables as printed
grids with merged cells, the closing parts as a portal page prints them, and the brute-force
oracle for run-together figures. No published report is copied here."""

from __future__ import annotations

import itertools
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from report_writer.formats.spec import CellKey, Row, load_format

FMT = load_format("gov2021")
AGENCY = "测试市测试区应急管理局"
YEAR = 2024
APPLICANTS = [c.key for c in FMT.tables["applications"].columns if not c.derived]
RESULT_ROWS = FMT.rules[3].params["terms"]  # C3: the 21 rows that add up to （七）总计
Truth = dict[CellKey, Any]
FULL_ZERO = [(t, r.key, c.key) for t, spec in FMT.tables.items() for r, c in spec.cells()]

OVERVIEW = [
    f"{YEAR}年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "（一）主动公开",
    "全年主动公开政府信息120条。",
]
PROBLEMS = ["一是公开深度不够；二是解读形式单一。", "对此，我局将加强培训。"]
OTHER = ["本年度未收取信息处理费。"]

# ---------------------------------------------------------------- random consistent tables

small = st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 300))


@st.composite
def tables(draw: st.DrawFn) -> Truth:
    truth: Truth = {}
    spec = FMT.tables["proactive"]
    for row, col in spec.cells():
        key = ("proactive", row.key, col.key)
        if col.type == "decimal":
            truth[key] = draw(st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("12.34")]))
        else:
            truth[key] = draw(st.one_of(small, st.none()))  # None: printed "/"
    for col in APPLICANTS:
        results = {r: draw(small) for r in RESULT_ROWS}
        handled = sum(results.values())
        forward = draw(small)
        over = min(draw(small), handled + forward)
        column = {
            **results,
            "handled_total": handled,
            "carried_forward": forward,
            "carried_over": over,
            "new": handled + forward - over,
        }
        for row_key, value in column.items():
            truth[("applications", row_key, col)] = value
    for row in FMT.tables["applications"].rows:
        truth[("applications", row.key, "total")] = sum(
            truth[("applications", row.key, c)] for c in APPLICANTS
        )
    for row in FMT.tables["reviews"].rows:
        parts = {c: draw(small) for c in ("upheld", "corrected", "other", "pending")}
        parts["total"] = sum(parts.values())
        for col, value in parts.items():
            truth[("reviews", row.key, col)] = value
    return truth


# ---------------------------------------------------------------- renderers


def shown(value: Any) -> str:
    return "/" if value is None else str(value)


def values(truth: Truth, table: str, row: Row) -> list[str]:
    return [shown(truth[(table, row.key, c.key)]) for c in row.columns]


def heading(key: str) -> str:
    return FMT.section(key).heading


def scraped(text: str) -> str:
    """Portals print half-width punctuation: （一） becomes (一)."""
    return unicodedata.normalize("NFKC", text)


# A table as printed: rows of (text, colspan, rowspan) cells.
Grid = list[list[tuple[str, int, int]]]


def grids(truth: Truth) -> dict[str, Grid]:
    proactive: Grid = []
    for block in FMT.tables["proactive"].blocks:
        wide = len(block.columns) == 1
        proactive.append([(block.caption or "", 4, 1)])
        proactive.append(
            [("信息内容", 1, 1)] + [(c.label, 3 if wide else 1, 1) for c in block.columns]
        )
        for row in block.rows:
            cells = values(truth, "proactive", row)
            proactive.append([(row.label, 1, 1)] + [(v, 3 if wide else 1, 1) for v in cells])
    spec = FMT.tables["applications"]
    applications: Grid = [
        [(spec.corner or "", 3, 3), ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [(c, 1, 1) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    rows = list(spec.rows)
    for i, row in enumerate(rows):
        cells: list[tuple[str, int, int]] = []
        for depth, group in enumerate(row.groups):
            if i == 0 or len(rows[i - 1].groups) <= depth or rows[i - 1].groups[depth] != group:
                span = sum(
                    1 for r in rows[i:] if len(r.groups) > depth and r.groups[depth] == group
                )
                cells.append((group, 1, span))
        cells.append((row.label, 3 - len(row.groups), 1))
        cells += [(v, 1, 1) for v in values(truth, "applications", row)]
        applications.append(cells)
    reviews: Grid = [
        [("行政复议", 5, 2), ("行政诉讼", 10, 1)],
        [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
        [(c.label, 1, 1) for _ in range(3) for c in FMT.tables["reviews"].columns],
        [(v, 1, 1) for r in FMT.tables["reviews"].rows for v in values(truth, "reviews", r)],
    ]
    return {"proactive": proactive, "applications": applications, "reviews": reviews}


def physical(grid: Grid) -> list[list[str]]:
    """The grid as a full matrix: a merged cell's text in its first position, "" elsewhere."""
    width = sum(c[1] for c in grid[0]) + 0
    width = max(width, max(sum(c[1] for c in row) for row in grid))
    taken: set[tuple[int, int]] = set()
    matrix = [[""] * width for _ in grid]
    for r, row in enumerate(grid):
        col = 0
        for text, colspan, rowspan in row:
            while (r, col) in taken:
                col += 1
            matrix[r][col] = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            col += colspan
    return matrix


def closing_paragraphs() -> list[str]:
    """Parts 五 and 六 as a portal page prints them: a <p> for the heading and each paragraph."""
    return [
        f"<p>{heading('problems')}</p>",
        *(f"<p>{p}</p>" for p in PROBLEMS),
        f"<p>{heading('other')}</p>",
        *(f"<p>{p}</p>" for p in OTHER),
    ]


def readings(digits: str, n: int, sums: list[tuple[list[int], int]]) -> set[tuple[int, ...]]:
    """Brute force: every cut of `digits` into n figures (no leading zeros) meeting `sums`."""
    found = set()
    for cuts in itertools.combinations(range(1, len(digits)), n - 1):
        bounds = [0, *cuts, len(digits)]
        parts = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        numbers = tuple(int(p) for p in parts)
        if all(sum(numbers[t] for t in terms) == numbers[total] for terms, total in sums):
            found.add(numbers)
    return found


def oracle(truth: Truth) -> dict[CellKey, Any]:
    """The cells a row alone decides: rows short enough to brute-force, cut only one way."""
    decided: dict[CellKey, Any] = {}
    c1 = [(list(range(6)), 6)]
    for table in ("proactive", "applications"):
        for row in FMT.tables[table].rows:
            keys = [(table, row.key, c.key) for c in row.columns]
            printed = [truth[k] for k in keys]
            if any(v is None or isinstance(v, Decimal) for v in printed):
                continue
            digits = "".join(str(v) for v in printed)
            if len(digits) > 14:
                continue
            found = readings(digits, len(keys), c1 if table == "applications" else [])
            if len(found) == 1:
                decided.update(zip(keys, found.pop(), strict=True))
    keys = [
        ("reviews", r.key, c.key)
        for r in FMT.tables["reviews"].rows
        for c in FMT.tables["reviews"].columns
    ]
    digits = "".join(str(truth[k]) for k in keys)
    if len(digits) <= 18:
        sums = [([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)]
        found = readings(digits, 15, sums)
        if len(found) == 1:
            decided.update(zip(keys, found.pop(), strict=True))
    return decided
