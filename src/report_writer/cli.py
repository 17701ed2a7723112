"""The command line: parse arguments, call one core function, print the result, set the exit code.

Heavy libraries (jinja2, python-docx, prompt_toolkit) are imported inside the commands that need
them, so that `report-writer --help` starts as fast as typer allows.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from report_writer.errors import ChecksFailed, ReportWriterError

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
    directory: Annotated[Path, typer.Argument(help="工作区文件夹")],
    previous: Annotated[
        Path | None, typer.Option("--previous", help="上年度的工作区，用于核对上年结转等")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="有提示（警告）时也以非零状态退出")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列表输出核对结果")] = False,
) -> None:
    """核对统计表的勾稽关系：有错误时退出码为1，文件无法使用时为2。"""
    from report_writer.check import check_report
    from report_writer.workspace import load_report, open_workspace

    try:
        report = load_report(open_workspace(directory))
        last = load_report(open_workspace(previous)) if previous else None
    except ReportWriterError as exc:
        fail(exc)
    result = check_report(report, last)
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
