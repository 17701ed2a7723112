"""The interview loop: one question at a time over one injectable `ask` function.

`ask(prompt)` returns what the officer typed (an empty string takes the default shown) and raises
KeyboardInterrupt (Ctrl-C) or EOFError (Ctrl-D); `say(text)` shows a line. The terminal front end
(terminal.py) implements both with prompt_toolkit; tests pass plain functions. Every answer is in
report.yaml before the next question is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field
from msgspec.structs import asdict, replace

from report_writer.answers import Field, load_schema
from report_writer.errors import InputError, ReportWriterError
from report_writer.formats.checks import fmt_number
from report_writer.formats.spec import Row
from report_writer.interview.parse import (
    check_characters,
    is_count_records,
    normalize,
    parse_item,
    parse_number,
    parse_numbers,
    parse_record,
    parse_scalar,
    show,
)
from report_writer.interview.questions import Question, load_questions
from report_writer.interview.store import (
    ReportEditor,
    add_phrasebank,
    load_progress,
    save_answers,
    save_progress,
)
from report_writer.model import Report
from report_writer.workspace import Workspace, load_report, open_workspace

if TYPE_CHECKING:
    from report_writer.check import CheckResult
    from report_writer.phrasebank import Phrase, Phrasebank

COMMANDS = {
    "/back": "回到上一题",
    "/skip": "跳过本题，以后可用 --revisit 补填",
    "/help": "显示本题说明和可用命令",
    "/preview": "预览本部分写成报告的样子",
    "/status": "查看还有哪些问题未回答",
    "/quit": "保存并退出（Ctrl-C、Ctrl-D 也会保存并退出）",
}
TOOLBAR_HINT = "/back 上一题 · /preview 预览 · /quit 保存退出"
CLEAR_WORDS = ("无", "-", "－")  # typed as the first line of a list: no items (clears it)
MULTICHOICE_HOW = "输入编号，用空格分开，如 1 3；都没有请输入 无"
HOW_TO_ANSWER = {  # for /help, by the question's type
    "multichoice": MULTICHOICE_HOW,
    "list": "每行一项，空行结束；已有内容时直接回车保留，第一行输入“无”或“-”清空",
    "records": "每行一条，空行结束；已有内容时直接回车保留，第一行输入“无”或“-”清空",
    "choice": "输入选项的名称或编号，按 Tab 可补全",
    "yes_no": "输入“是”或“否”",
}
PICK_PROMPT = "选用第几句"
TEAM_FOLDER = "表述库"  # the workspace's own phrasebank folder for edited phrases
PREVIOUS_DIR = "previous"  # <workspace>/previous/report.yaml: last year's workspace


class Prompt(Struct, frozen=True):
    """One input line: the question, the default taken by an empty answer, the choices offered
    for Tab completion, the in-place validation, text placed in the line for editing, the
    bottom toolbar and the input marker."""

    text: str
    default: str = ""
    choices: tuple[str, ...] = ()
    check: Callable[[str], str | None] | None = None
    prefill: str = ""
    toolbar: str = ""
    marker: str = "> "  # where the input starts; lines of a list are numbered (「2> 」)


Ask = Callable[[Prompt], str]
Say = Callable[[str], None]


def validate(prompt: Prompt, text: str) -> str | None:
    """The message shown under the input, or None when it can be accepted (commands included)."""
    word = text.strip()
    if word.startswith("/"):
        if word in COMMANDS:
            return None
        return f"没有“{word}”这个命令，可用：{' '.join(COMMANDS)}"
    return prompt.check(text) if prompt.check else None


class _Back(Exception):
    pass


class _Skip(Exception):
    pass


class _Quit(Exception):
    pass


class Result(Struct):
    """How the interview ended: finished (checked and built), quit (/quit, Ctrl-D) or
    interrupted (Ctrl-C); the workspace is None when it was never created. When finished: the
    check, the files written, the build's notes, and the part to name in the closing hint
    ("" for none in particular) with the reason."""

    status: str
    workspace: Workspace | None
    check: CheckResult | None = None
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revisit: tuple[str, str] = ("", "")


def _checked(
    check: Callable[[str], Any], default: str, optional: bool = False
) -> Callable[[str], str | None]:
    """A validation from a parser: the parser's ValueError message, or None."""

    def run(text: str) -> str | None:
        value = text.strip() or default
        if not value:
            return None if optional else "请输入内容，或输入 /skip 跳过"
        try:
            check(value)
        except ValueError as exc:
            return str(exc)
        return None

    return run


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


def _lookup(report: Report, key: str) -> Any:
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


class Session:
    def __init__(
        self, ws: Workspace, ask: Ask, say: Say, *, phrasebanks: Sequence[Path] = ()
    ) -> None:
        self.ws = ws
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
        self.typing: tuple[str, list[Any]] | None = None  # a list being typed: key, lines so far
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
        if q.key in self.progress.skipped:
            return True
        if q.key in self.progress.done:
            return q.kind != "outcomes" or not any(self.left_to_assign().values())
        if q.kind in ("meta", "answer"):
            return _lookup(self.report, q.key) is not None
        return False

    def reload(self) -> None:
        self.report = load_report(self.ws)
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
        q = self.current
        if q is None:
            return TOOLBAR_HINT
        plan = self.plan()
        in_part = [x for x in plan if x.part == q.part]
        position = in_part.index(q) + 1 if q in in_part else len(in_part)
        done = sum(1 for x in plan if self.answered(x))
        percent = done * 100 // max(len(plan), 1)
        return f" {q.part.short} {position}/{len(in_part)} · 已完成{percent}%    {TOOLBAR_HINT}"

    def ask(
        self,
        text: str,
        default: str = "",
        check: Callable[[str], str | None] | None = None,
        choices: tuple[str, ...] = (),
        prefill: str = "",
        marker: str = "> ",
    ) -> str:
        """Ask until an acceptable answer is typed; commands are handled here. The answer is
        returned as typed, or the default when nothing was typed."""
        prompt = Prompt(text, default, choices, check, prefill, self.toolbar(), marker)
        self.prompted = True
        while True:
            try:
                answer = self._ask(prompt)
            except EOFError:
                raise _Quit from None
            word = answer.strip()
            error = validate(prompt, answer)
            if error:
                self.say(f"  {error}")
                continue
            if word == "/back":
                raise _Back
            if word == "/skip":
                raise _Skip
            if word == "/quit":
                raise _Quit
            if word == "/help":
                self.say(self.help_text())
            elif word == "/status":
                self.say(self.status_text())
            elif word == "/preview":
                self.say(self.preview_text())
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

    def replacing(self, q: Question) -> bool:
        """Whether what is typed for a list question replaces this year's answer to it (not
        last year's, offered as a default; not a list left mid-way, which is continued)."""
        return q.key not in self.progress.partial and bool(_lookup(self.report, q.key))

    def default_of(self, q: Question, key: str | None = None) -> Any:
        """The current answer; else last year's (when this year's is not yet answered)."""
        key = key or q.key
        current = _lookup(self.report, key)
        if self.given(q) or self.previous is None:
            return current
        if q.kind == "cell" and q.previous:
            return _lookup(self.previous, q.previous)
        if q.kind == "answer" and current is None:
            return _lookup(self.previous, key)
        return current

    def run_question(self, q: Question) -> None:
        self.current = q
        self.announce(q)
        if q.kind == "row":
            self.ask_row(q)
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
        if q.kind == "cell":
            kind = q.type
            default = show(None, self.default_of(q))
            limit = self.cell_limit(q)

            def parse(text: str) -> Any:
                value = parse_number(kind, text)
                if limit is not None and value > limit[0]:
                    raise ValueError(limit[1])
                return value

            answer = self.ask(f"? {q.prompt}", default, _checked(parse, default))
            self.save(q, {q.key: parse(answer)})
            self.say_row_total(q)
            return
        f = q.field
        assert f is not None
        if f.type == "multichoice":
            from report_writer.interview.preview import clip

            cells = [clip(f"{i:>2} {c.label}", 36) for i, c in enumerate(f.choices, 1)]
            for i in range(0, len(cells), 2):
                self.say("  " + "".join(cells[i : i + 2]).rstrip())
        elif self.example(q):
            self.say(f"  例：{self.example(q)}")
        default = show(f, self.default_of(q))
        choices = tuple(c.label for c in f.choices) or (("是", "否") if f.type == "yes_no" else ())
        answer = self.ask(
            self._scalar_text(q, f),
            default,
            _checked(lambda t: parse_scalar(f, t), default, optional=True),
            choices,
        )
        if not answer:
            self.save(q, {})
            return
        value = parse_scalar(f, answer)
        self.save(q, {q.key: value})
        if f.type == "multichoice":
            chosen = "、".join(f.choice_label(k) for k in value) or "无"
            self.say(f"  已选：{chosen}。")

    def ask_lines(
        self, q: Question, parse: Callable[[str], Any], current: list[Any], shown: list[str]
    ) -> list[Any] | None:
        """Items typed one a line, an empty line ends. With current items (`shown` as typed), an
        empty first line keeps them (None is returned), 无 clears them and a typed line starts
        the list afresh; a list left mid-way last time is continued after its saved lines. The
        lines typed so far are saved when the officer leaves (Ctrl-C, /quit) mid-list, and on
        /back unless they would replace this year's answer (see `replacing`)."""
        if self.example(q):
            self.say(f"  例：{self.example(q)}")
        items: list[Any] = []
        replacing = self.replacing(q)
        if q.key in self.progress.partial and current:
            items = list(current)
            self.say(f"  上次已填写并保存：{'；'.join(shown)}。请接着填写，空行结束。")
        elif current:
            self.say(f"  现有：{'；'.join(shown)}。直接回车保留，输入“无”清空，或逐行重新填写。")
        text = f"? {q.prompt}"
        typed = False
        while True:
            marker = f"{len(items) + 1}> "  # the line number: how many were typed so far

            def check(t: str, first: bool = not typed) -> str | None:
                if first and normalize(t) in CLEAR_WORDS:
                    return None
                return _checked(parse, "", optional=True)(t)

            self.typing = (q.key, items) if typed else None
            try:
                answer = self.ask(text, "", check, marker=marker)
            except (KeyboardInterrupt, _Quit):  # leaving mid-list keeps its lines
                if typed:
                    self.save(q, {q.key: items}, partial=True)
                raise
            except _Back:
                if typed and replacing:  # going back does not replace the list with a part
                    self.say(f"  刚输入的{len(items)}行未保存，本题保留原有答案。")
                elif typed:  # a list being filled keeps its lines, as on leaving
                    self.save(q, {q.key: items}, partial=True)
                raise
            finally:
                self.typing = None
            text = ""
            if not typed and normalize(answer) in CLEAR_WORDS:
                return []
            if not answer:
                return None if current and not typed else items
            typed = True
            items.append(parse(answer))

    def ask_list(self, q: Question) -> None:
        self.intro(q)
        current = self.default_of(q) or []
        items = self.ask_lines(q, parse_item, current, current)
        if items is None:
            items = current
        self.save(q, {q.key: items})
        self.say(f"  已记录 {len(items)} {q.unit or '项'}。" if items else "  未填写。")

    def ask_records(self, q: Question) -> None:
        f = q.field
        assert f is not None
        self.intro(q)
        current: list[dict[str, Any]] = self.default_of(q) or []
        if not is_count_records(f):
            self.ask_text_records(q, f, current)
            return
        name, count = (s.key for s in f.fields)
        shown = [f"{r.get(name)} {r.get(count)}" for r in current]
        records = self.ask_lines(q, lambda t: parse_record(f, t), current, shown)
        if records is None:
            records = current
        self.save(q, {q.key: records})
        total = sum(r.get(count) or 0 for r in records)
        unit = q.unit or "项"
        self.say(f"  已记录 {len(records)} {unit}，共 {total} 条。" if records else "  未填写。")

    def ask_text_records(self, q: Question, f: Field, current: list[dict[str, Any]]) -> None:
        """Records of text fields (last year's problem and its progress): the known ones are gone
        through one by one, then new ones are typed until an empty line."""
        first, *rest = f.fields
        known = current or self.last_year_problems(first.key)
        if q.key in self.progress.partial:  # left mid-way: what was saved, then the rest
            given = {r.get(first.key) for r in current}
            known = current + [
                r for r in self.last_year_problems(first.key) if r[first.key] not in given
            ]
        self.say(f"  {q.prompt}")
        records: list[dict[str, Any]] = []
        self.typing = (q.key, records)
        replacing = self.replacing(q)
        try:
            self._text_records(first, rest, known, records)
        except (KeyboardInterrupt, _Quit):
            if records:
                self.save(q, {q.key: records}, partial=True)
            raise
        except _Back:  # as in ask_lines: kept unless it would replace this year's answer
            if records and replacing:
                self.say(f"  刚填写的{len(records)}条未保存，本题保留原有答案。")
            elif records:
                self.save(q, {q.key: records}, partial=True)
            raise
        finally:
            self.typing = None
        self.save(q, {q.key: records})
        self.say(f"  已记录 {len(records)} 条。" if records else "  未填写。")

    def _text_records(
        self,
        first: Field,
        rest: list[Field],
        known: list[dict[str, Any]],
        records: list[dict[str, Any]],
    ) -> None:
        """Go through the known records, then take new ones, appending to `records`."""
        for record in known:
            self.say(f"  {first.label}：{record.get(first.key)}")
            entry = {first.key: record.get(first.key)}
            for sub in rest:
                default = str(record.get(sub.key) or "")
                answer = self.ask(
                    f"? {sub.label}？（不写这一条请输入 无）",
                    default,
                    _checked(parse_item, default),
                )
                if answer in ("无", "没有"):
                    break
                entry[sub.key] = answer
            else:
                records.append(entry)
        more = f"还有其他{first.label}吗？" if known else f"请填写{first.label}"
        while True:
            head = self.ask(
                f"? {more}（一条一行，空行结束）", "", _checked(parse_item, "", optional=True)
            )
            more = f"下一条{first.label}"
            if not head:
                break
            entry = {first.key: head}
            for sub in rest:
                entry[sub.key] = self.ask(f"? {sub.label}？", "", _checked(parse_item, ""))
            records.append(entry)

    def last_year_problems(self, key: str) -> list[dict[str, Any]]:
        """Last year's problems, as records to report progress on."""
        if self.previous is None:
            return []
        problems = self.previous.answers.get("problems", {})

        selected = load_schema().field("problems.selected")
        texts = [selected.choice_label(k) for k in problems.get("selected", [])]
        texts += problems.get("other", [])
        return [{key: t} for t in texts]

    def ask_row(self, q: Question) -> None:
        """All leaf cells of a table row, typed on one line."""
        self.intro(q)
        values = [self.default_of(q, "tables." + ".".join(c)) for c in q.cells]
        default = " ".join(show(None, v) for v in values)
        answer = self.ask(
            f"? {q.prompt}", default, _checked(lambda t: parse_numbers(t, len(q.cells)), default)
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
        """After the last figure of a row asked cell by cell, its derived total (「本年新收共13件」)."""
        table, row_key, column = q.cells[0]
        row = self.report.fmt.tables[table].row(row_key)
        leaves = [c for c in row.columns if not c.derived]
        totals = [c for c in row.columns if c.derived]
        if q.column is None or column != leaves[-1].key or not totals:
            return
        value = fmt_number(self.report.figures.value(table, row_key, totals[0].key))
        self.say(f"  {row.short or row.label}共 {value} 件。")

    # ---- 表三 ----------------------------------------------------------------------------------

    def cell_limit(self, q: Question) -> tuple[int, str] | None:
        """结转下年度 cannot exceed what there was to handle in its column."""
        table, row, column = q.cells[0]
        if (table, row) != ("applications", "carried_forward"):
            return None
        values = self.report.figures.values
        most = (values[(table, "new", column)] or 0) + (
            values[(table, "carried_over", column)] or 0
        )
        return int(most), f"结转下年度的申请不能多于新收与上年结转之和（{most}件）"

    def applicants(self) -> list[str]:
        spec = self.report.fmt.tables["applications"]
        return [c.key for c in spec.columns if not c.derived]

    def outcome_rows(self) -> list[Row]:
        spec = self.report.fmt.tables["applications"]
        return [r for r in spec.rows if r.groups and not r.derived]

    def left_to_assign(self) -> dict[str, int]:
        """Per applicant column: new + carried over − carried forward − outcomes assigned."""
        v = self.report.figures.values
        left = {}
        for c in self.applicants():
            total = sum(v[("applications", r, c)] or 0 for r in ("new", "carried_over"))
            assigned = sum(v[("applications", r.key, c)] or 0 for r in self.outcome_rows())
            left[c] = int(total - (v[("applications", "carried_forward", c)] or 0) - assigned)
        return left

    def balance_text(self) -> str:
        v = self.report.figures.values
        new = v[("applications", "new", "total")] or 0
        over = v[("applications", "carried_over", "total")] or 0
        forward = v[("applications", "carried_forward", "total")] or 0
        assigned = v[("applications", "handled_total", "total")] or 0
        by_column = self.left_to_assign()
        left = sum(by_column.values())
        sums = f"新收{new}＋上年结转{over}"
        if forward:
            sums += f"－结转下年度{forward}"
        sums += f"＝{new + over - forward}，已归类{assigned}"
        if left > 0:
            text = f"  还有 {left} 件申请未归入办理结果（{sums}）。"
        elif left < 0:
            text = f"  办理结果比申请多 {-left} 件（{sums}），请修改多填的办理结果。"
        else:
            text = "  办理结果总数与申请数一致，但各类申请人之间不一致。"
        off = {c: n for c, n in by_column.items() if n}
        if len(off) > 1 or left == 0:
            spec = self.report.fmt.tables["applications"]
            text += (
                "其中"
                + "，".join(
                    f"{spec.column(c).label}{'还差' if n > 0 else '多了'}{abs(n)}件"
                    for c, n in off.items()
                )
                + "。"
            )
        return text

    def ask_outcomes(self, q: Question) -> None:
        """The outcomes that occurred, picked by name, each with its count; what is left to assign
        is shown as the officer goes (C2, C3)."""
        self.intro(q)
        rows = self.outcome_rows()
        labels = {r.display: r for r in rows}
        v = self.report.figures.values
        active = [
            c
            for c in self.applicants()
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
            left = sum(abs(n) for n in self.left_to_assign().values())
            if left == 0 and (picked or not assigned):
                self.say("  ✓ 办理结果与申请数一致。")
                break
            if left:
                self.say(self.balance_text())

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
            except _Back:
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
            except _Back:
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
        left = self.left_to_assign()
        labels = {c.key: c.label for c in self.report.fmt.tables["applications"].columns}

        def current(c: str) -> int:
            return int(v[("applications", row.key, c)] or 0)

        # only the applicant types that still have requests to assign (or already hold some)
        columns = [c for c in active if current(c) + left[c] > 0] or active[:1]
        columns = columns or self.applicants()[:1]
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

            answer = self.ask(text, default, _checked(parse, default))
            values[f"tables.applications.{row.key}.{c}"] = parse(answer)
        save_answers(self.ws, self.report.fmt, values, self.editor)
        self.reload()

    # ---- phrases -------------------------------------------------------------------------------

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

    def ask_phrase(self, q: Question) -> None:
        """Up to three sentences rendered with the answers so far: pick one, edit one, or skip."""
        from report_writer.narrative import suggestions

        bank = self.phrasebank()
        try:
            options = suggestions(self.report, bank, q.slot) if bank else []
        except ReportWriterError as exc:
            self.say(f"  暂不能提供参考表述：{exc}")
            options = []
        if not options:
            self.save(q, {})
            return
        self.intro(q)
        self.say(f"  {q.prompt}：")
        for i, (_, text) in enumerate(options, 1):
            self.say(f"  {i} {text}")
        recorded = self.report.phrases.get(q.slot)
        default = next((str(i) for i, (ph, _) in enumerate(options, 1) if ph.id == recorded), "1")
        hint = f"? {PICK_PROMPT}（输入编号；e{default} 修改这句；s 跳过，由初稿自动选用）"
        numbers = [str(i) for i in range(1, len(options) + 1)]
        allowed = [*numbers, *(f"e{n}" for n in numbers), "s"]

        def check(text: str) -> str | None:
            word = normalize(text).lower() or default
            if word in allowed:
                return None
            return f"请输入{'、'.join(numbers)}选用，e加编号修改（如 e1），或 s 跳过"

        answer = normalize(self.ask(hint, default, check, tuple(allowed))).lower()
        if answer == "s":
            self.save(q, {q.key: None})
            return
        phrase, text = options[int(answer.lstrip("e")) - 1]
        if answer.startswith("e"):
            phrase_id = self.edit_phrase(q, phrase, text)
            if phrase_id is not None:
                self.save(q, {q.key: phrase_id})
                return
        self.save(q, {q.key: phrase.id})

    def edit_phrase(self, q: Question, phrase: Phrase, text: str) -> str | None:
        """The edited sentence saved into a team phrasebank folder, its figures and names turned
        back into placeholders (reusable.py); its id, or None when the officer keeps it out of
        the phrasebank (the pick then stands)."""
        from report_writer.interview.reusable import reusable
        from report_writer.narrative import vocabulary
        from report_writer.phrasebank import add_phrase

        edited = self.ask(
            "? 修改这句话，回车确认：", "", _checked(check_characters, ""), prefill=text
        )
        folder = self.team_folder()
        keep = self.ask(
            f"? 把改好的这句话存入团队表述库（文件夹 {self.ws.path / folder}），"
            "以后的报告也可选用吗？（是/否）",
            "是",
            _checked(lambda t: parse_scalar(Field("", "yes_no", ""), t), "是"),
            ("是", "否"),
        )
        if not parse_scalar(Field("", "yes_no", ""), keep):
            self.say("  未存入表述库：初稿生成后，可在 draft.md 中直接修改这句话。")
            return None
        template = reusable(edited, self.report, phrase)
        try:
            added = add_phrase(vocabulary(), self.ws.path / folder, q.slot, template.text)
        except ReportWriterError as exc:
            self.say(
                f"  未能存入表述库：{exc}\n  本报告仍选用原句，初稿生成后可在 draft.md 中修改。"
            )
            return None
        if folder not in self.report.phrasebanks and Path(folder) not in self.phrasebanks:
            add_phrasebank(self.ws, folder)
        self._bank = None
        self.say(f"  已存入 {added.file}（编号 {added.id}），本报告选用这句话。")
        if template.literal:
            figures = "、".join(f"“{figure}”（{why}）" for figure, why in template.literal)
            self.say(
                f"  注意：以下数字未能对应到答案，按原样存入，答案改变时不会随之更新：{figures}。"
                f"如需改为随答案变化，请修改 {added.file} 中的这句话。"
            )
        return added.id

    def team_folder(self) -> str:
        """Where edited phrases go: the first team folder in use, else 表述库 in the workspace."""
        if self.phrasebanks:
            return str(self.phrasebanks[0])
        if self.report.phrasebanks:
            return self.report.phrasebanks[0]
        return TEAM_FOLDER

    # ---- commands ------------------------------------------------------------------------------

    def help_text(self) -> str:
        lines = ["  可用命令："]
        lines += [f"    {name:<9}{text}" for name, text in COMMANDS.items()]
        q = self.current
        if q is not None:
            by_field = q.field is not None and q.type == "records" and not is_count_records(q.field)
            how = None if by_field else HOW_TO_ANSWER.get(q.type)
            if how:
                lines.insert(0, f"  填写方法：{how}。")
            if q.help:
                lines.insert(0, f"  {q.help}")
            if q.field is not None and q.kind == "answer":
                lines.insert(0, f"  本题填写：{q.field.label}（report.yaml 中的 answers.{q.key}）")
        lines.append("  直接回车采用方括号中的默认值。")
        return "\n".join(lines)

    def status_text(self) -> str:
        plan = self.plan()
        lines = []
        for part in dict.fromkeys(x.part for x in plan):
            questions = [x for x in plan if x.part == part]
            left = [x for x in questions if not self.answered(x)]
            skipped = [x for x in questions if x.key in self.progress.skipped]
            state = f"还有 {len(left)} 题" if left else "已完成"
            if skipped:
                state += f"（已跳过 {len(skipped)} 题：{'、'.join(x.prompt.rstrip('？?') for x in skipped[:3])}）"
            lines.append(f"  {part.heading}：{state}")
        done = sum(1 for x in plan if self.answered(x))
        lines.append(f"  共 {len(plan)} 题，已回答 {done} 题。")
        return "\n".join(lines)

    def preview_text(self) -> str:
        """The current part as the draft would print it now, with the lines of a list being
        typed."""
        from report_writer.document import build_document
        from report_writer.interview.preview import render_section
        from report_writer.narrative import build_narrative

        q = self.current
        if q is None or q.part.number is None:
            return f"  标题：{self.report.meta.title}"
        bank = self.phrasebank()
        if bank is None:
            return "  表述库无法读取，暂不能预览。"
        report = self.report
        if self.typing and self.typing[1]:  # the lines of the list typed so far
            key, lines = self.typing
            group, name = key.split(".")
            answers = {**report.answers, group: {**report.answers.get(group, {}), name: lines}}
            report = replace(report, answers=answers)
        try:
            doc = build_document(report, build_narrative(report, bank))
        except ReportWriterError as exc:
            return f"  暂不能预览：{exc}"
        return render_section(doc.section(q.part.number))

    # ---- the loop ------------------------------------------------------------------------------

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
        revisiting = revisit is not None
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
                self.prompted = False
                try:
                    self.run_question(q)
                    if backwards and not self.prompted and index > 0:
                        index -= 1
                        continue
                except _Back:
                    index = max(index - 1, 0)
                    backwards = True
                    continue
                except _Skip:
                    self.save(q, {}, skipped=True)
                    self.say("  已跳过。")
                backwards = False
                # a revisit asks its part through; otherwise the next open question
                index = index + 1 if revisiting else self.first_open(index + 1)
                plan = self.plan()
                if revisiting and (index >= len(plan) or plan[index].part != q.part):
                    revisiting = False
                    index = self.first_open()
        except _Quit:
            return "quit"
        except KeyboardInterrupt:
            return "interrupted"
