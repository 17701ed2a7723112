"""The command line: parse arguments, call one core function, print the result, set the exit code.

Heavy libraries (jinja2, python-docx, prompt_toolkit) are imported inside the commands that need
them, so that `report-writer --help` starts as fast as typer allows.
"""

from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TextIO, TypeVar

import typer

from report_writer.errors import ChecksFailed, ReportWriterError

T = TypeVar("T")

app = typer.Typer(
    name="report-writer",
    help="报告起草助手：起草、核对政府信息公开工作年度报告。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Level(StrEnum):
    department = "department"
    government = "government"
    township = "township"


def fail(exc: ReportWriterError) -> NoReturn:
    typer.echo(f"错误：{exc}", err=True)
    raise typer.Exit(exc.exit_code)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="新工作区的文件夹")],
    agency: Annotated[str, typer.Option("--agency", help="机关全称，如：某某区应急管理局")],
    year: Annotated[int, typer.Option("--year", help="报告年度，如：2024")],
    level: Annotated[
        Level, typer.Option("--level", help="机关类型：部门 / 人民政府 / 乡镇街道")
    ] = Level.department,
) -> None:
    """新建工作区：生成 report.yaml，三张统计表的每个单元格预填为0并附官方栏目名称。"""
    from report_writer.workspace import init_workspace

    try:
        ws = init_workspace(directory, agency, year, level.value)
    except ReportWriterError as exc:
        fail(exc)
    typer.echo(f"已新建工作区：{ws.path}")
    typer.echo(f"下一步：编辑 {ws.report_path}，或运行 report-writer check {ws.path}")


@app.command()
def check(
    directories: Annotated[
        list[Path],
        typer.Argument(
            help="工作区文件夹；可给多个，或给一个存放多个工作区的文件夹",
            metavar="工作区",
            show_default=False,
        ),
    ],
    previous: Annotated[
        Path | None, typer.Option("--previous", help="上年度的工作区，用于核对上年结转等")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="有提示（警告）时也以非零状态退出")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列表输出核对结果")] = False,
) -> None:
    """核对统计表的勾稽关系：有错误时退出码为1，文件无法使用时为2。

    给出多个工作区（或一个存放多个工作区的文件夹）时逐个核对，最后列出汇总表：机关、错误数、提示数。
    """
    from report_writer.check import check_workspace_report, find_workspaces
    from report_writer.workspace import load_report, open_workspace

    paths = find_workspaces(directories)
    if len(paths) > 1:
        if previous is not None:
            fail(ReportWriterError("--previous 只能在核对单个工作区时使用"))
        check_many(paths, strict, as_json)
        return
    try:
        report = load_report(open_workspace(paths[0]))
        last = load_report(open_workspace(previous)) if previous else None
    except ReportWriterError as exc:
        fail(exc)
    result = check_workspace_report(report, paths[0], last, previous)
    if as_json:
        typer.echo(json.dumps([f.to_json() for f in result.findings], ensure_ascii=False, indent=2))
    else:
        typer.echo(report.meta.title)
        for f in result.findings:
            label = "错误" if f.severity == "error" else "提示"
            typer.echo(f"  {label} {f.code}  {f.message}")
        if not result.findings:
            typer.echo("  ✓ 各项勾稽关系核对无误")
        typer.echo(f"共 {len(result.errors)} 处错误，{len(result.warnings)} 处提示。")
    if result.failed(strict):
        raise typer.Exit(ChecksFailed.exit_code)


def check_many(paths: list[Path], strict: bool, as_json: bool) -> None:
    """`check` over many workspaces: a progress bar, then one summary table."""
    from report_writer.check import check_workspaces

    results = list(with_progress(check_workspaces(paths), len(paths), "核对中"))
    if as_json:
        rows = [{**r.__dict__, "path": str(r.path)} for r in results]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        header = ["工作区", "机关", "年度", "错误", "提示"]
        body = [
            [r.path.name, r.agency or "", str(r.year), str(r.errors), str(r.warnings)]
            if r.problem is None
            else [r.path.name, "（无法读取）", "—", "—", "—"]
            for r in results
        ]
        for line in text_table(header, body, right=(2, 3, 4)):
            typer.echo(line)
        unusable = [r for r in results if r.problem is not None]
        with_errors = sum(1 for r in results if r.errors)
        warnings_only = sum(1 for r in results if r.warnings and not r.errors)
        typer.echo(
            f"共核对 {len(results)} 个工作区：{with_errors} 个有错误，{warnings_only} 个只有提示，"
            f"{len(unusable)} 个无法读取，{len(results) - with_errors - warnings_only - len(unusable)} 个核对无误。"
        )
        for r in unusable:
            typer.echo(f"错误：{r.problem}", err=True)
    if any(r.problem for r in results):
        raise typer.Exit(ReportWriterError.exit_code)
    if any(r.failed(strict) for r in results):
        raise typer.Exit(ChecksFailed.exit_code)


def with_progress(
    items: Iterable[T], total: int, label: str, stream: TextIO | None = None, delay: float = 1.0
) -> Iterator[T]:
    """Yield the items; once `delay` seconds have passed, show a progress bar on stderr if it is a
    terminal (never in pipes, files or logs)."""
    stream = stream or sys.stderr
    started = time.monotonic()
    with ExitStack() as stack:
        bar = None
        for done, item in enumerate(items, 1):
            yield item
            if bar is not None:
                bar.update(1)
            elif time.monotonic() - started >= delay and stream.isatty():
                bar = stack.enter_context(typer.progressbar(length=total, label=label, file=stream))
                bar.update(done)


def text_table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """Lines of a plain-text table; Chinese characters count two columns wide."""

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - width(text))
            cells.append(pad + text if i in right else text + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def main() -> None:
    """Entry point: the one place that exits. An unexpected exception is a defect in this tool;
    it is reported in one line (set REPORT_WRITER_DEBUG=1 for the traceback)."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("\n已中断。", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("REPORT_WRITER_DEBUG"):
            raise
        typer.echo(
            f"内部错误：{type(exc).__name__}: {exc}\n这是报告起草助手的缺陷，请把以上信息告诉维护人员"
            "（设置环境变量 REPORT_WRITER_DEBUG=1 可显示详细信息）。",
            err=True,
        )
        sys.exit(70)
