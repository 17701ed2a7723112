"""Interview layer: questions answered on one line: a single answer of the schema (text, number,
yes/no, choice, multiple choice), one table cell, or a table row typed as numbers.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from typing import Any

from report_writer.answers import Field
from report_writer.formats.checks import fmt_number
from report_writer.interview.base import SessionBase, lookup
from report_writer.interview.parse import YES_NO, parse_number, parse_numbers, parse_scalar, show
from report_writer.interview.prompt import MULTICHOICE_HOW, checked
from report_writer.interview.questions import Question
from report_writer.interview.tally import cell_limit


class ScalarQuestions(SessionBase):
    def _scalar_text(self, q: Question, f: Field) -> str:
        text = f"? {q.prompt}"
        if f.type == "choice":
            text += "  " + " / ".join(c.label for c in f.choices)
        elif f.type == "multichoice":
            text += f"（{MULTICHOICE_HOW}）"
        elif f.type == "yes_no":
            text += "（是/否）"
        return text

    def ask_scalar(self, q: Question) -> None:
        self.intro(q)
        if q.kind == "cell" and q.previous and self.previous is not None and not self.revisiting:
            value = lookup(self.previous, q.previous) or 0  # 上年结转 is last year's 结转下年度
            self.save(q, {q.key: value})
            self.say(f"  {q.prompt.rstrip('？?')}：{fmt_number(value)}（按上年报告）")
            return
        if q.kind == "cell":
            kind = q.type
            default = show(None, self.default_of(q))
            limit = cell_limit(self.report, q)

            def parse(text: str) -> Any:
                value = parse_number(kind, text)
                if limit is not None and value > limit[0]:
                    raise ValueError(limit[1])
                return value

            answer = self.ask(f"? {q.prompt}", default, checked(parse, default))
            self.save(q, {q.key: parse(answer)})
            self.say_row_total(q)
            return
        f = q.field
        assert f is not None
        if f.type == "multichoice":
            self.say_choices([c.label for c in f.choices])
        elif self.example(q):
            self.say(f"  例：{self.example(q)}")
        default = show(f, self.default_of(q))
        choices = tuple(c.label for c in f.choices) or (("是", "否") if f.type == "yes_no" else ())
        answer = self.ask(
            self._scalar_text(q, f),
            default,
            checked(lambda t: parse_scalar(f, t), default, optional=True),
            choices,
            multiline=f.type == "multiline",
        )
        if not answer:
            self.save(q, {})
            return
        value = parse_scalar(f, answer)
        if q.key == "meta.year" and value > self.today().year and not self.confirm_year(value):
            self.ask_scalar(q)
            return
        self.save(q, {q.key: value, **self.format_for(q, value)})
        if f.type == "multichoice":
            chosen = "、".join(f.choice_label(k) for k in value) or "无"
            self.say(f"  已选：{chosen}。")

    def ask_row(self, q: Question) -> None:
        """All leaf cells of a table row, typed on one line."""
        self.intro(q)
        values = [self.default_of(q, "tables." + ".".join(c)) for c in q.cells]
        default = " ".join(show(None, v) for v in values)
        answer = self.ask(
            f"? {q.prompt}", default, checked(lambda t: parse_numbers(t, len(q.cells)), default)
        )
        numbers = parse_numbers(answer, len(q.cells))
        self.save(q, {"tables." + ".".join(c): n for c, n in zip(q.cells, numbers, strict=True)})
        table, row, _ = q.cells[0]
        spec = self.report.fmt.tables[table]
        for col in spec.row(row).columns:
            if col.derived:
                self.say(
                    f"  {col.label}：{fmt_number(self.report.figures.value(table, row, col.key))}件。"
                )

    def say_row_total(self, q: Question) -> None:
        """After the last figure of a row asked cell by cell, its derived total (「本年新收共13件」);
        the columns not asked (their applicant type made no request) are passed over."""
        table, row_key, _ = q.cells[0]
        row = self.report.fmt.tables[table].row(row_key)
        totals = [c for c in row.columns if c.derived]
        plan = self.plan()
        later = plan[plan.index(q) + 1 :] if q in plan else []
        rest = [
            x
            for x in later
            if x.kind == "cell"
            and x.cells[0][:2] == (table, row_key)
            and x.key not in self.progress.closed
        ]
        if q.column is None or rest or not totals:
            return
        value = fmt_number(self.report.figures.value(table, row_key, totals[0].key))
        self.say(f"  {row.short or row.label}共 {value} 件。")

    def confirm_year(self, year: int) -> bool:
        """Whether a report year not yet come (a typo for 2023 such as 2032) is meant."""
        this_year = self.today().year
        answer = self.ask(
            f"? 报告年度{year}年还没有到（今年是{this_year}年），确定是{year}年吗？（是/否）",
            "否",
            checked(lambda t: parse_scalar(YES_NO, t), "否"),
            ("是", "否"),
        )
        return bool(parse_scalar(YES_NO, answer))

    def format_for(self, q: Question, year: Any) -> dict[str, Any]:
        """A new report year may bring another official format (meta.format follows it)."""
        if q.key != "meta.year":
            return {}
        from report_writer.formats.spec import format_for_year

        fmt = format_for_year(year)
        return {"meta.format": fmt.id} if fmt.id != self.report.meta.format else {}
