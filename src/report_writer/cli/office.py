"""Face: the commands of a 政务公开办 over many units — aggregate (a government's tables as the
sums of its units') and overview (one page of every unit) — and how `explain --cell` says where a
figure of the tables comes from.

Floor: face (the top); nothing of the core imports it.
"""

from pathlib import Path
from typing import Annotated

import typer

from report_writer.cli.app import app, command
from report_writer.cli.output import echo_findings, text_table, with_progress
from report_writer.commandline import command_line
from report_writer.errors import ChecksFailed

NULLS_SHOWN = 10  # the cells whose sum is null named on the terminal; the log has them all


@command(app)
def aggregate(
    directories: Annotated[
        list[Path],
        typer.Argument(
            help="所属单位的工作区（起草的或导入的）；可给多个，或给一个存放这些工作区的文件夹",
            metavar="单位工作区",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("-o", "--out", help="人民政府的汇总工作区（不存在时新建）", metavar="文件夹"),
    ],
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", help="人民政府全称，如：某某区人民政府（新建时必须给出）", metavar="名称"
        ),
    ] = None,
    include_errors: Annotated[
        bool,
        typer.Option(
            "--include-errors", help="统计表有错误的单位也计入汇总（汇总记录中写明计入了哪些错误）"
        ),
    ] = False,
) -> None:
    """汇总所属单位的统计表：人民政府工作区的表二、表三、表四逐格等于各单位之和。

    先逐个核对各单位：统计表有错误的单位列出并不计入（--include-errors 时照样计入）。任一单位某格为空（未知）时，该格的汇总数也为空。

    每格的来源记入 aggregate-log.yaml，可用 report-writer explain 工作区 --cell applications.new.total 查询。再次运行只更新统计表和 answers.units，人民政府自己的答案、表述和 draft.md 中的人工修改都保留。

    有单位未计入或汇总结果核对有错误时退出码为1；输入无法汇总（年度不同、同一机关重复、2019年与2021年格式混合）时为2。"""
    from report_writer.aggregate import aggregate as aggregate_units
    from report_writer.workspace.aggregate_log import LOG_FILE

    result = aggregate_units(directories, out, agency, include_errors)
    done = "已新建" if result.created else "已更新"
    typer.echo(
        f"{done}汇总工作区 {result.workspace}（{result.agency}{result.year}年）："
        f"汇总了 {len(result.included)} 个单位的统计表"
    )
    for name, messages in result.with_errors.items():
        typer.echo(f"  计入了有错误的单位（--include-errors）：{name}")
        for m in messages:
            typer.echo(f"    {m}")
    if result.left_out:
        typer.echo(
            f"未计入 {len(result.left_out)} 个统计表有错误的单位（改正后重新运行，或加 --include-errors）："
        )
        for name, messages in result.left_out.items():
            typer.echo(f"  {name}")
            for m in messages:
                typer.echo(f"    {m}")
    if result.nulls:
        typer.echo(f"{len(result.nulls)} 个单元格的汇总数为空，因为有单位的这一格为空（未知）：")
        for s in result.nulls[:NULLS_SHOWN]:
            typer.echo(f"  tables.{'.'.join(s.key)}：{'、'.join(s.missing)}")
        if len(result.nulls) > NULLS_SHOWN:
            typer.echo(f"  ……其余见 {result.workspace / LOG_FILE}")
    for note in result.notes:
        typer.echo(f"注意：{note}")
    if not result.created:
        typer.echo(f"与上次相比，{len(result.changed)} 个单元格的数字有变化。")
    summed = [f for f in result.facts if f.value is not None]
    facts = [f"单位个数 {len(result.included)}", *(f"{f.label} {f.value}" for f in summed)]
    typer.echo(f"可供正文使用的汇总情况（写入 answers.units）：{'；'.join(facts)}")
    for f in result.facts:
        if f.value is None:
            typer.echo(f"  {f.label}未汇总：{'、'.join(f.missing)}未填写 {f.source}")
    typer.echo("── 核对汇总结果 ──")
    check = result.check
    empty = [f for f in check.findings if f.code == "C0" and f.severity == "warning"]
    echo_findings([f for f in check.findings if f not in empty])
    if not check.findings:
        typer.echo("  ✓ 各项勾稽关系核对无误")
    also = f"（其中 {len(empty)} 处是上面列出的空单元格）" if empty else ""
    typer.echo(f"共 {len(check.errors)} 处错误，{len(check.warnings)} 处提示{also}。")
    typer.echo(f"下一步：{command_line('build', result.workspace)}")
    if result.left_out or result.check.failed():
        raise typer.Exit(ChecksFailed.exit_code)


@command(app)
def overview(
    directories: Annotated[
        list[Path],
        typer.Argument(
            help="存放各单位工作区的文件夹，或多个工作区（起草的、导入的或汇总的）",
            metavar="工作区",
            show_default=False,
        ),
    ],
    to: Annotated[
        Path,
        typer.Option("--to", help="写入的文件：网页（.html）或电子表格（.xlsx）", metavar="文件"),
    ],
) -> None:
    """总览：一个网页（或电子表格）列出每个单位的主要数字、核对结果和草稿状态，并附图表。

    网页可离线打开：单位表可点击表头排序，错误和提示数可点击查看明细；图表为各单位新收申请、办理结果，以及有 previous 文件夹（上年报告）的单位的本年与上年对比。"""
    from report_writer.check import units_in
    from report_writer.overview import output_kind, survey, title_for, write_overview

    output_kind(to)  # a name that cannot be written is refused before anything is read
    paths = units_in(directories)
    rows = list(with_progress(survey(paths), len(paths), "读取中"))
    years = {r.year for r in rows if r.year}
    title = title_for(directories, years.pop() if len(years) == 1 else None)
    write_overview(rows, to, title)
    failing = sum(1 for r in rows if r.errors or r.problem)
    typer.echo(f"已写入总览：{to}（{len(rows)} 个工作区，其中 {failing} 个有错误或无法读取）")


def explain_cell(directory: Path, cell: str) -> None:
    """`explain --cell`: where a figure of the tables comes from; the units' figures of a summed
    cell (of a whole row: one column per cell) as a table."""
    from report_writer.aggregate import explain_cells
    from report_writer.formats.checks import fmt_number

    origins = explain_cells(directory, cell)

    def shown(value: object) -> str:
        return "空" if value is None else str(value)

    summed = [o for o in origins if o.how == "summed"]
    for o in origins:
        typer.echo(f"{o.label}（tables.{'.'.join(o.key)}）：{fmt_number(o.value)}")
        at = f"report.yaml 第{o.line}行" if o.line else "report.yaml"
        if o.how == "summed":
            if fmt_number(o.value) != shown(o.summed):
                typer.echo(
                    f"  注意：汇总数为{shown(o.summed)}，{at}中的数字在汇总后被改过；"
                    "重新运行 aggregate 会恢复为各单位之和"
                )
            if o.missing:
                typer.echo(f"  {'、'.join(o.missing)}的这一格为空（未知），所以汇总数也为空")
        elif o.how == "given":
            typer.echo(f"  填写在 {at}")
        elif o.how == "derived":
            typer.echo("  report.yaml 中未填写，由工具按各项之和计算")
        else:
            typer.echo("  report.yaml 中未填写，按0计")
    if not summed:
        return
    first = summed[0]
    typer.echo(f"由 {len(first.parts)} 个单位的数字逐格汇总（见 {first.log}，{first.made}）：")
    columns = [o.label.rsplit(" · ", 1)[-1] for o in summed]
    rows = [
        [agency, *(shown(o.parts[i][2]) for o in summed), path]
        for i, (agency, path, _) in enumerate(first.parts)
    ]
    rows.append(["合计", *(shown(o.summed) for o in summed), ""])
    right = tuple(range(1, len(columns) + 1))
    for line in text_table(["单位", *columns, "工作区"], rows, right=right):
        typer.echo(f"  {line}")
