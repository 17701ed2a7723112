"""Interview layer: the interview loop: one question at a time over one injectable `ask`.

`ask(prompt)` returns what the officer typed (an empty string takes the default shown) and raises
KeyboardInterrupt (Ctrl-C) or EOFError (Ctrl-D); `say(text)` shows a line. The terminal front end
(terminal.py) implements both with prompt_toolkit; tests pass plain functions. Every answer is in
report.yaml before the next question is asked. Each kind of question lives in its own module
(scalars, lists, applications, phrases) over the shared state of base.py.

Must not import build, check, render or anything above the interview layer.
"""

from __future__ import annotations

from report_writer.interview.applications import ApplicationQuestions
from report_writer.interview.gates import GateQuestions
from report_writer.interview.lists import ListQuestions
from report_writer.interview.phrases import PhraseQuestions
from report_writer.interview.prompt import Back, Quit, Skip
from report_writer.interview.questions import Question
from report_writer.interview.scalars import ScalarQuestions
from report_writer.interview.store import save_progress
from report_writer.interview.tables import TableQuestions


class Session(
    ScalarQuestions,
    ListQuestions,
    TableQuestions,
    GateQuestions,
    ApplicationQuestions,
    PhraseQuestions,
):
    """One interview: every kind of question, and the loop that asks them in order."""

    def run_question(self, q: Question) -> None:
        self.current = q
        self.announce(q)
        if q.kind == "row":
            self.ask_row(q)
        elif q.kind == "rows":
            self.ask_rows(q)
        elif q.kind == "gate":
            self.ask_gate(q)
        elif q.kind == "same":
            self.ask_same(q)
        elif q.kind == "applicants":
            self.ask_applicants(q)
        elif q.kind == "outcomes":
            self.ask_outcomes(q)
        elif q.kind == "phrase":
            self.ask_phrase(q)
        elif q.type == "list":
            self.ask_list(q)
        elif q.type == "records":
            self.ask_records(q)
        else:
            self.ask_scalar(q)

    def first_open(self, start: int = 0) -> int:
        plan = self.plan()
        for i in range(start, len(plan)):
            if not self.answered(plan[i]):
                return i
        return len(plan)

    def run(self, revisit: str | None = None) -> str:
        """Ask until every question is answered; "finished", "quit" or "interrupted". With
        `revisit` (a part number), that part is asked again first, then whatever is still open."""
        plan = self.plan()
        if revisit:
            index = next(i for i, q in enumerate(plan) if q.part.number == revisit)
            again = [q.key for q in plan if q.part.number == revisit]
            self.progress.revisit = [k for k in self.progress.revisit if k not in again] + again
            save_progress(self.ws, self.progress)
        else:
            index = self.first_open()
            if index >= len(plan):
                self.say(
                    "所有问题都已回答。要修改某一部分的答案，请加 --revisit 一至六重新询问该部分。"
                )
        self.revisiting = revisit is not None
        backwards = False  # after /back, questions that ask nothing are passed on the way back
        try:
            while True:
                plan = self.plan()
                if index >= len(plan):
                    if self.progress.revisit:  # questions no longer asked (their `when`)
                        self.progress.revisit = []
                        save_progress(self.ws, self.progress)
                    return "finished"
                q = plan[index]
                if q.key in self.progress.closed:  # a gate said there is nothing to ask
                    index = index - 1 if backwards and index > 0 else index + 1
                    backwards = backwards and index > 0
                    continue
                self.prompted = False
                try:
                    self.run_question(q)
                    if backwards and not self.prompted and index > 0:
                        index -= 1
                        continue
                except Back:
                    index = max(index - 1, 0)
                    backwards = True
                    continue
                except Skip:
                    self.save(q, {}, skipped=True)
                    self.say("  已跳过。")
                backwards = False
                # a revisit asks its part through; otherwise the next open question
                index = index + 1 if self.revisiting else self.first_open(index + 1)
                plan = self.plan()
                if self.revisiting and (index >= len(plan) or plan[index].part != q.part):
                    self.revisiting = False
                    index = self.first_open()
        except Quit:
            return "quit"
        except KeyboardInterrupt:
            return "interrupted"
