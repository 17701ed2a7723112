"""Data layer: a workspace, one folder per agency and year, holding report.yaml and the drafts.

Holds open/load/save/init of a workspace (lock.py: one command at a time; skeleton.py: a new
report.yaml; previous.py: last year's report). Reading uses PyYAML's C loader (yamlio.py);
saving report.yaml goes through ruamel.yaml's round-trip mode so that a reviewer's comments and
key order survive; every write is atomic (files.py). Never prints; imports only the data layer
and the ground floor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.commandline import command_line
from report_writer.errors import InputError, WorkspaceError
from report_writer.files import (
    check_regular,
    make_dir,
    read_text,
    read_text_form,
    write_atomic,
    write_text_form,
)
from report_writer.model import Report, ReportProblems, parse_report
from report_writer.yamlio import (
    dump_roundtrip,
    line_of,
    parse_yaml,
    roundtrip_yaml,
)

REPORT_FILE = "report.yaml"


class Workspace(Struct, frozen=True):
    path: Path

    @property
    def report_path(self) -> Path:
        return self.path / REPORT_FILE


def has_report(folder: Path) -> bool:
    """Whether the folder holds an entry named report.yaml, of whatever kind: a link to a device,
    a pipe or a folder is still a workspace, one that opening refuses with its reason."""
    return (folder / REPORT_FILE).is_symlink() or (folder / REPORT_FILE).exists()


def open_workspace(path: str | Path) -> Workspace:
    ws = Workspace(Path(path))
    if not ws.path.exists():
        raise WorkspaceError(
            f"找不到工作区“{path}”。新建请运行：{command_line('init', path)} --agency 机关全称 --year 年度"
        )
    if ws.report_path.exists():
        check_regular(ws.report_path)  # a link to a device or a pipe is refused here
    else:
        raise WorkspaceError(
            f"“{path}”不是工作区：其中没有 {REPORT_FILE}。新建请运行：{command_line('init', path)}"
        )
    return ws


def load_report(ws: Workspace) -> Report:
    """The workspace's report, from its report.yaml."""
    text = read_text(ws.report_path)
    data = parse_yaml(text, ws.report_path)
    try:
        return parse_report(data)
    except ReportProblems as exc:
        details = []
        for path, message in exc.problems:
            line = line_of(text, path)
            where = f"第{line}行 " if line else ""
            details.append(f"{where}{path}：{message}")
        raise InputError(
            f"{ws.report_path} 有{len(exc.problems)}处问题，请修改后重试：", details=details
        ) from None


@contextmanager
def edit_report(ws: Workspace) -> Iterator[Any]:
    """Yield report.yaml as a ruamel round-trip mapping; save it atomically afterwards.

    Comments, key order, blank lines, a byte order mark and Windows line ends of a hand-edited
    file survive. The result must still be a
    valid report, else nothing is written.
    """
    text, form = read_text_form(ws.report_path)  # saved back with its BOM and line ends
    parse_yaml(text, ws.report_path)  # a syntax error is reported with its line, as on load
    doc = roundtrip_yaml().load(text)
    yield doc
    new_text = dump_roundtrip(doc)
    parse_report(parse_yaml(new_text, ws.report_path))
    write_text_form(ws.report_path, new_text, form)


def create_workspace(path: str | Path, text: str) -> Workspace:
    ws = Workspace(Path(path))
    if ws.report_path.exists():
        raise WorkspaceError(f"“{path}”已是工作区（已有 {REPORT_FILE}），未做改动")
    if ws.path.exists() and not ws.path.is_dir():
        raise WorkspaceError(f"无法新建工作区：“{path}”是一个文件")
    make_dir(ws.path)
    write_atomic(ws.report_path, text)
    return ws


def init_workspace(path: str | Path, agency: str, year: int, level: str) -> Workspace:
    """A new workspace whose report.yaml lists every table cell as 0, commented."""
    from report_writer.formats.spec import format_for_year
    from report_writer.model import Meta
    from report_writer.workspace.skeleton import report_yaml

    fmt = format_for_year(year)
    meta = Meta(agency=agency, year=year, level=level, format=fmt.id)
    text = report_yaml(meta, fmt)
    parse_report(parse_yaml(text, Path(path) / REPORT_FILE))  # what we write must load
    return create_workspace(path, text)
