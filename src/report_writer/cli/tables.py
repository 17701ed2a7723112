"""Face: the tables commands — export 表二、三、四 to an Excel workbook, import them from one.

Floor: face (the top); nothing of the core imports it.
"""

from pathlib import Path
from typing import Annotated

import typer

from report_writer.cli.app import app, command
from report_writer.cli.output import print_findings
from report_writer.errors import ChecksFailed

tables_app = typer.Typer(
    help="统计表与 Excel：把表二、表三、表四导出为 .xlsx，或从 .xlsx 读入 report.yaml。",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(tables_app, name="tables")


@command(tables_app, "export")
def tables_export(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
    to: Annotated[
        Path, typer.Option("--to", help="写入的 Excel 工作簿（.xlsx）", metavar="表格.xlsx")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="工作簿已存在时覆盖它（默认不覆盖）")
    ] = False,
) -> None:
    """把表二、表三、表四按官方格式（合并的表头、栏目名称）写成 Excel 工作簿，每表一页。"""
    from report_writer.tables_xlsx import export_tables

    typer.echo(f"已生成：{export_tables(directory, to, force)}")


@command(tables_app, "import")
def tables_import(
    source: Annotated[Path, typer.Argument(help="Excel 工作簿（.xlsx）", metavar="表格")],
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
) -> None:
    """从 Excel 工作簿读出表二、表三、表四的数字写入 report.yaml（保留注释），然后核对。

    “/”、空白或读不出的单元格记为空值（未知），不当作0，全部列入导入记录 tables-import-log.yaml。"""
    from report_writer.commands import tables_import_and_check

    result = tables_import_and_check(source, directory)
    for entry in result.log:
        if entry.kind != "blank":
            typer.echo(f"  {entry}")
    blanks = sum(1 for e in result.log if e.kind == "blank")
    if blanks:
        typer.echo(f"  另有{blanks}个单元格为“/”或空白，按空值（未知）导入")
    if result.missing:
        typer.echo(f"工作簿中没有{'、'.join(result.missing)}，report.yaml 中这些表未改动。")
    if result.changes:
        typer.echo(f"已写入 {directory / 'report.yaml'}（{len(result.changes)}个数字有变化）：")
        for change in result.changes:
            typer.echo(f"  {change}")
    else:
        typer.echo("表格中的数字与 report.yaml 相同，未改动。")
    typer.echo(f"导入记录见 {result.log_file}")
    if result.check is not None:
        print_findings(result.check)
        if result.check.failed():
            raise typer.Exit(ChecksFailed.exit_code)
