"""The interview from start to end: create or open the workspace, ask, check and build.

`run_interview` talks through the injected `ask`/`say`; `apply_answers` is the same without
prompting, for scripts (`--answers FILE.yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.interview.parse import parse_scalar
from report_writer.interview.questions import PART_NUMBERS, Question, load_questions
from report_writer.interview.session import (
    Ask,
    Prompt,
    Result,
    Say,
    Session,
    validate,
)
from report_writer.interview.store import Progress, save_answers, save_progress
from report_writer.lock import locked
from report_writer.model import ReportProblems, parse_report
from report_writer.workspace import (
    REPORT_FILE,
    Workspace,
    init_workspace,
    line_of,
    load_report,
    open_workspace,
    parse_yaml,
    read_text,
)

WELCOME = (
    "我会分六部分提问，随时输入 /help 查看命令，Ctrl-C 保存并退出。\n"
    "没有或不便填写的事项直接回车即可，正文不会写到它；表格中的数字直接回车按默认值。"
)


def _ask_meta(directory: Path, ask: Ask, say: Say) -> dict[str, Any] | None:
    """Agency, year and level of a new workspace; None when the officer leaves first. The year
    offered is the one in the folder's name (「2024-年报」), else last year."""
    from report_writer.formats.spec import format_for_year

    questions: list[Question] = [
        q for q in load_questions(format_for_year(date.today().year).id) if q.kind == "meta"
    ]
    named = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", directory.name)]
    year = named[0] if named else date.today().year - 1
    defaults = {"meta.year": str(year), "meta.level": "部门"}
    values: dict[str, Any] = {}
    index = 0
    while index < len(questions):
        q = questions[index]
        f = q.field
        assert f is not None
        default = defaults.get(q.key, "")
        text = f"? {q.prompt}"
        if f.choices:
            text += "  " + " / ".join(c.label for c in f.choices)

        def check(t: str, f: Any = f, default: str = default) -> str | None:
            value = t.strip() or default
            if not value:
                return "请输入内容"
            try:
                parse_scalar(f, value)
            except ValueError as exc:
                return str(exc)
            return None

        prompt = Prompt(
            text,
            default,
            tuple(c.label for c in f.choices),
            check,
            "",
            f" {q.part.short} {index + 1}/{len(questions)}",
        )
        try:
            answer = ask(prompt)
        except EOFError:
            return None
        word = answer.strip()
        error = validate(prompt, answer)
        if error:
            say(f"  {error}")
        elif word == "/back":
            index = max(index - 1, 0)
        elif word == "/quit":
            return None
        elif word.startswith("/"):
            say("  先填写机关名称、年度和类型，新建工作区后才能使用其他命令。")
        else:
            values[q.key] = parse_scalar(f, word or default)
            index += 1
    return values


def finish(ws: Workspace, say: Say, phrasebanks: Sequence[Path] = ()) -> Result:
    """Check the report, say the findings, build the draft (build runs the check)."""
    from report_writer.build import build

    built = build(ws.path, phrasebanks=phrasebanks)
    say("\n── 核对勾稽关系 ──")
    for f in built.check.findings:
        label = "错误" if f.severity == "error" else "提示"
        say(f"  {label} {f.code}  {f.message}")
    if not built.check.findings:
        say("  ✓ 各项勾稽关系核对无误")
    for note in built.notes:
        say(f"  {note}")
    return Result("finished", ws, built.check.findings, built.written)


def run_interview(
    directory: Path,
    ask: Ask,
    say: Say,
    *,
    revisit: str | None = None,
    phrasebanks: Sequence[Path] = (),
) -> Result:
    """Ask every open question (or the part `revisit` again), then check and build. A new
    workspace is created after its agency, year and level are known."""
    if revisit is not None and revisit not in PART_NUMBERS:
        raise InputError(f"--revisit 应为部分的编号：{'、'.join(PART_NUMBERS)}，现为“{revisit}”")
    if (directory / REPORT_FILE).is_file():
        ws = open_workspace(directory)
        say(f"报告起草助手 · 继续填写《{load_report(ws).meta.title}》")
        say("已填写的答案都已保存，从第一个未回答的问题接着问；随时输入 /help 查看命令。")
    else:
        say(f"报告起草助手 · 新建工作区 {directory}")
        say(WELCOME)
        try:
            meta = _ask_meta(directory, ask, say)
        except KeyboardInterrupt:
            return Result("interrupted", None)
        if meta is None:
            return Result("quit", None)
        ws = init_workspace(directory, meta["meta.agency"], meta["meta.year"], meta["meta.level"])
        save_progress(ws, Progress(done=list(meta)))
    with locked(ws, "interview") as lock:
        if lock.notice:
            say(f"  {lock.notice}")
        status = Session(ws, ask, say, phrasebanks=phrasebanks).run(revisit)
    if status != "finished":
        return Result(status, ws)
    return finish(ws, say, phrasebanks)


def apply_answers(
    directory: Path, answers_file: Path, *, phrasebanks: Sequence[Path] = ()
) -> Result:
    """Apply a file of answers (keys as in report.yaml: meta, answers, tables, phrases) without
    prompting, then check and build. A missing workspace is created from the file's meta."""
    text = read_text(answers_file)
    data = parse_yaml(text, answers_file)
    if not isinstance(data, dict):
        raise InputError(f"{answers_file} 应为键值映射，包含 meta、answers、tables 或 phrases")
    unknown = [k for k in data if k not in ("meta", "answers", "tables", "phrases")]
    if unknown:
        raise InputError(
            f"{answers_file} 中的“{unknown[0]}”不是可填写的键（可用：meta、answers、tables、phrases）"
        )
    if (directory / REPORT_FILE).is_file():
        ws = open_workspace(directory)
        current = parse_yaml(read_text(ws.report_path), ws.report_path)
    else:
        meta = data.get("meta") or {}
        missing = [k for k in ("agency", "year") if k not in meta]
        if missing:
            raise InputError(
                f"工作区 {directory} 尚不存在：{answers_file} 需要 meta.{missing[0]} 才能新建"
            )
        current = {"meta": {"level": "department", **meta}}
    merged = _merged(current, data)
    try:
        parse_report(merged)
    except ReportProblems as exc:
        details = []
        for path, message in exc.problems:
            line = line_of(text, path)
            details.append(f"{'第' + str(line) + '行 ' if line else ''}{path}：{message}")
        raise InputError(
            f"{answers_file} 有{len(exc.problems)}处问题，未做任何改动：", details=details
        ) from None
    if not (directory / REPORT_FILE).is_file():
        meta = merged["meta"]
        ws = init_workspace(directory, meta["agency"], meta["year"], meta["level"])
    with locked(ws, "interview --answers"):
        save_answers(ws, load_report(ws).fmt, dict(_leaves(data)))
    return finish(ws, lambda text: None, phrasebanks)


def _merged(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merged(base.get(k), v)
        return out
    return extra


def _leaves(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) in the interview's key scheme: meta.x, group.field, tables.t.r.c, phrases.s."""
    out: list[tuple[str, Any]] = []
    for k, v in (data.get("meta") or {}).items():
        out.append((f"meta.{k}", v))
    for group, fields in (data.get("answers") or {}).items():
        for name, value in (fields or {}).items():
            out.append((f"{group}.{name}", value))
    for table, rows in (data.get("tables") or {}).items():
        for row, cells in (rows or {}).items():
            for column, value in (cells or {}).items():
                out.append((f"tables.{table}.{row}.{column}", value))
    for slot, phrase in (data.get("phrases") or {}).items():
        out.append((f"phrases.{slot}", phrase))
    return out
