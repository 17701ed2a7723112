"""The cross-checks (勾稽关系): each rule of the format data, run over a report's figures.

A rule's `kind` picks the function below; its parameters come from the format file. Each finding
carries a finished Chinese message naming the table, row label, column label, values and sum.

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from msgspec import Struct, field
from msgspec.structs import asdict

from report_writer.chinese import number
from report_writer.formats.figures import Equation, Figures, Value, equations
from report_writer.formats.spec import CellKey, Format, Rule

SEVERITY_LABEL = {"error": "错误", "warning": "提示"}


class Finding(Struct, frozen=True):
    code: str
    severity: str  # "error" or "warning"
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["values"] = {k: _plain(v) for k, v in self.values.items()}
        return data


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    return v


class Context(Struct, frozen=True):
    """What a rule may look at besides this year's figures."""

    level: str | None = None
    tier: str | None = None
    previous: Figures | None = None


def fmt_number(v: Value) -> str:
    """A cell's value in a message: 「空」 for an unknown one (see chinese.number)."""
    return "空" if v is None else number(v)


def _at_cell(rule: Rule, severity: str, key: CellKey, message: str, value: Any) -> Finding:
    """A finding about the one cell `key` of the tables, with its value."""
    table, row, column = key
    return Finding(rule.code, severity, message, table, row, column, {"value": value})


def _label(fmt: Format, key: CellKey, along: str) -> str:
    """A cell named by what varies along the equation: its column, or its row."""
    spec = fmt.tables[key[0]]
    if along == "columns":
        return spec.column(key[2]).label
    row = spec.row(key[1])
    return row.short or row.display


def _term(fmt: Format, key: CellKey, value: Value, along: str) -> str:
    return f"{_label(fmt, key, along)}{fmt_number(value)}"


def _joined(fmt: Format, keys: tuple[CellKey, ...], figures: Figures, along: str) -> str:
    values = [figures.values[k] for k in keys]
    if len(keys) > 6:
        shown = [(k, v) for k, v in zip(keys, values, strict=True) if v]
        text = "＋".join(_term(fmt, k, v, along) for k, v in shown) or "各项均为0"
        if len(shown) < len(keys) and shown:
            text += "（其余各项为0）"
        return text
    return "＋".join(_term(fmt, k, v, along) for k, v in zip(keys, values, strict=True))


def _sum(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    for eq in equations(fmt, rule):
        yield from _equation(fmt, eq, figures)


def _equation(fmt: Format, eq: Equation, figures: Figures) -> Iterator[Finding]:
    vals = figures.values
    if any(vals[k] is None for k in eq.terms + eq.totals):
        return  # unknown cells: C0 reports them; the sum cannot be verified
    left = sum((vals[k] or 0) for k in eq.terms)
    right = sum((vals[k] or 0) for k in eq.totals)
    if left == right:
        return
    spec = fmt.tables[eq.table]
    along = eq.rule.params["across"]
    lhs = _joined(fmt, eq.terms, figures, along)
    row_key: str | None
    col_key: str | None
    single = len(eq.totals) == 1
    if along == "columns":
        row = spec.row(eq.line)
        where = f"{spec.name} {row.display}"
        row_key, col_key = row.key, eq.totals[0][2] if single else None
    else:
        col = spec.column(eq.line)
        where = f"{spec.name} {col.label}列"
        row_key, col_key = (eq.totals[0][1] if single else None), col.key
    if single:
        total_label = _label(fmt, eq.totals[0], along)
        message = f"{where}：{lhs}＝{fmt_number(left)}，但{total_label}为{fmt_number(right)}"
    else:
        rhs = _joined(fmt, eq.totals, figures, along)
        message = f"{where}：{lhs}＝{fmt_number(left)}，但{rhs}＝{fmt_number(right)}"
    yield Finding(
        code=eq.rule.code,
        severity=eq.rule.severity,
        message=message,
        table=eq.table,
        row=row_key,
        column=col_key,
        values={
            "terms": {"/".join(k[1:]): vals[k] for k in eq.terms},
            "totals": {"/".join(k[1:]): vals[k] for k in eq.totals},
            "sum": left,
            "total": right,
        },
    )


def _cell_value(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    for key, raw in figures.invalid.items():
        col = fmt.tables[key[0]].column(key[2])
        expected = "不小于0的数（单位：万元）" if col.type == "decimal" else "不小于0的整数"
        yield _at_cell(
            rule,
            "error",
            key,
            f"{fmt.cell_label(key)}（tables.{'.'.join(key)}）应为{expected}，现为“{raw}”",
            str(raw),
        )
    yield from _missing(fmt, rule, figures)
    for key, value in figures.given.items():
        if value is None:
            yield _at_cell(
                rule,
                "warning",
                key,
                f"{fmt.cell_label(key)}（tables.{'.'.join(key)}）为空（原文为“/”、空白，或导入时缺这一行），"
                "按未知处理，不等于0；涉及该单元格的勾稽关系无法核验",
                None,
            )


def _missing(fmt: Format, rule: Rule, figures: Figures) -> Iterator[Finding]:
    """「未填写」: a leaf not written in report.yaml is unknown, never 0. A table none of whose
    leaves is written is one finding; otherwise each cell is."""
    for spec in fmt.tables.values():
        leaves = [
            (spec.key, row.key, col.key)
            for row, col in spec.cells()
            if not spec.is_derived(row, col)
        ]
        absent = [key for key in leaves if key in figures.missing]
        if absent and len(absent) == len(leaves):
            yield Finding(
                code=rule.code,
                severity="warning",
                message=(
                    f"{spec.name}（tables.{spec.key}）未填写：report.yaml 中没有这张表的数字，"
                    "草稿中的表格将留空。请运行 interview 或在 report.yaml 中填写（没有的填0）"
                ),
                table=spec.key,
                values={"value": None},
            )
            continue
        for key in absent:
            yield _at_cell(
                rule,
                "warning",
                key,
                f"{fmt.cell_label(key)}（tables.{'.'.join(key)}）未填写，按未知处理，不等于0，"
                "草稿中留空；没有的请填0",
                None,
            )


def _carry_over(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    p = rule.params
    spec = fmt.tables[p["table"]]
    this_row, prev_row = spec.row(p["this_row"]), spec.row(p["previous_row"])
    for col in spec.columns:
        now = figures.values[(spec.key, this_row.key, col.key)]
        before = ctx.previous.values.get((spec.key, prev_row.key, col.key))
        if now is None or before is None or now == before:
            continue
        yield Finding(
            code=rule.code,
            severity=rule.severity,
            message=(
                f"{spec.name} {col.label}列：本年“{this_row.label}”为{fmt_number(now)}，"
                f"但上年报告“{prev_row.label}”为{fmt_number(before)}"
            ),
            table=spec.key,
            row=this_row.key,
            column=col.key,
            values={"this_year": now, "previous_year": before},
        )


def _stock_flow(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    p = rule.params
    spec = fmt.tables[p["table"]]
    for row_key in p["rows"]:
        row = spec.row(row_key)
        before = ctx.previous.values.get((spec.key, row_key, p["stock"]))
        inflow = figures.values[(spec.key, row_key, p["inflow"])]
        outflow = figures.values[(spec.key, row_key, p["outflow"])]
        now = figures.values[(spec.key, row_key, p["stock"])]
        if None in (before, inflow, outflow, now):
            continue
        expected = (before or 0) + (inflow or 0) - (outflow or 0)
        if expected == now:
            continue
        yield Finding(
            code=rule.code,
            severity=rule.severity,
            message=(
                f"{spec.name} {row.label}：上年现行有效{fmt_number(before)}＋本年制发{fmt_number(inflow)}"
                f"－本年废止{fmt_number(outflow)}＝{fmt_number(expected)}，但本年现行有效件数为"
                f"{fmt_number(now)}（如有文件到期自然失效，可不理会）"
            ),
            table=spec.key,
            row=row_key,
            column=p["stock"],
            values={"previous": before, "issued": inflow, "repealed": outflow, "in_force": now},
        )


def _level_only(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    p = rule.params
    for allowed in p["allowed"]:
        if ctx.level == allowed["level"] and ctx.tier in allowed["tier"]:
            return
    spec = fmt.tables[p["table"]]
    row = spec.row(p["row"])
    nonzero = {c: figures.values[(spec.key, row.key, c)] for c in p["columns"]}
    nonzero = {c: v for c, v in nonzero.items() if v}
    if not nonzero:
        return
    listed = "、".join(f"{spec.column(c).label}{fmt_number(v)}" for c, v in nonzero.items())
    yield Finding(
        code=rule.code,
        severity=rule.severity,
        message=(
            f"{spec.name} {row.label}：{listed}。规章只由省级、设区的市人民政府（及国务院部门）制定，"
            "本机关填报规章数量不为0，请核实是否应填入“行政规范性文件”"
        ),
        table=spec.key,
        row=row.key,
        column=next(iter(nonzero)),
        values={k: v for k, v in nonzero.items()},
    )


def _legacy(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    by_path = {x.path: x for x in fmt.legacy}
    for path, raw in figures.legacy.items():
        item = by_path[path]
        yield Finding(
            code=rule.code,
            severity=rule.severity,
            message=f"tables.{path}（{item.label}）是2019年试行格式的栏目：{item.replacement}",
            table=path.split(".")[0],
            row=path.split(".")[1],
            values={"value": raw if isinstance(raw, int | str | None) else str(raw)},
        )


def _magnitude(fmt: Format, rule: Rule, figures: Figures, ctx: Context) -> Iterator[Finding]:
    p = rule.params
    key = (p["table"], p["row"], p["column"])
    value = figures.values[key]
    if value is None or value < p["max"]:
        return
    yield _at_cell(
        rule,
        rule.severity,
        key,
        f"{fmt.cell_label(key)}为{fmt_number(value)}万元，即{fmt_number(value * 10000)}元，"
        "数值偏大，请核实是否误按“元”填报（本栏单位为万元）",
        value,
    )


RuleFunction = Callable[[Format, Rule, Figures, Context], Iterator[Finding]]

RULE_KINDS: dict[str, RuleFunction] = {
    "sum": _sum,
    "cell_value": _cell_value,
    "carry_over": _carry_over,
    "stock_flow": _stock_flow,
    "level_only": _level_only,
    "legacy": _legacy,
    "magnitude": _magnitude,
}


def run_rules(figures: Figures, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for rule in figures.fmt.rules:
        findings.extend(RULE_KINDS[rule.kind](figures.fmt, rule, figures, ctx))
    return findings
