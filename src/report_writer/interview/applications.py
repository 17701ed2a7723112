"""Interview layer: 表三's outcomes, picked by name (official label, part of it, or a common
wording) each with its count, while the running 「还差…件」 shows what is left to assign.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from typing import Any

from report_writer.formats.spec import Row
from report_writer.interview.base import SessionBase
from report_writer.interview.parse import normalize, parse_number
from report_writer.interview.prompt import Back, checked
from report_writer.interview.questions import Question
from report_writer.interview.store import save_answers
from report_writer.interview.tally import applicants, balance_text, left_to_assign, outcome_rows


class ApplicationQuestions(SessionBase):
    def ask_outcomes(self, q: Question) -> None:
        """The outcomes that occurred, picked by name, each with its count; what is left to assign
        is shown as the officer goes (C2, C3)."""
        self.intro(q)
        rows = outcome_rows(self.report)
        labels = {r.display: r for r in rows}
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

            def pick(text: str) -> Row:
                return self.resolve_outcome(text, labels)

            def check(text: str, left: int = left) -> str | None:
                if not text.strip():
                    return (
                        None
                        if left == 0
                        else "还有申请未归入办理结果：请选择一类办理结果（Tab 补全），或输入 /skip 稍后再填"
                    )
                try:
                    pick(text)
                except ValueError as exc:
                    return str(exc)
                return None

            try:
                answer = self.ask(
                    "? 下一类办理结果（Tab 补全，例如：信访举报投诉类申请）",
                    "",
                    check,
                    tuple(labels),
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
            row = pick(answer)
            try:
                self.ask_outcome_count(row, active)
            except Back:
                continue
            picked.append(row)
        self.save(q, {})

    def resolve_outcome(self, text: str, labels: dict[str, Row]) -> Row:
        """An outcome row by its official label, part of it, or its key (full-width and
        half-width brackets alike, spaces ignored)."""

        def plain(t: str) -> str:
            return "".join(normalize(t).split())

        typed = plain(text)
        for display, row in labels.items():
            if typed in (plain(display), plain(row.label), row.key):
                return row
        found = [row for display, row in labels.items() if typed in plain(display)]
        if len(found) == 1:
            return found[0]
        if found:
            names = "、".join(r.display for r in found[:3]) + ("等" if len(found) > 3 else "")
            raise ValueError(f"“{text.strip()}”可指：{names}，请再具体一些")
        raise ValueError(f"没有找到“{text.strip()}”这类办理结果，按 Tab 查看全部")

    def ask_outcome_count(self, row: Row, active: list[str]) -> None:
        v = self.report.figures.values
        left = left_to_assign(self.report)
        labels = {c.key: c.label for c in self.report.fmt.tables["applications"].columns}

        def current(c: str) -> int:
            return int(v[("applications", row.key, c)] or 0)

        # only the applicant types that still have requests to assign (or already hold some)
        columns = [c for c in active if current(c) + left[c] > 0] or active[:1]
        columns = columns or applicants(self.report)[:1]
        values: dict[str, Any] = {}
        for c in columns:
            most = max(current(c) + left[c], 0)
            text = (
                f"  → {row.display}  数量？"
                if len(columns) == 1
                else f"  → {row.display} · {labels[c]}？"
            )
            default = str(current(c)) if current(c) else ""

            def parse(t: str, most: int = most) -> int:
                n = int(parse_number("integer", t))
                if n > most:
                    raise ValueError(f"超出未归类的申请数：最多还能填{most}件")
                return n

            answer = self.ask(text, default, checked(parse, default))
            values[f"tables.applications.{row.key}.{c}"] = parse(answer)
        save_answers(self.ws, self.report.fmt, values, self.editor)
        self.reload()
