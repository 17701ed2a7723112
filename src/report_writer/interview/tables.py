"""Interview layer: a whole statistical table (表二, 表四) typed as lines 「行名 数字…」, the rows
that happened only (行政处罚 60; 行政复议 0 1 0 0); the rows not typed are 0, except the columns
the question keeps (现行有效, carried from last year). One Enter when nothing happened.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from typing import Any

from report_writer.formats.checks import fmt_number
from report_writer.formats.spec import Row, TableSpec
from report_writer.interview.base import SessionBase
from report_writer.interview.lists import CLEAR_WORDS, lines_of, parse_lines, parse_some
from report_writer.interview.outcomes import plain
from report_writer.interview.parse import TRAILING_COUNT, normalize, parse_number
from report_writer.interview.prompt import Interrupted, checked
from report_writer.interview.questions import Question


def leaf_rows(spec: TableSpec) -> list[Row]:
    return [r for r in spec.rows if not r.derived and any(not c.derived for c in r.columns)]


def find_row(name: str, rows: list[Row]) -> Row:
    typed = plain(name)
    for row in rows:
        if typed in (plain(row.label), row.key):
            return row
    found = [row for row in rows if typed and typed in plain(row.label)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f"“{name}”可指：{'、'.join(r.label for r in found)}，请再具体一些")
    raise ValueError(f"没有“{name}”这一项，可填：{'、'.join(r.label for r in rows)}")


def parse_row_line(line: str, spec: TableSpec) -> tuple[Row, list[Any]]:
    """「行政复议 0 1 0 0」 → the row and its leaf figures, as many as the row has."""
    tokens = normalize(line).split()
    numbers: list[str] = []
    while tokens:
        try:
            parse_number("decimal", tokens[-1])
        except ValueError:
            break
        numbers.insert(0, tokens.pop())
    if not numbers and tokens:
        glued = TRAILING_COUNT.fullmatch(tokens[-1])  # 「行政处罚60」
        if glued:
            tokens[-1], number = glued.groups()
            numbers = [number]
    name = " ".join(tokens)
    if not name:
        raise ValueError("请先写项目名称，再写数字，例如：行政处罚 60")
    row = find_row(name, leaf_rows(spec))
    columns = [c for c in row.columns if not c.derived]
    if len(numbers) != len(columns):
        labels = "、".join(c.label for c in columns)
        raise ValueError(f"{row.label}请写{len(columns)}个数（{labels}），现为{len(numbers)}个")
    values = [
        parse_number("decimal" if c.type == "decimal" else "integer", n)
        for c, n in zip(columns, numbers, strict=True)
    ]
    return row, values


class TableQuestions(SessionBase):
    def ask_rows(self, q: Question) -> None:
        table = q.cells[0][0]
        spec = self.report.fmt.tables[table]
        v = self.report.figures.values
        rows = leaf_rows(spec)

        def line(row: Row) -> str:
            columns = [c for c in row.columns if not c.derived]
            return f"{row.label} " + " ".join(
                fmt_number(v[(table, row.key, c.key)] or 0) for c in columns
            )

        current = [
            line(r)
            for r in rows
            if any(v[(table, r.key, c.key)] for c in r.columns if not c.derived)
        ]
        self.intro(q)
        if self.example(q):
            self.say(f"  例：{self.example(q)}")
        partial = q.key in self.progress.partial
        if partial:
            self.say("  上次已填写并保存的几行已放在下面，请接着填写。")
        elif current:
            self.say(f"  现有：{'；'.join(current)}。直接回车保留，或逐行重新填写。")

        def parse(text: str) -> tuple[Row, list[Any]]:
            return parse_row_line(text, spec)

        def check(text: str) -> str | None:
            if normalize(text) in CLEAR_WORDS:
                return None
            names = [plain(t.split()[0]) for _, t in lines_of(text)]
            if len(set(names)) < len(names):
                return "同一项写了不止一行，请合并"
            return checked(lambda t: parse_lines(t, parse), "", optional=True)(text)

        prefill = "\n".join(current) + "\n" if partial else ""
        try:
            answer = self.ask(f"? {q.prompt}", "", check, prefill=prefill, multiline=True)
        except Interrupted as exc:  # Ctrl-C mid-table keeps the rows typed in full
            kept = parse_some(exc.text, parse)
            if kept:
                typed_so_far = {
                    f"tables.{table}.{row.key}.{c.key}": n
                    for row, numbers in kept
                    for c, n in zip([c for c in row.columns if not c.derived], numbers, strict=True)
                }
                self.save(q, typed_so_far, partial=True)
            raise
        if not answer.strip() and current and not partial:
            self.save(q, {})
            return
        lines = parse_lines(answer, parse) if normalize(answer) not in CLEAR_WORDS else []
        typed = {row.key: figures for row, figures in lines}
        values: dict[str, Any] = {}
        for row in rows:
            columns = [c for c in row.columns if not c.derived]
            for i, c in enumerate(columns):
                key = f"tables.{table}.{row.key}.{c.key}"
                if row.key in typed:
                    values[key] = typed[row.key][i]
                elif c.key not in q.keep:
                    values[key] = 0
        self.save(q, values)
        if typed:
            figures = self.report.figures
            said = "；".join(
                f"{row.label} {' '.join(fmt_number(n) for n in numbers)}"
                + "".join(
                    f"（{c.label}{fmt_number(figures.value(table, row.key, c.key))}件）"
                    for c in row.columns
                    if c.derived
                )
                for row, numbers in lines
            )
            self.say(f"  已记录：{said}；其余为0。")
        else:
            self.say(f"  {spec.name}各项均为0。")
