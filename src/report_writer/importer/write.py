"""An imported report written as an ordinary workspace: report.yaml (commented, as `init` writes
it, with the figures read), imported.yaml (the text of sections 一、五、六) and import-log.yaml.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from report_writer.errors import WorkspaceError
from report_writer.files import write_atomic
from report_writer.formats.spec import Format
from report_writer.importer import LAYOUT_LABELS, ImportResult
from report_writer.importer.log import KINDS
from report_writer.model import Meta, parse_report
from report_writer.workspace import REPORT_FILE, Workspace, create_workspace
from report_writer.yamlio import dump_yaml, parse_yaml, roundtrip_yaml

IMPORTED_FILE = "imported.yaml"
LOG_FILE = "import-log.yaml"


def report_text(
    meta: Meta,
    fmt: Format,
    tables: dict[str, dict[str, dict[str, Any]]],
    answers: dict[str, Any] | None = None,
    note: list[str] | None = None,
) -> str:
    """report.yaml as `init` writes it, with `tables` (and `answers`) filled in; comments kept."""
    from ruamel.yaml.comments import CommentedMap

    from report_writer.workspace.skeleton import report_yaml

    rt = roundtrip_yaml()
    doc = rt.load(report_yaml(meta, fmt))
    if meta.tier:
        doc["meta"].insert(list(doc["meta"]).index("level") + 1, "tier", meta.tier)
    for table, rows in tables.items():
        target = doc["tables"][table]
        for row_key, columns in rows.items():
            if row_key in target:
                for col, value in columns.items():
                    target[row_key][col] = value
                continue
            cells = CommentedMap(columns)
            cells.fa.set_flow_style()
            spec = fmt.tables[table]
            keys = [r.key for r in spec.rows]
            if row_key in keys:  # a derived row (（七）总计) as printed: after the row before it
                before = [k for k in keys[: keys.index(row_key)] if k in target]
                position = list(target).index(before[-1]) + 1 if before else 0
                target.insert(position, row_key, cells, comment=spec.row(row_key).label)
            else:  # a 2019-format row
                target[row_key] = cells
                target.yaml_add_eol_comment("2019年试行格式的栏目", row_key)
    if answers:
        doc["answers"] = answers
    buffer = io.StringIO()
    rt.dump(doc, buffer)
    title, _, rest = buffer.getvalue().partition("\n")
    text = "\n".join([title, *(f"# {n}" for n in note or []), rest])
    parse_report(parse_yaml(text, Path(REPORT_FILE)))  # what we write must load
    return text


def imported_text(result: ImportResult) -> str:
    return "# 导入的第一、五、六部分原文（供“与上年相同”核对和表述库采集使用）\n" + dump_yaml(
        {key: result.narrative.get(key, "") for key in ("overview", "problems", "other")}
    )


def log_text(result: ImportResult) -> str:
    kinds = "，".join(f"{k} {v}" for k, v in KINDS.items())
    header = [
        f"# 导入记录：{result.agency}{result.year}年政府信息公开工作年度报告",
        f"# 来源：{result.source}（{LAYOUT_LABELS[result.layout]}）",
        f"# 类别：{kinds}（2019年格式的栏目即 H6）",
        f"# 共{len(result.log)}条",
    ]
    body = {
        "source": str(result.source),
        "layout": result.layout,
        "entries": [e.to_dict() for e in result.log],
    }
    return "\n".join(header) + "\n" + dump_yaml(body)


def write_workspace(result: ImportResult, directory: str | Path) -> Workspace:
    """A new workspace holding the imported report; refuses to overwrite one."""
    meta = Meta(agency=result.agency, year=result.year, level=result.level, format=result.fmt.id)
    unread = sum(1 for e in result.log if e.kind in ("unread", "ambiguous", "missing"))
    note = [
        f"导入自 {result.source}（{LAYOUT_LABELS[result.layout]}）。原文为“/”、空白或未能确定的单元格为 null（未知，不是0）。",
        f"导入记录见 {LOG_FILE}（{len(result.log)}条，其中未读出或有歧义{unread}条）；第一、五、六部分原文见 {IMPORTED_FILE}。",
    ]
    text = report_text(meta, result.fmt, result.tables(), note=note)
    target = Path(directory)
    for name in (REPORT_FILE, IMPORTED_FILE):
        if (target / name).exists():
            raise WorkspaceError(f"“{directory}”已是工作区（已有 {name}），未做改动")
    ws = create_workspace(target, text)
    write_atomic(ws.path / IMPORTED_FILE, imported_text(result))
    write_atomic(ws.path / LOG_FILE, log_text(result))
    return ws
