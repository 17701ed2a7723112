"""The figures of tables 二、三、四: the cells as written, and every total derived from them.

A cell is a number, `None` (printed as "/" or left blank in an imported report: unknown, never
0), or absent: a total not written is computed; a leaf not written is 「未填写」, unknown too (its
value is None, it is listed in `missing`, check C0 names it and the draft leaves it empty).
Values that are not valid numbers are kept aside in `invalid` so that check C0 can name them.

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any

from msgspec import Struct, field

from report_writer.formats.spec import CellKey, Format, Rule

Value = int | Decimal | None


class Equation(Struct, frozen=True):
    """One instance of a sum rule: the cells on the left add up to the cells on the right."""

    rule: Rule
    table: str
    line: str  # the row (across columns) or column (across rows) the equation runs along
    terms: tuple[CellKey, ...]
    totals: tuple[CellKey, ...]


def equations(fmt: Format, rule: Rule) -> list[Equation]:
    """Every instance of a sum rule: one per row (across columns) or per column (across rows)."""
    p = rule.params
    spec = fmt.tables[p["table"]]
    across_columns = p["across"] == "columns"
    lines = [r.key for r in spec.rows] if across_columns else [c.key for c in spec.columns]

    def cells(line: str, keys: list[str]) -> tuple[CellKey, ...]:
        if across_columns:
            return tuple((spec.key, line, k) for k in keys)
        return tuple((spec.key, k, line) for k in keys)

    return [
        Equation(rule, spec.key, line, cells(line, p["terms"]), cells(line, p["total"]))
        for line in lines
        if not p.get("only") or line in p["only"]
    ]


class Figures(Struct, dict=True):  # dict: room for the cached_property below
    fmt: Format
    given: dict[CellKey, Value] = field(default_factory=dict)
    invalid: dict[CellKey, Any] = field(default_factory=dict)
    legacy: dict[str, Any] = field(default_factory=dict)

    def is_given(self, key: CellKey) -> bool:
        return key in self.given

    @property
    def values(self) -> dict[CellKey, Value]:
        """Every cell of every table: given values, derived totals, None where unknown."""
        return self._computed[0]

    @property
    def missing(self) -> set[CellKey]:
        """The cells not filled in: leaves not written, and totals derived from one of them."""
        return self._computed[1]

    @cached_property
    def _computed(self) -> tuple[dict[CellKey, Value], set[CellKey]]:
        values: dict[CellKey, Value] = {}
        missing: set[CellKey] = set()
        pending: set[CellKey] = set()
        for spec in self.fmt.tables.values():
            for row, col in spec.cells():
                key = (spec.key, row.key, col.key)
                if key in self.invalid:
                    values[key] = None
                elif key in self.given:
                    values[key] = self.given[key]
                elif spec.is_derived(row, col):
                    pending.add(key)
                else:
                    values[key] = None
                    missing.add(key)
        eqs = [
            eq
            for rule in self.fmt.rules
            if rule.kind == "sum" and rule.params.get("derive")
            for eq in equations(self.fmt, rule)
        ]
        progress = True
        while pending and progress:
            progress = False
            for eq in eqs:
                (total,) = eq.totals
                if total in pending and all(values.get(t) is not None for t in eq.terms):
                    values[total] = sum(values[t] or 0 for t in eq.terms)
                    pending.discard(total)
                    progress = True
        progress = True
        while pending and progress:  # a total of a missing term is missing too (not just unknown)
            progress = False
            for eq in eqs:
                (total,) = eq.totals
                if total in pending and any(t in missing for t in eq.terms):
                    missing.add(total)
                    pending.discard(total)
                    progress = True
        for key in pending:  # a term is unknown, so the total is unknown too
            values[key] = None
        for key in missing:
            values[key] = None
        return values, missing

    def value(self, table: str, row: str, column: str) -> Value:
        return self.values[(table, row, column)]

    def as_dict(self) -> dict[str, dict[str, dict[str, Value]]]:
        """Nested view for templates: tables.applications.new.total."""
        nested: dict[str, dict[str, dict[str, Value]]] = {}
        for (t, r, c), v in self.values.items():
            nested.setdefault(t, {}).setdefault(r, {})[c] = v
        return nested
