"""Interview layer: questions answered as a list of lines: plain items, 「名称 数量」 records,
and records of text fields gone through one by one (last year's problems and their progress).
Lines typed so far are kept when the officer leaves mid-list.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from report_writer.answers import Field, load_schema
from report_writer.interview.base import SessionBase
from report_writer.interview.parse import is_count_records, normalize, parse_item, parse_record
from report_writer.interview.prompt import Back, Quit, checked
from report_writer.interview.questions import Question

CLEAR_WORDS = ("无", "-", "－")  # typed as the first line of a list: no items (clears it)


class ListQuestions(SessionBase):
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
                return checked(parse, "", optional=True)(t)

            self.typing = (q.key, items) if typed else None
            try:
                answer = self.ask(text, "", check, marker=marker)
            except (KeyboardInterrupt, Quit):  # leaving mid-list keeps its lines
                if typed:
                    self.save(q, {q.key: items}, partial=True)
                raise
            except Back:
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
        except (KeyboardInterrupt, Quit):
            if records:
                self.save(q, {q.key: records}, partial=True)
            raise
        except Back:  # as in ask_lines: kept unless it would replace this year's answer
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
                    checked(parse_item, default),
                )
                if answer in ("无", "没有"):
                    break
                entry[sub.key] = answer
            else:
                records.append(entry)
        more = f"还有其他{first.label}吗？" if known else f"请填写{first.label}"
        while True:
            head = self.ask(
                f"? {more}（一条一行，空行结束）", "", checked(parse_item, "", optional=True)
            )
            more = f"下一条{first.label}"
            if not head:
                break
            entry = {first.key: head}
            for sub in rest:
                entry[sub.key] = self.ask(f"? {sub.label}？", "", checked(parse_item, ""))
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
