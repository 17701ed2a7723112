"""Interview layer: 表三's outcomes, picked by name (official label, part of it, or a common
wording) each with its count, while the running 「还差…件」 shows what is left to assign.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from typing import Any

from report_writer.answers import Choice, Field
from report_writer.formats.spec import Row
from report_writer.interview.base import SessionBase
from report_writer.interview.outcomes import resolve_outcome, split_count
from report_writer.interview.parse import YES_NO, parse_multichoice, parse_number, parse_scalar
from report_writer.interview.prompt import Back, checked
from report_writer.interview.questions import Question
from report_writer.interview.store import save_answers
from report_writer.interview.tally import applicants, balance_text, left_to_assign, outcome_rows
from report_writer.model import Report

FLOW_ROWS = ("new", "carried_over", "carried_forward")  # the rows asked per applicant column


class ApplicationQuestions(SessionBase):
    def ask_applicants(self, q: Question) -> None:
        """Whether any request came in (or was carried over), then which applicant types made
        them (自然人 offered): only their columns are asked; the others are 0."""
        spec = self.report.fmt.tables["applications"]
        columns = applicants(self.report)

        def had(report: Report | None, rows: tuple[str, ...]) -> list[str]:
            if report is None:
                return []
            values = report.figures.values
            return [c for c in columns if any(values.get(("applications", r, c)) for r in rows)]

        now = had(self.report, FLOW_ROWS)
        before = had(self.previous, ("new", "carried_over"))
        labels = [spec.column(c).label for c in columns]
        choice = Field(
            q.key,
            "multichoice",
            "",
            choices=tuple(Choice(c, spec.column(c).label) for c in columns),
        )
        while True:
            answer = self.ask(
                "? 本年有没有收到政府信息公开申请（含上年结转、尚未办结的）？（是/否）",
                "是" if now or before else "否",
                checked(lambda t: parse_scalar(YES_NO, t), "否"),
                ("是", "否"),
            )
            if not parse_scalar(YES_NO, answer):
                chosen: list[str] = []
                break
            self.say_choices(labels)
            default = " ".join(str(columns.index(c) + 1) for c in (now or before)) or "1"
            try:
                typed = self.ask(
                    "? 哪些类型的申请人提出了申请？（输入编号，用空格分开，如 1 2）",
                    default,
                    checked(lambda t: parse_multichoice(choice, t), default),
                    tuple(labels),
                )
            except Back:
                continue
            chosen = parse_multichoice(choice, typed)
            if chosen:
                break
        others = [c for c in columns if c not in chosen]
        zero = {f"tables.applications.{r}.{c}": 0 for c in others for r in FLOW_ROWS}
        rest = [x for x in self.questions if x.part == q.part and x.key != q.key]
        self.progress.reopen([x.key for x in rest])
        if chosen:
            closed = [x.key for x in rest if x.kind == "cell" and x.column in others]
        else:
            closed = [x.key for x in rest]
        self.progress.close(closed)
        self.save(q, zero)
        if chosen:
            self.say(
                f"  只询问：{'、'.join(spec.column(c).label for c in chosen)}；其他申请人按0计。"
            )
        else:
            self.say("  表三各项按0填写。")

    def ask_outcomes(self, q: Question) -> None:
        """The outcomes that occurred, picked by name, each with its count; what is left to assign
        is shown as the officer goes (C2, C3)."""
        self.intro(q)
        rows = outcome_rows(self.report)
        v = self.report.figures.values
        active = [
            c
            for c in applicants(self.report)
            if (v[("applications", "new", c)] or 0) + (v[("applications", "carried_over", c)] or 0)
        ]
        assigned = [r for r in rows if v[("applications", r.key, "total")]]
        if not active and not assigned:
            self.say("  本年没有新收或结转的申请，办理结果均为0。")
            self.save(q, {})
            return
        if assigned:
            self.say(
                "  已归入："
                + "；".join(
                    f"{r.display} {v[('applications', r.key, 'total')]}件" for r in assigned
                )
                + "。"
            )
        picked: list[Row] = []
        while True:
            left = sum(abs(n) for n in left_to_assign(self.report).values())
            if left == 0 and (picked or not assigned):
                self.say("  ✓ 办理结果与申请数一致。")
                break
            if left:
                self.say(balance_text(self.report))
            single = len(self.outcome_columns(None, active)) == 1

            def check(text: str, left: int = left, single: bool = single) -> str | None:
                if not text.strip():
                    return (
                        None
                        if left == 0
                        else "还有申请未归入办理结果：请选择一类办理结果（Tab 补全），或输入 /skip 稍后再填"
                    )
                name, count = split_count(text)
                try:
                    row, _ = resolve_outcome(name, rows)
                except ValueError as exc:
                    return str(exc)
                if count is not None and not single:
                    return "有几类申请人时，请只输入办理结果，件数随后按申请人逐列填写"
                if count is not None:
                    most = self.most(row, self.outcome_columns(row, active)[0])
                    if count > most:
                        return f"超出未归类的申请数：{row.display}最多还能填{most}件"
                return None

            try:
                answer = self.ask(
                    "? 下一类办理结果（可在后面直接写件数，如：撤回申请 1；Tab 补全）",
                    "",
                    check,
                    tuple(r.display for r in rows),
                )
            except Back:
                if not picked:
                    raise
                row = picked.pop()
                self.ask_outcome_count(row, active)
                picked.append(row)
                continue
            if not answer:
                break
            name, count = split_count(answer)
            row, why = resolve_outcome(name, rows)
            if why:
                self.say(f"  {why}")
            if count is not None:
                column = self.outcome_columns(row, active)[0]
                self.save_counts({f"tables.applications.{row.key}.{column}": count})
                picked.append(row)
                continue
            try:
                self.ask_outcome_count(row, active)
            except Back:
                continue
            picked.append(row)
        self.save(q, {})

    def outcome_columns(self, row: Row | None, active: list[str]) -> list[str]:
        """The applicant columns an outcome's count is asked for: those that still have requests
        to assign, or already hold some of this outcome."""
        v = self.report.figures.values
        left = left_to_assign(self.report)

        def current(c: str) -> int:
            return int(v[("applications", row.key, c)] or 0) if row else 0

        columns = [c for c in active if current(c) + left[c] > 0] or active[:1]
        return columns or applicants(self.report)[:1]

    def most(self, row: Row, column: str) -> int:
        """The largest count this outcome may take in a column: what it holds plus what is left."""
        held = self.report.figures.values[("applications", row.key, column)] or 0
        return max(int(held) + left_to_assign(self.report)[column], 0)

    def ask_outcome_count(self, row: Row, active: list[str]) -> None:
        """The count of one outcome in each column that has requests to assign; the column is
        named in every prompt, and a bare Enter is 0 (or the count already given)."""
        v = self.report.figures.values
        labels = {c.key: c.label for c in self.report.fmt.tables["applications"].columns}
        values: dict[str, Any] = {}
        for c in self.outcome_columns(row, active):
            most = self.most(row, c)
            held = int(v[("applications", row.key, c)] or 0)
            default = str(held)

            def parse(t: str, most: int = most) -> int:
                n = int(parse_number("integer", t))
                if n > most:
                    raise ValueError(f"超出未归类的申请数：最多还能填{most}件")
                return n

            answer = self.ask(
                f"  → {row.display} · {labels[c]}  数量？", default, checked(parse, default)
            )
            values[f"tables.applications.{row.key}.{c}"] = parse(answer)
        self.save_counts(values)

    def save_counts(self, values: dict[str, Any]) -> None:
        save_answers(self.ws, self.report.fmt, values, self.editor)
        self.reload()
