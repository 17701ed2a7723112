"""Interview layer: the interview from start to end: create or open the workspace, ask, store.

`run_interview` talks through the injected `ask`/`say`; `apply_answers` is the same without
prompting, for scripts (`--answers FILE.yaml`). Neither builds: commands.py chains the build
after them. Must not import build, check, render or anything above the interview layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.answers import load_schema
from report_writer.errors import InputError, ReportWriterError
from report_writer.files import read_text
from report_writer.formats.spec import Format, load_format
from report_writer.interview.parse import (
    MESSAGES,
    parse_choice,
    parse_item,
    parse_number,
    parse_scalar,
)
from report_writer.interview.prompt import Ask, Prompt, Say, validate
from report_writer.interview.questions import (
    META_FIELDS,
    PART_NUMBERS,
    load_questions,
)
from report_writer.interview.session import Session
from report_writer.interview.store import Progress, save_answers, save_progress
from report_writer.model import Report, ReportProblems, guess_level, parse_report
from report_writer.workspace import (
    REPORT_FILE,
    Workspace,
    init_workspace,
    load_report,
    open_workspace,
)
from report_writer.workspace.lock import locked
from report_writer.yamlio import line_of, parse_yaml


class Ended(Struct):
    """How the interview ended: "finished", "quit" (/quit, Ctrl-D) or "interrupted" (Ctrl-C);
    the workspace is None when it was never created; notes for the officer."""

    status: str
    workspace: Workspace | None
    notes: list[str] = field(default_factory=list)


WELCOME = (
    "我会分六部分提问，随时输入 /help 查看命令，Ctrl-C 保存并退出。\n"
    "没有或不便填写的事项直接回车即可，正文不会写到它；表格中的数字直接回车按默认值。"
)
META_FIRST = "  先填写机关名称、年度和类型，新建工作区后才能使用其他命令。"


def reporting_year(today: date) -> int:
    """The year whose report is being drafted: reports are written from September on for the
    year under way, and until August for the year before."""
    return today.year if today.month >= 9 else today.year - 1


def _ask_agency(ask: Ask, say: Say) -> str | None:
    """The agency's name, the first answer of a new workspace; None when the officer leaves."""
    from report_writer.formats.spec import format_for_year

    questions = load_questions(format_for_year(date.today().year).id)
    q = next(q for q in questions if q.key == "meta.agency")
    f = q.field
    assert f is not None

    def check(t: str) -> str | None:
        if not t.strip():
            return "请输入内容"
        try:
            parse_scalar(f, t)
        except ValueError as exc:
            return str(exc)
        return None

    meta = [x for x in questions if x.kind == "meta"]
    prompt = Prompt(f"? {q.prompt}", "", (), check, "", f" {q.part.short} 1/{len(meta)}")
    while True:
        word = _read_before_workspace(prompt, ask, say)
        if word is None:
            return None
        if word != "/back":
            return str(parse_scalar(f, word))


def default_year(directory: Path, today: date) -> int:
    """The year in the folder's name (「2024-年报」), else the reporting calendar's."""
    named = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", directory.name)]
    return named[0] if named else reporting_year(today)


def _read_before_workspace(prompt: Prompt, ask: Ask, say: Say) -> str | None:
    """What the officer types at a prompt before the workspace exists: an acceptable answer or
    "/back"; None when they leave (Ctrl-D, /quit). A rejected answer and any other command are
    answered here and the prompt asked again."""
    while True:
        try:
            answer = ask(prompt)
        except EOFError:
            return None
        word = answer.strip()
        error = validate(prompt, answer)
        if error:
            say(f"  {error}")
        elif word == "/quit":
            return None
        elif word == "/back" or not word.startswith("/"):
            return word
        else:
            say(META_FIRST)


def revisit_hint(report: Report, errors: Sequence[Any], skipped: Sequence[str]) -> tuple[str, str]:
    """(part number, why) to name in the closing hint: the table of the first error, else the
    part of the first question skipped, else no particular part ("")."""
    for finding in errors:
        if finding.table in report.fmt.tables:
            spec = report.fmt.tables[finding.table]
            return spec.number, f"核对发现{spec.name}有错误"
    questions = {q.key: q for q in load_questions(report.meta.format)}
    for key in skipped:
        q = questions.get(key)
        if q is not None and q.part.number:
            return q.part.number, f"补填{q.part.short}跳过的问题"
    return "", "要修改某一部分的答案"


# What a command chains after the answers are stored (a build), run while the lock is held; it
# keeps what it makes itself (the interview never builds).
Then = Callable[[Ended], None]


def run_interview(
    directory: Path,
    ask: Ask,
    say: Say,
    *,
    revisit: str | None = None,
    phrasebanks: Sequence[Path] = (),
    today: Callable[[], date] = date.today,
    then: Then | None = None,
) -> Ended:
    """Ask every open question (or the part `revisit` again); the Ended says how it ended. A new
    workspace is created at the first answer (the agency's name); `today` is the clock the
    default year follows. When it finished, `then` (a build, chained by the caller) runs under
    the same hold of the workspace lock."""
    if revisit is not None and revisit not in PART_NUMBERS:
        raise InputError(f"--revisit 应为部分的编号：{'、'.join(PART_NUMBERS)}，现为“{revisit}”")
    if (directory / REPORT_FILE).is_file():
        ws = open_workspace(directory)
        say(f"报告起草助手 · 继续填写《{load_report(ws).meta.title}》")
        if revisit is None:
            say("已填写的答案都已保存，从第一个未回答的问题接着问；随时输入 /help 查看命令。")
        else:
            say(
                f"重新询问第{revisit}部分，方括号中是现有答案，直接回车保留；"
                "随时输入 /help 查看命令。"
            )
    else:
        say(f"报告起草助手 · 新建工作区 {directory}")
        say(WELCOME)
        try:
            agency = _ask_agency(ask, say)
        except KeyboardInterrupt:
            return Ended("interrupted", None)
        if agency is None:
            return Ended("quit", None)
        # the workspace exists from the first answer on, so nothing typed is lost; the year and
        # the type are asked next, with the reporting year and the type the name suggests
        ws = init_workspace(
            directory, agency, default_year(directory, today()), guess_level(agency)
        )
        save_progress(ws, Progress(done=["meta.agency"], revisit=["meta.year", "meta.level"]))
    with locked(ws, "interview", chain=then is not None) as lock:
        if lock.notice:
            say(f"  {lock.notice}")
        status = Session(ws, ask, say, phrasebanks=phrasebanks, today=today).run(revisit)
        ended = Ended(status, ws)
        if then is not None and status == "finished":
            then(ended)
    return ended


def apply_answers(
    directory: Path,
    answers_file: Path,
    *,
    phrasebanks: Sequence[Path] = (),
    then: Then | None = None,
) -> Ended:
    """Apply a file of answers (keys as in report.yaml: meta, answers, tables, phrases) without
    prompting, then store them. Every value is checked first, with the parsers of the
    interview's questions (so a value may be written as it would be typed: 乡镇街道, 是, 98.5%);
    one bad value and nothing is written; a problem that report.yaml has on its own is named in
    report.yaml. A missing workspace is created from the file's meta. `then` (a build, chained
    by the caller) runs under the same hold of the workspace lock as the save."""
    text = read_text(answers_file)
    data = parse_yaml(text, answers_file)
    if not isinstance(data, dict):
        raise InputError(f"{answers_file} 应为键值映射，包含 meta、answers、tables 或 phrases")
    unknown = [k for k in data if k not in ("meta", "answers", "tables", "phrases")]
    if unknown:
        raise InputError(
            f"{answers_file} 中的“{unknown[0]}”不是可填写的键（可用：meta、answers、tables、phrases）"
        )
    exists = (directory / REPORT_FILE).is_file()
    own: list[tuple[str, str]] = []  # report.yaml's problems before any answer is applied
    if exists:
        ws = open_workspace(directory)
        report_text = read_text(ws.report_path)
        current = parse_yaml(report_text, ws.report_path)
        try:
            parse_report(current)
        except ReportProblems as exc:
            own = exc.problems
    else:
        meta = data.get("meta") or {}
        missing = [k for k in ("agency", "year") if k not in meta]
        if missing:
            raise InputError(
                f"工作区 {directory} 尚不存在：{answers_file} 需要 meta.{missing[0]} 才能新建"
            )
        current = {"meta": {"level": "department", **meta}}
    leaves = _leaves(data)
    values, problems = typed_values(leaves, _format_of(_merged(current, data).get("meta")))
    merged = _merged(current, _nested(leaves, values))
    try:
        report = parse_report(merged)
    except ReportProblems as exc:
        theirs = [p for p in exc.problems if p in own]  # not mended by the answers file
        if theirs and not problems:
            raise InputError(
                f"{ws.report_path} 有{len(theirs)}处问题，请先修改（{answers_file} 未写入）：",
                details=[_where(report_text, path, message) for path, message in theirs],
            ) from None
        problems += [p for p in exc.problems if p not in own]
    else:
        problems += _phrase_problems(report, directory, phrasebanks, values)
    if problems:
        details = [_where(text, path, message) for path, message in problems]
        raise InputError(f"{answers_file} 有{len(problems)}处问题，未做任何改动：", details=details)
    if not exists:
        meta = merged["meta"]
        ws = init_workspace(directory, meta["agency"], meta["year"], meta["level"])
    with locked(ws, "interview --answers", chain=then is not None):
        save_answers(ws, load_report(ws).fmt, values)
        result = Ended("finished", ws)
        year = load_report(ws).meta.year
        if year > date.today().year:
            result.notes.append(
                f"报告年度{year}年还没有到，请确认 {ws.report_path} 中的 meta.year。"
            )
        if then is not None:
            then(result)
    return result


def _where(text: str, path: str, message: str) -> str:
    """「第3行 meta.level：……」: a problem with the line of its key in `text`, where known."""
    line = _line(text, path)
    return f"{'第' + str(line) + '行 ' if line else ''}{path}：{message}"


def _format_of(meta: Any) -> Format:
    """The report's format from its meta (an unusable meta is parse_report's to report)."""
    from report_writer.formats.spec import format_for_year

    meta = meta if isinstance(meta, dict) else {}
    year = meta.get("year")
    try:
        if meta.get("format"):
            return load_format(str(meta["format"]))
        if isinstance(year, int) and not isinstance(year, bool):
            return format_for_year(year)
    except ReportWriterError:
        pass
    return format_for_year(date.today().year)


def typed_values(
    leaves: list[tuple[tuple[str, ...], Any]], fmt: Format
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The values of an answers file by interview key (meta.x, group.field, tables.t.r.c,
    phrases.s) as the interview would write them, and (path, message) for each value its
    question would refuse. Keys that name nothing are left to parse_report, which names them."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for path, value in leaves:
        if not _full(path):
            continue  # no mapping where one belongs: parse_report says so
        try:
            values[_key(path)] = _typed(path, value, fmt)
        except ValueError as exc:
            written = str(value).lower() if isinstance(value, bool) else value  # as in YAML
            problems.append((".".join(path), f"{exc}，现为“{written}”"))
    return values, problems


def _typed(path: tuple[str, ...], value: Any, fmt: Format) -> Any:
    """One value checked and converted by its question's parser (ValueError: the message)."""
    head, *rest = path
    if value is None or head == "phrases":
        return value  # None removes an answer, or is an unknown ("/") cell
    if head == "meta":
        field = META_FIELDS.get(rest[0])
        if field is None:
            return value  # tier, format, contact: checked by parse_report
        if isinstance(value, bool):
            raise ValueError("请输入四位年份，例如 2024" if rest[0] == "year" else "应为文字")
        return parse_scalar(field, str(value))
    if head == "tables":
        spec = fmt.tables.get(rest[0])
        row = next((r for r in spec.rows if r.key == rest[1]), None) if spec else None
        column = next((c for c in row.columns if c.key == rest[2]), None) if row else None
        if column is None:
            return value  # no such cell: parse_report names it
        kind = "decimal" if column.type == "decimal" else "integer"
        if isinstance(value, bool):
            raise ValueError(MESSAGES[kind])
        return parse_number(kind, str(value))
    try:
        field = load_schema().field(".".join(rest))
    except KeyError:
        return value
    if field.type in ("list", "records"):
        records = value if isinstance(value, list) else []
        for item in records:  # their text as a typed line would be; the rest: parse_report
            texts = item.values() if isinstance(item, dict) else [item]
            for text in texts:
                if isinstance(text, str) and text.strip():
                    parse_item(text)
        return value
    if field.type == "multichoice" and isinstance(value, list):
        return list(dict.fromkeys(parse_choice(field, str(v)) for v in value))
    if isinstance(value, str):
        return parse_scalar(field, value)
    if field.type == "yes_no":
        if isinstance(value, bool):
            return value
        raise ValueError(MESSAGES["yes_no"])
    if isinstance(value, bool):
        raise ValueError(MESSAGES.get(field.type, "应为文字"))
    return parse_scalar(field, str(value))


def _phrase_problems(
    report: Report, directory: Path, phrasebanks: Sequence[Path], values: dict[str, Any]
) -> list[tuple[str, str]]:
    """The phrases the file records must exist, belong to their slot and apply to the report."""
    slots = [k.removeprefix("phrases.") for k, v in values.items() if k.startswith("phrases.")]
    slots = [s for s in slots if values[f"phrases.{s}"] is not None]
    if not slots:
        return []
    from report_writer.narrative import recorded_choice, scope_for
    from report_writer.phrasebank import phrasebank_for

    bank = phrasebank_for(report, directory, phrasebanks)
    scope = scope_for(report)
    problems = []
    for slot in slots:
        try:
            recorded_choice(report, bank, slot, scope)
        except ReportWriterError as exc:
            reason = exc.message.split("”", 1)[-1]  # after 「…记录的表述“id”」
            problems.append((f"phrases.{slot}", f"表述“{report.phrases[slot]}”{reason}"))
    return problems


def _line(text: str, path: str) -> int | None:
    """The line of a key path in the answers file; a phrase slot has dots in its own key."""
    if path.startswith("phrases."):
        slot = path.removeprefix("phrases.")
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip().startswith((f"{slot}:", f'"{slot}":', f"'{slot}':")):
                return number
    return line_of(text, path)


def _nested(leaves: list[tuple[tuple[str, ...], Any]], values: dict[str, Any]) -> dict[str, Any]:
    """The file's shape again, with the converted values (a leaf refused is left out)."""
    out: dict[str, Any] = {}
    for path, raw in leaves:
        key = _key(path)
        if _full(path) and key not in values:
            continue
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = values.get(key, raw) if _full(path) else raw
    return out


def _leaves(data: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    """(path, value) for each value of the file: (meta, x), (answers, group, field),
    (tables, t, r, c), (phrases, slot). A mapping that is no mapping ends the path there
    (parse_report then says what it should be)."""
    out: list[tuple[tuple[str, ...], Any]] = []

    def walk(path: tuple[str, ...], node: Any, depth: int) -> None:
        if depth == 0 or not isinstance(node, dict):
            out.append((path, node))
            return
        for k, v in node.items():
            walk((*path, str(k)), v, depth - 1)

    for head, depth in DEPTHS.items():
        if head in data:
            walk((head,), data[head], depth)
    return out


DEPTHS = {"meta": 1, "answers": 2, "tables": 3, "phrases": 1}  # keys below each top-level key


def _full(path: tuple[str, ...]) -> bool:
    return len(path) == DEPTHS[path[0]] + 1


def _key(path: tuple[str, ...]) -> str:
    """The interview's key of a value: meta.x, group.field, tables.t.r.c, phrases.slot."""
    return ".".join(path[1:] if path[0] == "answers" else path)


def _merged(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merged(base.get(k), v)
        return out
    return extra
