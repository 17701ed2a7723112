"""Orchestration: `tables export` and `tables import`, 表二、三、四 of a workspace to and from an
Excel workbook.

Export writes the tables as report.yaml makes them (render/xlsx.py). Import reads a workbook
(importer/xlsx.py) with the table reader `import` uses, so the same rules hold: a 「/」, a blank
or an unreadable cell is null (unknown), never 0, and each is logged. Only the figures that
differ from the workspace's are written into report.yaml, through the round-trip saver that
keeps its comments and key order; a table the workbook does not hold is left as it is
(commands.py checks the tables afterwards). Must not import commands or cli.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.check import CheckResult
from report_writer.errors import InputError, WorkspaceError
from report_writer.files import write_atomic
from report_writer.importer.log import LogEntry
from report_writer.workspace import open_workspace

LOG_FILE = "tables-import-log.yaml"


def export_tables(path: Path, to: Path, force: bool = False) -> Path:
    """The workspace's tables written to the workbook `to`; an existing workbook (the office may
    have typed into it) is written over only with `force`."""
    from report_writer.render.xlsx import render_xlsx
    from report_writer.workspace import load_report

    report = load_report(open_workspace(path))
    target = Path(to)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{target} 的扩展名应为 .xlsx（Excel 工作簿）")
    if not target.parent.is_dir():
        raise WorkspaceError(f"无法写入 {target}：文件夹 {target.parent} 不存在")
    if target.exists() and not force:
        raise WorkspaceError(
            f"{target} 已存在，未覆盖（其中可能有人填写过）。请换一个文件名，或加 --force 覆盖"
        )
    write_atomic(target, render_xlsx(report))
    return target


class Change(Struct, frozen=True):
    cell: str  # tables.applications.new.natural_person
    label: str  # 表三 一、本年新收政府信息公开申请数量 · 自然人
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}：{self.before} → {self.after}（{self.cell}）"


class TablesImport(Struct):
    changes: list[Change] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # tables the workbook lacks: 表四
    log_file: Path | None = None
    check: CheckResult | None = None  # run by the chain in commands.py


def import_tables(source: Path, path: Path) -> TablesImport:
    """The figures of the workbook `source` written into the workspace's report.yaml."""
    from report_writer.document import cell_text
    from report_writer.importer import xlsx
    from report_writer.importer.log import Log
    from report_writer.importer.sections import regions
    from report_writer.importer.tables import read_tables
    from report_writer.workspace import edit_report, load_report
    from report_writer.workspace.lock import locked

    ws = open_workspace(path)
    source = Path(source)
    if source.suffix.lower() == ".xls":
        raise InputError(
            f"{source} 是旧版 Excel 文件（.xls），请用 Excel 或 WPS“另存为”.xlsx 后再导入"
        )
    if not source.exists():
        raise InputError(f"找不到要导入的文件“{source}”")
    lines = xlsx.read(source)
    result = TablesImport()
    with locked(ws, "tables import"):
        report = load_report(ws)
        found = regions(lines)
        keys = [k for k in ("proactive", "applications", "reviews") if k in found]
        if not keys:
            raise InputError(
                f"{source} 中找不到表二、表三、表四：请保留各表的标题行（如“三、收到和处理政府信息"
                "公开申请情况”），或把工作表命名为“表二”“表三”“表四”"
            )
        log = Log()
        read = read_tables(lines, report.fmt, log)
        result.log = [e for e in log if e.kind != "missing"]
        result.missing = [
            report.fmt.tables[k].name
            for k in ("proactive", "applications", "reviews")
            if k not in keys
        ]
        values = report.figures.values
        new_values: dict[tuple[str, str, str], Any] = {}
        for key in keys:
            spec = report.fmt.tables[key]
            for row, column in spec.cells():
                cell: tuple[str, str, str] = (key, row.key, column.key)
                new = read.cells.get(cell)
                if not _same(new, values[cell]):
                    new_values[cell] = new
                    result.changes.append(
                        Change(
                            "tables." + ".".join(cell),
                            report.fmt.cell_label(cell),
                            cell_text(values[cell]),
                            new if isinstance(new, str) else cell_text(new),
                        )
                    )
        if new_values:  # else report.yaml stays byte for byte
            with edit_report(ws) as doc:
                for cell, new in new_values.items():
                    _put(doc, cell, _plain(new))
        result.log_file = _write_log(ws.path, source, result.log)
    return result


def _same(new: Any, old: Any) -> bool:
    if new is None or old is None or isinstance(new, str):
        return bool(new == old)
    return bool(Decimal(str(new)) == Decimal(str(old)))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _put(doc: Any, cell: tuple[str, str, str], value: Any) -> None:
    """Set one figure in the round-trip mapping, adding the table or row where it is missing
    (a new row is written on one line, as `init` writes them)."""
    from ruamel.yaml.comments import CommentedMap

    table, row, column = cell
    tables = doc.setdefault("tables", CommentedMap())
    rows = tables.setdefault(table, CommentedMap())
    if row not in rows or rows[row] is None:
        figures = CommentedMap()
        figures.fa.set_flow_style()
        rows[row] = figures
    rows[row][column] = value


def _write_log(folder: Path, source: Path, entries: list[LogEntry]) -> Path:
    from report_writer.importer.log import KINDS
    from report_writer.yamlio import dump_yaml

    kinds = "，".join(f"{k} {v}" for k, v in KINDS.items())
    header = f"# 表格导入记录：{source}\n# 类别：{kinds}\n# 共{len(entries)}条\n"
    body = {"source": str(source), "entries": [e.to_dict() for e in entries]}
    path = folder / LOG_FILE
    write_atomic(path, header + dump_yaml(body))
    return path
