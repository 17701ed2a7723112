"""Interview layer: questions answered as a list of lines in one multi-line answer: plain items,
「名称 数量」 records, and records of text fields written 「问题：整改情况」 (last year's problems
and their progress). Lines typed before Ctrl-C are kept.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from report_writer.answers import Field, load_schema
from report_writer.interview.base import SessionBase
from report_writer.interview.parse import is_count_records, normalize, parse_item, parse_record
from report_writer.interview.prompt import Interrupted
from report_writer.interview.questions import Question

CLEAR_WORDS = ("无", "-", "－")  # typed as the only line of a list: no items (clears it)
COLONS = ("：", ":")


def lines_of(text: str) -> list[tuple[int, str]]:
    """(line number, text) of each line that is not blank."""
    return [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]


def parse_lines(text: str, parse: Callable[[str], Any]) -> list[Any]:
    """Every line parsed; ValueError names the first line that is refused."""
    items = []
    for number, line in lines_of(text):
        try:
            items.append(parse(line))
        except ValueError as exc:
            raise ValueError(f"第{number}行：{exc}") from None
    return items


def parse_some(text: str, parse: Callable[[str], Any]) -> list[Any]:
    """The lines that can be taken (what is kept when the officer leaves mid-list)."""
    items = []
    for _, line in lines_of(text):
        try:
            items.append(parse(line))
        except ValueError:
            continue
    return items


class ListQuestions(SessionBase):
    def ask_lines(
        self,
        q: Question,
        parse: Callable[[str], Any],
        current: list[Any],
        shown: list[str],
        prefill: str = "",
    ) -> list[Any] | None:
        """Items typed one a line in one answer. With current items (`shown` as typed), an empty
        answer keeps them (None is returned), 无 clears them and typed lines replace them; a list
        left mid-way last time is continued after its saved lines (placed in the answer for
        editing). Lines typed before Ctrl-C are saved, and asked again next time."""
        if self.example(q):
            self.say(f"  例：{self.example(q)}")
        partial = q.key in self.progress.partial and bool(current)
        if partial:
            self.say("  上次已填写并保存的几行已放在下面，请接着填写。")
            prefill = "\n".join(shown) + "\n"
        elif current:
            self.say(f"  现有：{'；'.join(shown)}。直接回车保留，输入“无”清空，或逐行重新填写。")

        def check(text: str) -> str | None:
            if normalize(text) in CLEAR_WORDS:
                return None
            try:
                parse_lines(text, parse)
            except ValueError as exc:
                return str(exc)
            return None

        try:
            answer = self.ask(f"? {q.prompt}", "", check, prefill=prefill, multiline=True)
        except Interrupted as exc:  # Ctrl-C mid-list keeps the lines typed
            items = parse_some(exc.text, parse)
            if items:
                self.save(q, {q.key: items}, partial=True)
            raise
        if normalize(answer) in CLEAR_WORDS:
            return []
        if not answer.strip():
            return None if current and not partial else []
        return parse_lines(answer, parse)

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
        """Records of two text fields (last year's problem and its progress), one a line as
        「问题：整改情况」. The known problems (this year's answer, else last year's list) are
        placed in the answer, each followed by 「：」 for its progress to be written after it."""
        first, second = f.fields[0], f.fields[1]
        known = current or self.last_year_problems(first.key)
        shown = [f"{r[first.key]}：{r.get(second.key) or ''}" for r in known]
        complete = all(r.get(second.key) for r in known)
        prefill = "" if complete else "\n".join(shown)
        self.say(
            f"  {q.prompt}每行一条，写作“{first.label}：{second.label}”"
            + (
                "；上年的问题已列出，请在“：”后写整改情况，不写的一条删去即可。"
                if prefill
                else "。"
            )
        )

        def parse(line: str) -> dict[str, Any]:
            head, colon, tail = next(
                (line.partition(c) for c in COLONS if c in line), (line, "", "")
            )
            if not colon or not tail.strip():
                raise ValueError(f"请在“：”后写{second.label}，不写的一条删去即可")
            return {first.key: parse_item(head.strip()), second.key: parse_item(tail.strip())}

        records = self.ask_lines(q, parse, [] if prefill else known, shown, prefill=prefill)
        if records is None:
            records = known
        self.save(q, {q.key: records})
        self.say(f"  已记录 {len(records)} 条。" if records else "  未填写。")

    def last_year_problems(self, key: str) -> list[dict[str, Any]]:
        """Last year's problems, as records to report progress on."""
        if self.previous is None:
            return []
        problems = self.previous.answers.get("problems", {})

        selected = load_schema().field("problems.selected")
        texts = [selected.choice_label(k) for k in problems.get("selected", [])]
        texts += problems.get("other", [])
        return [{key: t} for t in texts]
