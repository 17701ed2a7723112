"""An imported report written as an ordinary workspace: report.yaml (commented, as `init` writes
it, with the figures read), imported.yaml (the text of sections 一、五、六) and import-log.yaml.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
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

_ROW = re.compile(r"^    (\w+): (\{.*\})  # (.*)$")
IMPORTED_FILE = "imported.yaml"
LOG_FILE = "import-log.yaml"


def report_text(
    meta: Meta,
    fmt: Format,
    tables: dict[str, dict[str, dict[str, Any]]],
    answers: dict[str, Any] | None = None,
    note: list[str] | None = None,
) -> str:
    """report.yaml as `init` writes it, with `tables` (and `answers`) filled in; comments kept.

    The figures are written into the skeleton's lines directly (a row a line, as `init` prints
    it): a round trip through ruamel.yaml took a tenth of a second a report, too slow for
    importing a city's reports at once. Only answers, when given, go through ruamel.yaml."""
    from report_writer.workspace.skeleton import report_yaml

    lines = report_yaml(meta, fmt).split("\n")
    if meta.tier:
        at = next(i for i, line in enumerate(lines) if line.startswith("  level:"))
        lines.insert(at + 1, f"  tier: {meta.tier}")
    for table, rows in tables.items():
        _fill(lines, fmt, table, rows)
    text = "\n".join(lines)
    if answers:
        rt = roundtrip_yaml()
        doc = rt.load(text)
        doc["answers"] = answers
        buffer = io.StringIO()
        rt.dump(doc, buffer)
        text = buffer.getvalue()
    title, _, rest = text.partition("\n")
    text = "\n".join([title, *(f"# {n}" for n in note or []), rest])
    parse_report(parse_yaml(text, Path(REPORT_FILE)))  # what we write must load
    return text


def _flow(cells: dict[str, Any]) -> str:
    """A row's cells as a YAML flow mapping: {natural_person: 2, …, total: 2}."""
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in cells.items()) + "}"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return json.dumps(str(value), ensure_ascii=False)  # a printed cell that is no figure
    return str(value)


def _fill(lines: list[str], fmt: Format, table: str, rows: dict[str, dict[str, Any]]) -> None:
    """The rows of `table` written into the skeleton's lines: a row it prints is replaced, a
    derived row given as printed (（七）总计) goes before the next row of the format, a 2019 row
    after the table's last row."""
    start = lines.index(f"  {table}:")
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")), len(lines)
    )
    where = {m.group(1): i for i in range(start, end) if (m := _ROW.match(lines[i]))}
    spec = fmt.tables[table]
    order = [r.key for r in spec.rows]
    inserts: list[tuple[int, str]] = []
    for key, cells in rows.items():
        if key in where:
            row = _ROW.match(lines[where[key]])
            assert row is not None
            printed = {
                **parse_yaml(row.group(2), Path(REPORT_FILE)),
                **cells,
            }  # skeleton's, updated
            lines[where[key]] = f"    {key}: {_flow(printed)}  # {row.group(3)}"
        elif key in order:
            after = [where[k] for k in order[order.index(key) + 1 :] if k in where]
            inserts.append(
                (after[0] if after else end, f"    {key}: {_flow(cells)}  # {spec.row(key).label}")
            )
        else:
            inserts.append((end, f"    {key}: {_flow(cells)}  # 2019年试行格式的栏目"))
    # from the bottom up, so that each index still points where it did; rows inserted at one
    # place keep their order
    for at, _, line in sorted(
        ((at, n, line) for n, (at, line) in enumerate(inserts)), reverse=True
    ):
        lines.insert(at, line)


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
