"""The official format, loaded from its data file: sections, tables, header layout and rules.

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.errors import InputError
from report_writer.resources import load_data

_DIR = Path(__file__).resolve().parent

CellKey = tuple[str, str, str]  # (table, row, column)


class Column(Struct, frozen=True):
    key: str
    label: str
    type: str = "count"  # "count" (non-negative integer) or "decimal"
    unit: str | None = None
    derived: bool = False


class Row(Struct, frozen=True):
    key: str
    label: str
    columns: tuple[Column, ...]
    groups: tuple[str, ...] = ()
    short: str | None = None
    derived: bool = False

    @property
    def display(self) -> str:
        """The label as named in a message: numbered sub-rows carry their group, e.g. （四）无法提供 1.…"""
        if self.groups and self.label[:1].isdigit():
            return f"{self.groups[-1]} {self.label}"
        return self.label


class Block(Struct, frozen=True):
    caption: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


class HeaderCell(Struct, frozen=True):
    label: str
    span: int = 1
    rows: int = 1


class TableSpec(Struct, frozen=True):
    key: str
    number: str
    name: str
    title: str
    blocks: tuple[Block, ...]
    columns: tuple[Column, ...]
    column_header: tuple[tuple[HeaderCell, ...], ...] = ()
    corner: str | None = None
    corner_span: tuple[int, int] = (1, 1)  # (rows, columns)
    row_header: str | None = None

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for b in self.blocks for r in b.rows)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def cells(self) -> Iterator[tuple[Row, Column]]:
        for r in self.rows:
            for c in r.columns:
                yield r, c

    def is_derived(self, row: Row, column: Column) -> bool:
        return row.derived or column.derived


class Section(Struct, frozen=True):
    key: str
    number: str
    title: str
    kind: str  # "narrative" or "table"

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


class Legacy(Struct, frozen=True):
    path: str
    label: str
    replacement: str


class Rule(Struct, frozen=True):
    code: str
    severity: str  # "error" or "warning"
    kind: str
    title: str
    params: dict[str, Any] = field(default_factory=dict)


class Format(Struct, frozen=True):
    id: str
    name: str
    first_year: int
    sections: tuple[Section, ...]
    tables: dict[str, TableSpec]
    legacy: tuple[Legacy, ...]
    rules: tuple[Rule, ...]
    opening: tuple[str, ...] = ()  # sentences before 一; the last one names meta.contact
    abbreviation: str = ""  # the opening's definition of 《条例》, printed when the body uses it

    def section(self, key_or_number: str) -> Section:
        for s in self.sections:
            if key_or_number in (s.key, s.number):
                return s
        raise KeyError(key_or_number)

    def cell_label(self, key: CellKey) -> str:
        """「表三 一、本年新收政府信息公开申请数量 · 自然人」"""
        table = self.tables[key[0]]
        return f"{table.name} {table.row(key[1]).display} · {table.column(key[2]).label}"


def _columns(raw: list[dict[str, Any]]) -> tuple[Column, ...]:
    return tuple(Column(**c) for c in raw)


def _table(key: str, raw: dict[str, Any]) -> TableSpec:
    if "blocks" in raw:
        blocks = []
        for b in raw["blocks"]:
            cols = _columns(b["columns"])
            rows = tuple(Row(columns=cols, **r) for r in b["rows"])
            blocks.append(Block(b["caption"], cols, rows))
        all_cols: dict[str, Column] = {}
        for b in blocks:
            all_cols.update({c.key: c for c in b.columns})
        columns = tuple(all_cols.values())
    else:
        columns = _columns(raw["columns"])
        rows = tuple(
            Row(columns=columns, **{**r, "groups": tuple(r.get("groups", ()))}) for r in raw["rows"]
        )
        blocks = [Block(None, columns, rows)]
    header = tuple(tuple(HeaderCell(**c) for c in line) for line in raw.get("column_header", ()))
    span = raw.get("corner_span", {"rows": 1, "columns": 1})
    return TableSpec(
        key=key,
        number=raw["number"],
        name=raw["name"],
        title=raw["title"],
        blocks=tuple(blocks),
        columns=columns,
        column_header=header,
        corner=raw.get("corner"),
        corner_span=(span["rows"], span["columns"]),
        row_header=raw.get("row_header"),
    )


def _rule(raw: dict[str, Any]) -> Rule:
    fixed = {"code", "severity", "kind", "title"}
    return Rule(
        code=raw["code"],
        severity=raw["severity"],
        kind=raw["kind"],
        title=raw["title"],
        params={k: v for k, v in raw.items() if k not in fixed},
    )


def available_formats() -> list[str]:
    return sorted(p.stem for p in _DIR.glob("*.yaml"))


@cache
def load_format(format_id: str) -> Format:
    path = _DIR / f"{format_id}.yaml"
    if not path.is_file():
        known = "、".join(available_formats())
        raise InputError(f"未知的报告格式“{format_id}”。可用的格式：{known}")
    raw = load_data(path)
    try:
        return Format(
            id=raw["id"],
            name=raw["name"],
            first_year=raw["first_year"],
            sections=tuple(Section(**s) for s in raw["sections"]),
            tables={k: _table(k, v) for k, v in raw["tables"].items()},
            legacy=tuple(Legacy(**x) for x in raw.get("legacy", ())),
            rules=tuple(_rule(r) for r in raw["checks"]),
            opening=tuple(raw.get("opening", ())),
            abbreviation=raw.get("abbreviation", ""),
        )
    except (KeyError, TypeError) as exc:
        raise InputError(f"格式文件 {path} 不完整或有误：{exc}") from exc


def format_for_year(year: int) -> Format:
    """The newest format in force for `year`."""
    candidates = [load_format(f) for f in available_formats()]
    usable = [f for f in candidates if f.first_year <= year] or candidates
    return max(usable, key=lambda f: f.first_year)
