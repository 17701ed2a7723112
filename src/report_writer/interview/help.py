"""Interview layer: the text of the commands /help, /status and /preview for the question being
asked.

Must not import the session or its base (they call these functions with what they need).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from report_writer.document import Paragraph
from report_writer.errors import ReportWriterError
from report_writer.interview.parse import is_count_records
from report_writer.interview.prompt import COMMANDS, MULTICHOICE_HOW, MULTILINE_HOW
from report_writer.interview.questions import Question

if TYPE_CHECKING:
    from report_writer.model import Report
    from report_writer.phrasebank import Phrasebank

HOW_TO_ANSWER = {  # for /help, by the question's type
    "multichoice": MULTICHOICE_HOW,
    "list": f"每行一项，{MULTILINE_HOW}；已有内容时直接回车保留，只输入“无”或“-”清空",
    "records": f"每行一条，{MULTILINE_HOW}；已有内容时直接回车保留，只输入“无”或“-”清空",
    "rows": f"每行写“项目 数字”，{MULTILINE_HOW}；没写的项目按0计",
    "multiline": MULTILINE_HOW,
    "gate": "输入要填写的各项的编号，用空格分开；都没有直接回车，这些问题就不再询问",
    "choice": "输入选项的名称或编号，按 Tab 可补全",
    "yes_no": "输入“是”或“否”",
}


def help_text(q: Question | None) -> str:
    """The commands, and how to answer the question `q`."""
    lines = ["  可用命令："]
    lines += [f"    {name:<9}{text}" for name, text in COMMANDS.items()]
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


def status_text(
    plan: list[Question], answered: Callable[[Question], bool], skipped: list[str]
) -> str:
    """Per part, how many questions are left and which were skipped."""
    lines = []
    for part in dict.fromkeys(x.part for x in plan):
        questions = [x for x in plan if x.part == part]
        left = [x for x in questions if not answered(x)]
        passed = [x for x in questions if x.key in skipped]
        state = f"还有 {len(left)} 题" if left else "已完成"
        if passed:
            state += f"（已跳过 {len(passed)} 题：{'、'.join(x.prompt.rstrip('？?') for x in passed[:3])}）"
        lines.append(f"  {part.heading}：{state}")
    done = sum(1 for x in plan if answered(x))
    lines.append(f"  共 {len(plan)} 题，已回答 {done} 题。")
    return "\n".join(lines)


def preview_text(report: Report, q: Question | None, bank: Phrasebank | None) -> str:
    """The part of `q` as the draft would print it now."""
    from report_writer.document import build_document
    from report_writer.interview.preview import render_section
    from report_writer.narrative import build_narrative

    if q is None or q.part.number is None:
        return f"  标题：{report.meta.title}"
    if bank is None:
        return "  表述库无法读取，暂不能预览。"
    try:
        doc = build_document(report, build_narrative(report, bank))
    except ReportWriterError as exc:
        return f"  暂不能预览：{exc}"
    section = doc.section(q.part.number)
    text = render_section(section)
    if q.type not in FREE_TEXT:
        return text
    # a free-text answer is shown in the sentence it lands in, so that what the phrase puts
    # around it (本年度，…) can be read together with it
    landing = [
        s.text
        for b in section.blocks
        if isinstance(b, Paragraph)
        for s in b.sentences
        if q.key in s.uses
    ]
    if not landing:
        return text
    return "\n".join(["  本题的答案写入这句话：", *(f"　　{t}" for t in landing), "", text])


FREE_TEXT = ("text", "multiline", "list")  # answer types the officer writes in own words
