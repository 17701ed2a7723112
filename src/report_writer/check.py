"""`check`: every cross-check of a report, against last year's report where one is given; and
the same over many workspaces at once (a 主管部门 checking a whole city's reports).

Floor: orchestration. Must not import from the floors above (chains and up).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.errors import ReportWriterError
from report_writer.formats.checks import Context, Finding, run_rules
from report_writer.model import Report

# Checking many workspaces uses several processes only when each gets at least this many: starting
# a process costs about as much as checking 20 workspaces.
WORKSPACES_PER_PROCESS = 50


class CheckResult(Struct, frozen=True):
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def check_report(report: Report, previous: Report | None = None) -> CheckResult:
    ctx = Context(
        level=report.meta.level,
        tier=report.meta.tier,
        previous=previous.figures if previous else None,
    )
    return CheckResult(run_rules(report.figures, ctx))


def check_workspace_report(
    report: Report,
    folder: Path,
    previous: Report | None = None,
    previous_folder: Path | None = None,
) -> CheckResult:
    """check_report, plus the draft checks (H4, H5, H8) when the workspace has a draft.md, and
    those of a workspace made by `aggregate` (A1, A2)."""
    from report_writer.draft.checks import draft_findings
    from report_writer.workspace.aggregate_log import log_findings

    result = check_report(report, previous)
    extra = draft_findings(report, folder, previous_folder) + log_findings(report, folder)
    return CheckResult(result.findings + extra)


class WorkspaceCheck(Struct, frozen=True):
    """The outcome for one of many workspaces: its findings, or why it could not be read."""

    path: Path
    agency: str | None = None
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None  # the message when the workspace could not be used

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problem or self.errors or (strict and self.warnings))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "agency": self.agency,
            "year": self.year,
            "errors": self.errors,
            "warnings": self.warnings,
            "problem": self.problem,
            "findings": [f.to_json() for f in self.findings],
        }


def find_workspaces(paths: list[Path]) -> list[Path]:
    """Each path is a workspace, or a folder whose subfolders are workspaces (taken in name
    order). A path that is neither is kept, so that checking it names the problem."""
    from report_writer.workspace import has_report

    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not has_report(path):
            inner = sorted(p for p in path.iterdir() if p.is_dir() and has_report(p))
            found.extend(inner or [path])
        else:
            found.append(path)
    return found


def units_in(paths: list[Path]) -> list[Path]:
    """find_workspaces for the commands over a whole office (aggregate, overview): a path that
    does not exist, or a folder holding no workspace at all, is an error rather than a row."""
    from report_writer.errors import InputError
    from report_writer.workspace import REPORT_FILE, has_report

    for path in paths:
        if not path.exists():
            raise InputError(f"找不到“{path}”：请给出单位的工作区，或存放这些工作区的文件夹")
    found = find_workspaces(paths)
    if not any(p.is_dir() and has_report(p) for p in found):
        named = "、".join(str(p) for p in paths)
        raise InputError(
            f"{named} 中没有工作区（含 {REPORT_FILE} 的文件夹）：请给出单位的工作区，或存放这些工作区的文件夹"
        )
    return found


def check_workspace(path: Path) -> WorkspaceCheck:
    """Check one workspace as `check DIR` does (its draft, and its `previous/` folder when it has
    one); an unusable workspace is reported, not raised."""
    from report_writer.importer.previous import load_previous
    from report_writer.workspace import load_report, open_workspace
    from report_writer.workspace.previous import default_previous

    try:
        report = load_report(open_workspace(path))
        last_path = default_previous(path)
        last = load_previous(last_path) if last_path else None
        result = check_workspace_report(
            report, path, last.report if last else None, last.folder if last else None
        )
    except ReportWriterError as exc:
        return WorkspaceCheck(path, problem=str(exc))
    return WorkspaceCheck(path, report.meta.agency, report.meta.year, result.findings)


class Checked(Struct, frozen=True):
    """`check DIR`: the report, what was found, and the previous year's report it was checked
    against (None when there was none)."""

    report: Report
    result: CheckResult
    previous: Path | None


def check_one(path: Path, previous: Path | None = None, out: Path | None = None) -> Checked:
    """Check one workspace: its tables, the draft in `out` (default: the workspace), and last
    year's report `previous` (default: the workspace's `previous/` folder, when it has one)."""
    from report_writer.importer.previous import load_previous
    from report_writer.workspace import load_report, open_workspace
    from report_writer.workspace.previous import default_previous

    if out is not None and not (out / "draft.md").is_file():
        raise ReportWriterError(f"{out / 'draft.md'} 不存在：请给出 build --out 写入草稿的文件夹")
    report = load_report(open_workspace(path))
    last_path = previous or default_previous(path)
    last = load_previous(last_path) if last_path else None
    result = check_workspace_report(
        report, out or path, last.report if last else None, last.folder if last else None
    )
    return Checked(report, result, last_path)


def check_workspaces(paths: list[Path]) -> Iterator[WorkspaceCheck]:
    """Check many workspaces, yielding each outcome in order as it is ready. Beyond a few dozen,
    they are shared out over the processor's cores."""
    jobs = min(os.cpu_count() or 1, len(paths) // WORKSPACES_PER_PROCESS)
    if jobs < 2:
        yield from map(check_workspace, paths)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, initializer=_ignore_interrupts) as pool:
        yield from pool.map(check_workspace, paths, chunksize=WORKSPACES_PER_PROCESS // 2)


def _ignore_interrupts() -> None:
    """In a worker process: Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
