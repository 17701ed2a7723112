"""H4: every figure the draft's prose states about a table cell or an answer equals it.

A reviewer may edit a sentence by hand and a table cell afterwards (行政许可决定138件, then 140 in
report.yaml): the sentence is no longer regenerated, so only this check notices. What a figure
may be matched to is data (figures.yaml): terms naming one quantity (行政许可决定), grids
naming a row and a column (废止行政规范性文件), the named counts of list answers (行政处罚信息20条),
and every numbered sub-row of 表三 by its label.

Floor: draft. Must not import from the floors above (import/interview and up).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from msgspec import Struct

from report_writer.formats.checks import Finding, fmt_number
from report_writer.model import Report
from report_writer.resources import load_data

RULES_FILE = Path(__file__).resolve().parent / "figures.yaml"
SECTIONS = ("overview", "problems", "other")
BREAKS = "，；。：、！？,;:\n"
NUMBER = r"(?P<n>\d+(?:\.\d+)?)"


class Sentence(Protocol):
    """A sentence of draft.md as the draft checks read it (consistency.Said)."""

    @property
    def section(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def line(self) -> int: ...


class Source(Struct, frozen=True):
    """Where a stated figure must come from: table cells (summed) or one answer."""

    label: str  # 表二 行政许可 本年处理决定数量, or 答案 supervision.trainings（…）
    unit: str
    cells: tuple[tuple[str, str, str], ...] = ()
    answer: str | None = None  # group.field
    record: tuple[str, int] | None = None  # (answer, index) of a named count in a list answer


class Matcher(Struct, frozen=True):
    source: Source
    pattern: re.Pattern[str]
    sections: tuple[str, ...]
    unless: re.Pattern[str] | None = None  # sentences about something else (所属各单位…)


class Stated(Struct, frozen=True):
    """A figure the prose states that differs from its source."""

    sentence: str
    line: int
    section: str
    stated: Decimal
    expected: int | Decimal
    source: Source


@cache
def load_rules() -> dict[str, Any]:
    data: dict[str, Any] = load_data(RULES_FILE)
    return data


def _unit(unit: str) -> str:
    """The unit right after the number: 次 is not the end of 人次, 元 not of 万元."""
    return re.escape(unit) + r"(?![\d.])"


def _gap(n: int) -> str:
    return f"[^\\d{BREAKS}]{{0,{n}}}?"


def _term_pattern(terms: Sequence[str], unit: str, gap: int, before: bool) -> re.Pattern[str]:
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    after = f"(?:{words}){_gap(gap)}{NUMBER}{_unit(unit)}"
    if not before:
        return re.compile(after)
    ahead = f"(?<![\\d.]){NUMBER.replace('?P<n>', '?P<m>')}{_unit(unit)}{_gap(gap)}(?:{words})"
    return re.compile(f"{after}|{ahead}")


def _cell_label(report: Report, cells: tuple[tuple[str, str, str], ...], given: Any) -> str:
    if given:
        return str(given)
    return "、".join(report.fmt.cell_label(c) for c in cells)


def _answer_label(name: str) -> str:
    from report_writer.answers import load_schema

    field = load_schema().field(name)
    return f"答案 {name}（{field.label}）"


def matchers(report: Report) -> list[Matcher]:
    """Every way this report's prose may state a figure, from figures.yaml."""
    rules = load_rules()
    default_gap = int(rules["gap"])
    found: list[Matcher] = []
    for rule in rules["terms"]:
        sections = tuple(rule.get("sections", SECTIONS))
        if "cells" in rule:
            cells = tuple(_cell(c) for c in rule["cells"])
            label = _cell_label(report, cells, rule.get("label"))
            source = Source(label, rule.get("unit", "件"), cells=cells)
        else:
            source = Source(_answer_label(rule["answer"]), rule["unit"], answer=rule["answer"])
        if "patterns" in rule:
            found.extend(Matcher(source, re.compile(p), sections) for p in rule["patterns"])
        else:
            pattern = _term_pattern(
                rule["terms"],
                rule["unit"],
                int(rule.get("gap", default_gap)),
                bool(rule.get("before", False)),
            )
            unless = re.compile(rule["except"]) if rule.get("except") else None
            found.append(Matcher(source, pattern, sections, unless))
    for rule in rules["records"]:
        group, _, field = rule["answer"].partition(".")
        records = (report.answers.get(group) or {}).get(field) or []
        total = Source(
            f"答案 {rule['answer']} 各项之和", rule["unit"], answer=rule["answer"], record=None
        )
        found.append(
            Matcher(
                total,
                _term_pattern(rule["total"], rule["unit"], 0, False),
                tuple(rule.get("sections", SECTIONS)),
                re.compile(rule["except"]) if rule.get("except") else None,
            )
        )
        for index, record in enumerate(records):
            name = record.get(rule["name"]) if isinstance(record, Mapping) else None
            if not name:
                continue
            source = Source(
                f"答案 {rule['answer']} 第{index + 1}项（{name}）",
                rule["unit"],
                answer=rule["answer"],
                record=(rule["answer"], index),
            )
            pattern = _term_pattern([str(name)], rule["unit"], 0, False)
            found.append(Matcher(source, pattern, tuple(rule.get("sections", SECTIONS))))
    for rule in rules["rows"]:
        spec = report.fmt.tables[rule["table"]]
        for row in spec.rows:
            label = re.sub(r"^\d+\.", "", row.label)
            if label == row.label:
                continue  # only numbered sub-rows: the others are named by terms above
            cell = (spec.key, row.key, rule["column"])
            source = Source(report.fmt.cell_label(cell), rule["unit"], cells=(cell,))
            pattern = _term_pattern([label], rule["unit"], 0, False)
            found.append(Matcher(source, pattern, SECTIONS))
    return found


def _cell(name: str) -> tuple[str, str, str]:
    table, row, column = name.split(".")
    return table, row, column


def _expected(report: Report, source: Source) -> int | Decimal | None:
    if source.cells:
        values = [report.figures.values.get(c) for c in source.cells]
        if any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None)
    assert source.answer is not None
    group, _, field = source.answer.partition(".")
    value = (report.answers.get(group) or {}).get(field)
    if isinstance(value, list):
        counts = [r.get("count") for r in value if isinstance(r, Mapping)]
        if source.record is not None:
            counts = counts[source.record[1] : source.record[1] + 1]
        if not counts or not all(isinstance(c, int) for c in counts):
            return None
        value = sum(c for c in counts if isinstance(c, int))
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _grid_figures(report: Report, text: str) -> Iterator[tuple[Source, Decimal]]:
    """Figures named by a column word (废止) and the row word (行政规范性文件) written with it or
    last before it in the sentence."""
    for grid in load_rules()["grids"]:
        rows: dict[str, Any] = grid["rows"]
        columns: dict[str, str] = grid["columns"]
        row_words = "|".join(re.escape(w) for w in sorted(rows, key=len, reverse=True))
        col_words = "|".join(re.escape(w) for w in sorted(columns, key=len, reverse=True))
        pattern = re.compile(
            f"(?P<col>{col_words})(?:的)?(?P<row>{row_words})?{_gap(4)}{NUMBER}{_unit(grid['unit'])}"
        )
        spec = report.fmt.tables[grid["table"]]
        for m in pattern.finditer(text):
            word = m.group("row")
            if word is None:
                before = [w for w in re.findall(row_words, text[: m.start()])]
                if not before:
                    continue
                word = before[-1]
            keys = rows[word] if isinstance(rows[word], list) else [rows[word]]
            column = columns[m.group("col")]
            cells = tuple((spec.key, k, column) for k in keys)
            label = "、".join(report.fmt.cell_label(c) for c in cells)
            yield Source(label, grid["unit"], cells=cells), Decimal(m.group("n"))


def _figures(report: Report, found: list[Matcher], s: Sentence) -> Iterator[tuple[Source, Decimal]]:
    for matcher in found:
        if s.key not in matcher.sections or (matcher.unless and matcher.unless.search(s.text)):
            continue
        for m in matcher.pattern.finditer(s.text):
            figure = m.group("n") if "n" in m.groupdict() and m.group("n") else None
            if figure is None and "m" in m.groupdict():
                figure = m.group("m")
            if figure is not None:
                yield matcher.source, Decimal(figure)
    yield from _grid_figures(report, s.text)


def stale(report: Report, said: Sequence[Sentence]) -> list[Stated]:
    """Each figure stated in `said` that differs from the cell or answer it names."""
    found = matchers(report)
    result: list[Stated] = []
    seen: set[tuple[int, str, Decimal]] = set()
    for s in said:
        for source, figure in _figures(report, found, s):
            expected = _expected(report, source)
            if expected is None or Decimal(expected) == figure:
                continue
            if (s.line, source.label, figure) in seen:
                continue
            seen.add((s.line, source.label, figure))
            result.append(Stated(s.text, s.line, s.section, figure, expected, source))
    return result


def findings(report: Report, said: Sequence[Sentence], draft_file: str) -> Iterator[Finding]:
    """H4 findings: the line, the sentence, both figures, and where the right one lives."""
    for item in stale(report, said):
        source = item.source
        if source.cells:
            where = "、".join(f"tables.{t}.{r}.{c}" for t, r, c in source.cells)
        else:
            where = f"answers.{source.answer}"
        table, row, column = source.cells[0] if len(source.cells) == 1 else (None, None, None)
        yield Finding(
            code="H4",
            severity="warning",
            message=(
                f"{draft_file} 第{item.line}行（{item.section}）“{item.sentence}”写的是"
                f"{fmt_number(item.stated)}{source.unit}，但{source.label}为{fmt_number(item.expected)}"
                f"（{where}）。请改正草稿中的数字，或改正 report.yaml 中的数字"
            ),
            table=table or (source.cells[0][0] if source.cells else None),
            row=row,
            column=column,
            values={
                "sentence": item.sentence,
                "stated": item.stated,
                "table": item.expected,
                "line": item.line,
                "source": where,
            },
        )
