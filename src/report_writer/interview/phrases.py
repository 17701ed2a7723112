"""Interview layer: a narrative slot's suggestions, rendered with the answers so far: pick one,
edit one (saved into a team phrasebank, its figures turned back into placeholders), or skip.

Must not import the session or the other kinds of question.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from report_writer.errors import ReportWriterError
from report_writer.interview.base import SessionBase
from report_writer.interview.parse import YES_NO, check_characters, normalize, parse_scalar
from report_writer.interview.prompt import checked
from report_writer.interview.questions import Question
from report_writer.interview.store import add_phrasebank

if TYPE_CHECKING:
    from report_writer.phrasebank import Phrase

PICK_PROMPT = "选用第几句"
TEAM_FOLDER = "表述库"  # the workspace's own phrasebank folder for edited phrases


class PhraseQuestions(SessionBase):
    def ask_phrase(self, q: Question) -> None:
        """Up to three sentences rendered with the answers so far: pick one, edit one, or skip."""
        from report_writer.narrative import suggestions

        if not self.topic_said(q):  # nothing to word: the draft leaves it out or says so
            self.save(q, {})
            return
        bank = self.phrasebank()
        try:
            options = suggestions(self.report, bank, q.slot) if bank else []
        except ReportWriterError as exc:
            self.say(f"  暂不能提供参考表述：{exc}")
            options = []
        if not options:
            self.save(q, {})
            return
        recorded = self.report.phrases.get(q.slot)
        if self.previous is not None and not self.revisiting and recorded is None:
            # the second year keeps last year's wording where it still applies, else the
            # draft chooses; --revisit offers the choice again
            before = self.previous.phrases.get(q.slot)
            kept = before if any(ph.id == before for ph, _ in options) else None
            self.save(q, {q.key: kept} if kept else {})
            return
        self.intro(q)
        self.say(f"  {q.prompt}：")
        default = next((str(i) for i, (ph, _) in enumerate(options, 1) if ph.id == recorded), "1")
        hint = f"? {PICK_PROMPT}（↑↓ 选择后回车，或输入编号；e{default} 修改这句；s 跳过，由初稿自动选用）"
        numbers = [str(i) for i in range(1, len(options) + 1)]
        allowed = [*numbers, *(f"e{n}" for n in numbers), "s"]

        def check(text: str) -> str | None:
            word = normalize(text).lower() or default
            if word in allowed:
                return None
            return f"请输入{'、'.join(numbers)}选用，e加编号修改（如 e1），或 s 跳过"

        answer = self.ask(
            hint, default, check, tuple(allowed), options=tuple(t for _, t in options)
        )
        answer = normalize(answer).lower()
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
            "? 修改这句话，回车确认：", "", checked(check_characters, ""), prefill=text
        )
        folder = self.team_folder()
        keep = self.ask(
            f"? 把改好的这句话存入团队表述库（文件夹 {self.ws.path / folder}），"
            "以后的报告也可选用吗？（是/否）",
            "是",
            checked(lambda t: parse_scalar(YES_NO, t), "是"),
            ("是", "否"),
        )
        if not parse_scalar(YES_NO, keep):
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
