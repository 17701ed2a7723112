"""Face: the workspace commands — init, check (one or many workspaces), import.

Floor: face (the top); nothing of the core imports it.
"""

from pathlib import Path
from typing import Annotated

import typer

from report_writer.cli.app import DraftFolderOption, Level, app, command
from report_writer.cli.output import (
    echo_findings,
    echo_json,
    print_findings,
    text_table,
    with_progress,
)
from report_writer.commandline import command_line
from report_writer.errors import ChecksFailed, ReportWriterError


@command(app)
def init(
    directory: Annotated[Path, typer.Argument(help="新工作区的文件夹", metavar="工作区")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="机关全称，如：某某区应急管理局", metavar="名称")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="报告年度，如：2024", metavar="年份")
    ] = None,
    level: Annotated[
        Level, typer.Option("--level", help="机关类型：部门 / 人民政府 / 乡镇街道")
    ] = Level.department,
    last: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="上年度的工作区或已发布的报告文件：预填机关、年度、上年结转、现行有效件数和上年问题",
            metavar="工作区或文件",
        ),
    ] = None,
) -> None:
    """新建工作区：生成 report.yaml，三张统计表的每个单元格预填为0并附官方栏目名称。"""
    from report_writer.workspace import init_workspace

    if last is not None:
        if agency is not None or year is not None:
            raise ReportWriterError(
                "使用 --from 时，机关和年度取自上年报告，不能再给 --agency 或 --year"
            )
        from report_writer.importer.previous import init_from

        ws = init_from(directory, last)
    elif agency is None or year is None:
        raise ReportWriterError(
            "请给出 --agency 机关全称 和 --year 报告年度，或用 --from 上年度的工作区或报告文件"
        )
    else:
        ws = init_workspace(directory, agency, year, level.value)
    typer.echo(f"已新建工作区：{ws.path}")
    if last is not None:
        typer.echo(f"上年报告保存在 {ws.path / 'previous'}，已预填上年结转、现行有效件数和上年问题")
    typer.echo(f"下一步：编辑 {ws.report_path}，或运行 {command_line('check', ws.path)}")


@command(app)
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
        Path | None,
        typer.Option(
            "--previous",
            help="上年度的工作区或已发布的报告文件，用于核对上年结转等；不给时使用工作区中的 previous 文件夹",
            metavar="工作区或文件",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="有提示（警告）时也以非零状态退出")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列表输出核对结果")] = False,
    out: DraftFolderOption = None,
) -> None:
    """核对统计表的勾稽关系：有错误时退出码为1，文件无法使用时为2。

    给出多个工作区（或一个存放多个工作区的文件夹）时逐个核对，最后列出汇总表：机关、错误数、提示数。
    """
    from report_writer.check import check_one, find_workspaces

    paths = find_workspaces(directories)
    if len(paths) > 1:
        for name, given in (("--previous", previous), ("--out", out)):
            if given is not None:
                raise ReportWriterError(f"{name} 只能在核对单个工作区时使用")
        check_many(paths, strict, as_json)
        return
    checked = check_one(paths[0], previous, out)
    result = checked.result
    if as_json:
        echo_json([f.to_json() for f in result.findings])
    else:
        typer.echo(checked.report.meta.title)
        if checked.previous is not None:
            typer.echo(f"（与上年报告 {checked.previous} 核对）")
        print_findings(result)
    if result.failed(strict):
        raise typer.Exit(ChecksFailed.exit_code)


@command(app, "import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="已发布的报告：网页文本（.txt）、HTML、Word（.docx）、PDF、Markdown 或 Excel（.xlsx）；"
            "可一次给出多个",
            metavar="报告文件...",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="写入的工作区文件夹（默认：与文件同名的文件夹；仅 --check 时不写入）；"
            "导入多个文件时为存放各工作区的文件夹，每个文件一个工作区，以文件名命名",
            metavar="文件夹",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="报告年度（标题中没有时必须给出）", metavar="年份")
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", help="机关全称（标题中没有时必须给出）", metavar="名称"),
    ] = None,
    run_check: Annotated[
        bool, typer.Option("--check", help="导入后立即核对勾稽关系（有错误时退出码为1）")
    ] = False,
) -> None:
    """导入已发布的报告：读出标题、三张统计表和第一、五、六部分的文字，写成工作区。

    读不出或有歧义的单元格留空（null），不猜测，全部列入导入记录 import-log.yaml。
    一次导入多个文件时，每个文件写成一个工作区，最后列出汇总表。"""
    if len(sources) > 1:
        if year is not None or agency is not None:
            raise ReportWriterError("--year 和 --agency 只能用于导入单个文件")
        # as for one file: written beside the current folder, or only checked with --check
        import_many(sources, out if out is not None or run_check else Path("."), run_check)
        return
    from report_writer.commands import import_and_check

    source = sources[0]
    target = out if out is not None or run_check else Path(source.stem)
    outcome = import_and_check(source, target, year=year, agency=agency, run_check=run_check)
    result = outcome.result
    typer.echo(f"已读取：{result.agency}{result.year}年报告（{outcome.layout_label}）")
    shown_as_errors = ("published",) if outcome.check is not None else ()  # listed below
    for entry in result.log:
        if entry.kind not in ("blank", "split", *shown_as_errors):
            typer.echo(f"  {entry}")
    blanks = sum(1 for e in result.log if e.kind == "blank")
    if blanks:
        typer.echo(f"  另有{blanks}个单元格原文为“/”或空白，按空值（未知）导入")
    splits = sum(1 for e in result.log if e.kind == "split")
    if splits:  # each cut is certain; the log says which
        typer.echo(
            f"  另有{splits}行数字连在一起，拆分方式是确定的，已读出（逐行见 import-log.yaml）"
        )
    if outcome.workspace is not None:
        typer.echo(f"已写入工作区：{outcome.workspace.path}（导入记录见 import-log.yaml）")
    if outcome.check is not None:
        print_findings(outcome.check)
        if outcome.check.failed():
            raise typer.Exit(ChecksFailed.exit_code)


def import_many(sources: list[Path], out: Path | None, run_check: bool) -> None:
    """`import` of many files: a workspace each under `out`, a progress bar, a summary table."""
    from report_writer.commands import import_many as import_each

    rows = list(
        with_progress(import_each(sources, out, run_check=run_check), len(sources), "导入中")
    )
    header = ["文件", "机关", "年度", "读出单元格", "留空单元格", "错误"]
    body = [
        [
            r.source.name,
            r.outcome.result.agency if r.outcome else "（无法导入）",
            str(r.outcome.result.year) if r.outcome else "—",
            str(r.read) if r.outcome else "—",
            str(r.empty) if r.outcome else "—",
            "—" if r.errors is None else str(r.errors),
        ]
        for r in rows
    ]
    for line in text_table(header, body, right=(2, 3, 4, 5)):
        typer.echo(line)
    failed = [r for r in rows if r.outcome is None]
    with_errors = sum(1 for r in rows if r.errors)
    checked = "" if not run_check else f"，{with_errors} 份核对有错误"
    where = f"（工作区在 {out}）" if out is not None else "（仅核对，未写入工作区）"
    typer.echo(
        f"共导入 {len(rows) - len(failed)} 份报告{where}{checked}，{len(failed)} 份无法导入。"
    )
    for r in failed:
        typer.echo(f"错误：{r.source}：{r.problem}", err=True)
    if failed:
        raise typer.Exit(ReportWriterError.exit_code)
    if with_errors:
        raise typer.Exit(ChecksFailed.exit_code)


def check_many(paths: list[Path], strict: bool, as_json: bool) -> None:
    """`check` over many workspaces: a progress bar, then one summary table."""
    from report_writer.check import check_workspaces

    results = list(with_progress(check_workspaces(paths), len(paths), "核对中"))
    if as_json:
        echo_json([r.to_json() for r in results])
    else:
        for r in results:
            if r.findings:
                typer.echo(f"{r.agency}{r.year}年报告（{r.path}）")
                echo_findings(r.findings)
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
