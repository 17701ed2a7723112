"""Interview layer: the state of one interview (the report, its questions, the progress, last
year's report, the phrasebank) and the asking all kinds of question share: one `ask` loop that
handles the commands, the toolbar, headings, defaults.

Must not import the modules of the kinds of question (scalars, lists, applications, phrases) or
the session; they build on this.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec.structs import asdict

from report_writer.errors import InputError, ReportWriterError
from report_writer.interview.help import help_text, preview_text, status_text
from report_writer.interview.prompt import (
    TOOLBAR_HINT,
    Ask,
    Back,
    Prompt,
    Quit,
    Say,
    Skip,
    validate,
)
from report_writer.interview.questions import Question, load_questions
from report_writer.interview.store import ReportEditor, load_progress, save_answers, save_progress
from report_writer.interview.tally import left_to_assign
from report_writer.model import Report
from report_writer.workspace import Workspace, load_report, open_workspace

if TYPE_CHECKING:
    from report_writer.phrasebank import Phrasebank

PREVIOUS_DIR = "previous"  # <workspace>/previous/report.yaml: last year's workspace


@cache
def _condition(expression: str, key: str) -> Callable[..., Any]:
    from jinja2 import ChainableUndefined
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined)
    try:
        return env.compile_expression(expression)
    except TemplateError as exc:
        raise InputError(f"问题“{key}”的条件“{expression}”有误：{exc}") from None


def _evaluate(expression: str, context: dict[str, Any], column: str | None, key: str) -> bool:
    try:
        return bool(_condition(expression, key)(**context, column=column))
    except TypeError:  # an unknown ("/") figure in the condition
        return False


def lookup(report: Report, key: str) -> Any:
    """The value of `key` in a report: meta.*, tables.*.*.*, phrases.*, or an answer."""
    head, _, rest = key.partition(".")
    if head == "meta":
        return getattr(report.meta, rest)
    if head == "tables":
        table, row, column = rest.split(".")
        return report.figures.values.get((table, row, column))
    if head == "phrases":
        return report.phrases.get(rest)
    group, _, name = key.partition(".")
    return report.answers.get(group, {}).get(name)


def said(value: Any) -> bool:
    """Whether an answer says something (not empty, not 0, not 否)."""
    return value not in (None, "", [], 0, False)


class SessionBase:
    """The state of one interview and the asking every kind of question shares."""

    def __init__(
        self,
        ws: Workspace,
        ask: Ask,
        say: Say,
        *,
        phrasebanks: Sequence[Path] = (),
        today: Callable[[], date] = date.today,
    ) -> None:
        self.ws = ws
        self.today = today
        self.revisiting = False  # a part asked again with --revisit
        self.phrasebanks = list(phrasebanks)
        self._ask = ask
        self.say = say
        self.report = load_report(ws)
        self.questions = load_questions(self.report.meta.format)
        self.progress = load_progress(ws)
        self.previous = self._load_previous()
        self.shown: tuple[str, str | None] | None = None  # the part and topic last announced
        self.current: Question | None = None
        self.prompted = False  # whether the question being run asked anything
        self._plan: list[Question] | None = None
        self.editor = ReportEditor(ws)
        self._bank: Phrasebank | None = None
        self._bank_failed = False

    # ---- state ---------------------------------------------------------------------------------

    def _load_previous(self) -> Report | None:
        folder = self.ws.path / PREVIOUS_DIR
        if not (folder / "report.yaml").is_file():
            return None
        try:
            return load_report(open_workspace(folder))
        except ReportWriterError as exc:
            self.say(f"  注意：上年度工作区无法读取，本次不以上年数据为默认值。{exc.message}")
            return None

    def plan(self) -> list[Question]:
        """The questions that apply to this report, in order (conditions over the answers)."""
        if self._plan is None:
            context = {
                **self.report.answers,
                "meta": asdict(self.report.meta),
                "tables": self.report.figures.as_dict(),
            }
            self._plan = [
                q
                for q in self.questions
                if q.when is None or _evaluate(q.when, context, q.column, q.key)
            ]
        return self._plan

    def answered(self, q: Question) -> bool:
        """Whether the question is done with: given (see `given`) and not waiting to be asked
        again by a --revisit left mid-way."""
        return q.key not in self.progress.revisit and self.given(q)

    def given(self, q: Question) -> bool:
        """Whether this year's answer to the question stands: answered or skipped, and no list
        left mid-way; 表三's outcomes only while they account for every application."""
        if q.key in self.progress.partial:
            return False
        if q.key in self.progress.skipped or q.key in self.progress.closed:
            return True
        if q.key in self.progress.done:
            return q.kind != "outcomes" or not any(left_to_assign(self.report).values())
        if q.kind in ("meta", "answer"):
            value = lookup(self.report, q.key)
            if q.type == "records" and q.field is not None and isinstance(value, list):
                # last year's problems written in by `init --from` wait for their progress
                keys = [f.key for f in q.field.fields]
                return all(isinstance(r, dict) and all(r.get(k) for k in keys) for r in value)
            return value is not None
        return False

    def reload(self) -> None:
        self.report = load_report(self.ws)
        self.questions = load_questions(self.report.meta.format)
        self._plan = None

    def save(
        self, q: Question, values: dict[str, Any], skipped: bool = False, partial: bool = False
    ) -> None:
        """Write the answer and the progress, then reload the report (totals, conditions)."""
        if values:
            save_answers(self.ws, self.report.fmt, values, self.editor)
        self.progress.mark(q.key, skipped, partial)
        save_progress(self.ws, self.progress)
        self.reload()

    # ---- asking --------------------------------------------------------------------------------

    def toolbar(self) -> str:
        """The part, the question's place in it and the way through the interview: counted over
        every question there is, so the count is known from the start and only moves forward
        (questions that turn out not to apply are passed over)."""
        q = self.current
        if q is None or q not in self.questions:
            return TOOLBAR_HINT
        in_part = [x for x in self.questions if x.part == q.part]
        position = in_part.index(q) + 1
        percent = self.questions.index(q) * 100 // len(self.questions)
        return f" {q.part.short} {position}/{len(in_part)} · 进度{percent}%    {TOOLBAR_HINT}"

    def ask(
        self,
        text: str,
        default: str = "",
        check: Callable[[str], str | None] | None = None,
        choices: tuple[str, ...] = (),
        prefill: str = "",
        marker: str = "> ",
        multiline: bool = False,
        options: tuple[str, ...] = (),
    ) -> str:
        """Ask until an acceptable answer is typed; commands are handled here. The answer is
        returned as typed, or the default when nothing was typed."""
        prompt = Prompt(
            text, default, choices, check, prefill, self.toolbar(), marker, multiline, options
        )
        self.prompted = True
        while True:
            try:
                answer = self._ask(prompt)
            except EOFError:
                raise Quit from None
            word = answer.strip()
            error = validate(prompt, answer)
            if error:
                self.say(f"  {error}")
                continue
            if word == "/back":
                raise Back
            if word == "/skip":
                raise Skip
            if word == "/quit":
                raise Quit
            if word == "/help":
                self.say(help_text(self.current))
            elif word == "/status":
                self.say(status_text(self.plan(), self.answered, self.progress.skipped))
            elif word == "/preview":
                self.say(preview_text(self.report, self.current, self.phrasebank()))
            else:
                return answer.strip() or default

    def announce(self, q: Question) -> None:
        where = (q.part.key, q.topic)
        if self.shown == where:
            return
        if self.shown is None or self.shown[0] != q.part.key or q.topic:
            heading = q.part.heading + (f" · {q.topic}" if q.topic else "")
            self.say(f"\n── {heading} ──")
        self.shown = where

    def example(self, q: Question) -> str | None:
        return q.example_for(self.report.meta.level)

    def intro(self, q: Question) -> None:
        if q.why:
            self.say(f"  {q.why}")

    def default_of(self, q: Question, key: str | None = None) -> Any:
        """The current answer; else last year's (when this year's is not yet answered)."""
        key = key or q.key
        current = lookup(self.report, key)
        if self.given(q) or self.previous is None:
            return current
        if q.kind == "cell" and q.previous:
            return lookup(self.previous, q.previous)
        if q.kind == "answer" and current is None:
            return lookup(self.previous, key)
        return current

    def say_choices(self, labels: list[str]) -> None:
        """Numbered choices, two a line."""
        from report_writer.interview.preview import clip

        cells = [clip(f"{i:>2} {label}", 36) for i, label in enumerate(labels, 1)]
        for i in range(0, len(cells), 2):
            self.say("  " + "".join(cells[i : i + 2]).rstrip())

    def topic_said(self, q: Question) -> bool:
        """Whether any question of q's part and topic asked before it has something to say."""
        plan = self.plan()
        before = plan[: plan.index(q)] if q in plan else plan
        keys = [
            key
            for x in before
            if x.part == q.part and x.topic == q.topic and x.kind not in ("phrase", "gate", "same")
            for key in (["tables." + ".".join(c) for c in x.cells] or [x.key])
        ]
        return any(said(lookup(self.report, k)) for k in keys if not k.startswith("flow."))

    def covered(self, q: Question) -> list[Question]:
        """The questions of the plan a gate stands for, in order."""
        return [x for x in self.plan() if x.key in q.covers]

    def phrasebank(self) -> Phrasebank | None:
        """The phrasebank layers for this report; None (said once) when they cannot be read."""
        if self._bank is None and not self._bank_failed:
            from report_writer.phrasebank import phrasebank_for

            try:
                self._bank = phrasebank_for(self.report, self.ws.path, self.phrasebanks)
            except ReportWriterError as exc:
                self._bank_failed = True
                self.say(f"  注意：表述库无法读取，本次不提供参考表述。{exc}")
        return self._bank
