"""Last year's report — a workspace or a published file — for this year's workspace.

`init DIR --from LAST` keeps last year as the full workspace `DIR/previous/` and starts this year
from it: meta, 上年结转 (= last year's 结转下年度 per column), the 现行有效 baseline and last year's
problems for the 整改 question. `check` compares with `DIR/previous/` when no --previous is given. The folder itself (where
it is, what is copied) is workspace/previous.py; this module reads a report into it.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.errors import WorkspaceError
from report_writer.files import read_text
from report_writer.model import Meta, Report, parse_report
from report_writer.workspace import (
    REPORT_FILE,
    Workspace,
    create_workspace,
    load_report,
    open_workspace,
)
from report_writer.workspace.previous import PREVIOUS_DIR, copy_workspace
from report_writer.yamlio import parse_yaml

_ENUMERATED = re.compile(r"[一二三四五六七八九十]是([^；;。]+)")
_MEASURES_START = ("对此", "下一步", "改进措施")  # the list of measures begins here


class Previous(Struct, frozen=True):
    report: Report
    folder: Path | None  # last year's workspace, when it is one
    problems_text: str  # section 五 as published (imported), or "" when not known


def load_previous(path: str | Path) -> Previous:
    """Last year's report from a workspace folder or a published file."""
    report, narrative, _ = load_narrative(path)
    folder = Path(path) if Path(path).is_dir() else None
    return Previous(report, folder, narrative.get("problems", ""))


def load_narrative(path: str | Path) -> tuple[Report, dict[str, str], str]:
    """(report, text of sections 一、五、六 as published, where from) of a published file, or of
    a workspace (its imported.yaml; empty texts when it has none)."""
    source = Path(path)
    if source.is_dir():
        ws = open_workspace(source)
        imported = ws.path / "imported.yaml"
        narrative: dict[str, str] = {}
        if imported.is_file():
            data = parse_yaml(read_text(imported), imported)
            if isinstance(data, dict):
                narrative = {k: v for k, v in data.items() if isinstance(v, str)}
        return load_report(ws), narrative, str(ws.path)
    from report_writer.importer import import_report

    result = import_report(source)
    return parse_report(result.report_data()), result.narrative, str(source)


def last_year_problems(previous: Previous) -> list[str]:
    """The problems last year's report named: from its answers, else from its section 五 text
    (the 「一是…；二是…」 list before the measures)."""
    from report_writer.answers import load_schema

    answers = previous.report.answers.get("problems", {})
    field = load_schema().field("problems.selected")
    named = [field.choice_label(k) for k in answers.get("selected", [])]
    named += list(answers.get("other", []))
    if named or not previous.problems_text:
        return named
    from report_writer.chinese import full_width

    for paragraph in previous.problems_text.split("\n"):
        head = paragraph
        for word in _MEASURES_START:
            head = head.split(word, 1)[0]
        found = [full_width(m.group(1).strip("，,、 ")) for m in _ENUMERATED.finditer(head)]
        if found:
            return found
    return []


def init_from(directory: str | Path, last: str | Path) -> Workspace:
    """A new workspace for the year after `last`, with last year kept in `previous/`."""
    from report_writer.formats.spec import format_for_year
    from report_writer.importer.write import report_text, write_workspace

    target = Path(directory)
    if (target / REPORT_FILE).exists():
        raise WorkspaceError(f"“{directory}”已是工作区（已有 {REPORT_FILE}），未做改动")
    previous = load_previous(last)
    before = previous.report
    meta = Meta(
        agency=before.meta.agency,
        year=before.meta.year + 1,
        level=before.meta.level,
        tier=before.meta.tier,
    )
    fmt = format_for_year(meta.year)
    meta.format = fmt.id
    text = report_text(meta, fmt, _carried(before), _answers(previous), note=_note(before))
    keep = target / PREVIOUS_DIR
    if previous.folder is not None:
        copy_workspace(previous.folder, keep)
    else:
        from report_writer.importer import import_report

        write_workspace(import_report(last), keep)
    return create_workspace(target, text)


def _carried(before: Report) -> dict[str, dict[str, dict[str, Any]]]:
    values = before.figures.values
    spec = before.fmt.tables["applications"]
    carried = {
        c.key: values.get(("applications", "carried_forward", c.key))
        for c in spec.columns
        if not c.derived
    }
    proactive = {
        row: {"in_force": values.get(("proactive", row, "in_force"))}
        for row in ("regulations", "normative_documents")
    }
    return {"applications": {"carried_over": carried}, "proactive": proactive}


def _answers(previous: Previous) -> dict[str, Any]:
    """Last year's problems (for their progress) and the figures a year-on-year sentence
    compares with, where last year's report gives them."""
    answers: dict[str, Any] = {}
    problems = last_year_problems(previous)
    if problems:
        answers["problems"] = {"last_year": [{"problem": p} for p in problems]}
    before = previous.report
    figures = {
        "requests": before.figures.values.get(("applications", "new", "total")),
        "items": sum(r["count"] for r in items) if (items := _items(before)) else None,
    }
    known = {k: int(v) for k, v in figures.items() if v is not None}
    if known:
        answers["previous"] = known
    return answers


def _items(before: Report) -> list[dict[str, Any]]:
    items = before.answers.get("proactive", {}).get("items") or []
    return [r for r in items if isinstance(r.get("count"), int)]


def _note(before: Report) -> list[str]:
    return [
        f"由上年报告（{before.meta.title}）预填：上年结转＝上年“结转下年度继续办理”，现行有效件数＝上年"
        "现行有效件数（请按本年制发、废止情况更新），上年度问题列于 answers.problems.last_year（请填写整改情况）。",
        f"上年报告保存在 {PREVIOUS_DIR}/ 文件夹，check 会自动与之核对。",
    ]
