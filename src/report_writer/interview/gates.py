"""Interview layer: questions that stand for others. A gate asks which of its questions have
something to say this year (one Enter when nothing does); the rest are closed, not asked, and
left out of the draft (or 0 where the gate says so). A `same` question offers last year's answers
to its questions as a whole (「与上年相同吗？」): yes takes them over, no asks them one by one with
last year's as defaults.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from typing import Any

from report_writer.answers import Field
from report_writer.interview.base import SessionBase, lookup, said
from report_writer.interview.parse import YES_NO, parse_multichoice, parse_scalar, show
from report_writer.interview.prompt import checked
from report_writer.interview.questions import Question
from report_writer.interview.store import save_progress


class GateQuestions(SessionBase):
    def label_of(self, q: Question) -> str:
        return q.field.label if q.field is not None else q.prompt.rstrip("？?")

    def ask_gate(self, q: Question) -> None:
        """Which of the covered questions to ask. With one left it is simply asked; the covered
        phrase is closed when none is chosen."""
        covered = self.covered(q)
        phrases = [x for x in covered if x.kind == "phrase"]
        open_ = [
            x
            for x in covered
            if x.kind != "phrase" and (x.key in self.progress.closed or not self.answered(x))
        ]
        if len(open_) <= 1:
            self.save(q, {})
            return
        labels = [self.label_of(x) for x in open_]
        given = [
            str(i)
            for i, x in enumerate(open_, 1)
            if said(lookup(self.report, x.key))
            or (self.previous is not None and said(lookup(self.previous, x.key)))
        ]
        default = " ".join(given)
        choice = Field(q.key, "multichoice", q.prompt, choices=tuple(_choices(labels)))
        self.intro(q)
        self.say_choices(labels)
        answer = self.ask(
            f"? {q.prompt}（输入编号，用空格分开，如 1 3；都没有直接回车）",
            default,
            checked(lambda t: parse_multichoice(choice, t), default, optional=True),
            tuple(labels),
        )
        picked = (
            {open_[int(k) - 1].key for k in parse_multichoice(choice, answer)} if answer else set()
        )
        closed = [x for x in open_ if x.key not in picked]
        if not picked:
            closed += phrases
        values = {x.key: (0 if x.key in q.zero else None) for x in closed if x.kind == "answer"}
        if values:
            self.save(q, values)
        self.progress.reopen([x.key for x in open_ if x.key in picked] + [x.key for x in phrases])
        self.progress.close([x.key for x in closed])
        self.save(q, {})
        if picked:
            self.say(
                f"  接下来填写：{'、'.join(self.label_of(x) for x in open_ if x.key in picked)}。"
            )

    def ask_same(self, q: Question) -> None:
        """Last year's answers to the covered questions, taken over as a whole or not."""
        previous = self.previous
        # every question it covers, whether or not its condition holds yet
        covered = [x for x in self.questions if x.key in q.covers and not self.answered(x)]
        known = [x for x in covered if previous is not None and said(lookup(previous, x.key))]
        if previous is None or not [x for x in known if x.kind != "phrase"]:
            self.save(q, {})
            return
        for x in known:
            if x.kind != "phrase":
                self.say(f"  上年 · {self.label_of(x)}：{_shown(x, lookup(previous, x.key))}")
        answer = self.ask(
            f"? {q.prompt}（是/否）",
            "是",
            checked(lambda t: parse_scalar(YES_NO, t), "是"),
            ("是", "否"),
        )
        if not parse_scalar(YES_NO, answer):
            self.save(q, {})
            self.say("  请逐项填写，方括号中是上年的答案。")
            return
        self.save(q, {x.key: lookup(previous, x.key) for x in known})
        for x in covered:  # what was empty last year stays empty
            self.progress.mark(x.key)
        save_progress(self.ws, self.progress)
        self.say("  已沿用上年的答案。")


def _choices(labels: list[str]) -> list[Any]:
    from report_writer.answers import Choice

    return [Choice(str(i), label) for i, label in enumerate(labels, 1)]


def _shown(q: Question, value: Any) -> str:
    if isinstance(value, list):
        return "；".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return show(q.field, value)
