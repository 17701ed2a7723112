"""Face: the drafting commands — interview, build, regenerate, explain.

Floor: face (the top); nothing of the core imports it.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from report_writer.cli.app import DraftFolderOption, PhrasebankOption, app, command
from report_writer.cli.output import echo_findings, print_findings
from report_writer.commandline import command_line
from report_writer.errors import ChecksFailed, ReportWriterError


@command(app)
def interview(
    directory: Annotated[
        Path, typer.Argument(help="工作区文件夹（不存在时新建）", metavar="工作区")
    ],
    revisit: Annotated[
        str | None,
        typer.Option(
            "--revisit",
            help="重新询问某一部分（一至六），以现有答案为默认值：回车或 /skip 保留，列表题第一行输入“无”清空",
            metavar="部分",
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="不提问，直接套用此文件中的答案（键同 report.yaml）；有一个值不可用时不做任何改动，退出码为2",
            metavar="文件",
        ),
    ] = None,
    phrasebank: PhrasebankOption = None,
) -> None:
    """逐项问答，填写报告的事实和数字，最后核对并生成初稿。

    每个答案立即保存到 report.yaml。Ctrl-C 或 Ctrl-D 随时保存并退出（Ctrl-C 的退出码为130），
    再次运行同一命令即从第一个未回答的问题继续。最后列出核对结果和生成的文件：核对发现错误时退出码为1。
    """
    from report_writer.commands import answers_and_build, interview_and_build

    banks = phrasebank or []
    if answers is not None:
        result = answers_and_build(directory, answers, phrasebanks=banks)
    elif not sys.stdin.isatty():
        raise ReportWriterError(
            "interview 需要在终端中逐项问答，当前没有终端（输入来自管道或文件）。"
            f"在脚本中请用 --answers 答案.yaml 提供答案，例如：{command_line('interview', directory)} --answers 答案.yaml"
        )
    else:
        from report_writer.interview.terminal import Terminal

        terminal = Terminal()
        result = interview_and_build(
            directory, terminal.ask, terminal.say, revisit=revisit, phrasebanks=banks
        )
    if result.status != "finished":
        if result.workspace is None:
            typer.echo("\n尚未新建工作区，没有需要保存的内容。")
        else:
            typer.echo(f"\n已保存到 {result.workspace.report_path}。")
            typer.echo(f"继续填写请运行：{command_line('interview', directory)}")
        if result.status == "interrupted":
            raise typer.Exit(130)
        return
    if answers is None:
        typer.echo("\n── 核对勾稽关系 ──")
    assert result.check is not None
    print_findings(result.check)
    for note in result.notes:
        typer.echo(f"注意：{note}")
    typer.echo("初稿已生成：")
    for path in result.paths:
        typer.echo(f"  {path}")
    if answers is None:
        part, why = result.revisit
        revisit = f"{command_line('interview', directory)} --revisit"
        if part:
            typer.echo(f"{why}，运行：{revisit} {part}")
        else:
            typer.echo(f"{why}，运行：{revisit} 部分编号（{'、'.join('一二三四五六')}）")
    if result.check.failed():
        raise typer.Exit(ChecksFailed.exit_code)


@command(app)
def build(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
    formats: Annotated[
        str, typer.Option("--format", help="输出格式，以逗号分隔：md、html、docx", metavar="格式")
    ] = "md,html,docx",
    out: DraftFolderOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="核对发现错误或提示时不生成文件，退出码为1")
    ] = False,
    phrasebank: PhrasebankOption = None,
) -> None:
    """生成报告草稿 draft.md（可直接修改）、draft.html、draft.docx。

    先核对统计表，有错误时列出并照常生成（--strict 时不生成）。输出文件夹中 draft.md 有人工修改的部分保留不动，HTML 和 Word 采用修改后的文字。
    """
    from report_writer.build import build as build_drafts

    result = build_drafts(directory, formats.split(","), out, strict, phrasebank or [])
    echo_findings(result.check.findings)
    if result.stopped:
        typer.echo("核对未通过（--strict），未生成文件。", err=True)
        raise typer.Exit(ChecksFailed.exit_code)
    for note in result.notes:
        typer.echo(f"注意：{note}")
    for path in result.written:
        typer.echo(f"已生成：{path}")
    if result.conflicts:
        for message in result.conflicts:
            typer.echo(f"冲突：{message}", err=True)
        typer.echo("draft.md 与 draft.docx 的修改有冲突未解决，HTML 和 Word 暂未更新。", err=True)
        raise typer.Exit(ChecksFailed.exit_code)


@command(app)
def regenerate(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
    section: Annotated[
        str,
        typer.Option(
            "--section", help="要重新生成的部分：一、二、三、四、五、六 或 开头", metavar="部分"
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="丢弃这一部分的人工修改，完全按最新答案重写")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示 draft.md 将如何变化（统一差异格式），不写文件")
    ] = False,
    out: DraftFolderOption = None,
    phrasebank: PhrasebankOption = None,
) -> None:
    """按最新的答案和表述库重新生成 draft.md 的一个部分，其他部分一字不动，并重新生成 HTML 和 Word。

    这一部分有人工修改时逐句三方合并：只改了一方的句子取改动后的文字；双方改了同一句时留下冲突标记。
    """
    from report_writer.build import regenerate as regenerate_region

    result = regenerate_region(directory, section, force, dry_run, phrasebank or [], out)
    unchanged = f"“{result.section}”没有变化。" if not result.notes else ""
    if dry_run:
        typer.echo(result.diff or unchanged, nl=bool(not result.diff and unchanged))
        for note in result.notes:
            typer.echo(f"注意：{note}")
        return
    if not result.changed:
        if unchanged:
            typer.echo(unchanged)
    elif result.backup is not None:
        typer.echo(
            f"已按最新答案重写“{result.section}”（人工修改已丢弃；改前的 draft.md 另存为 "
            f"{result.backup}）。"
        )
    elif force:
        typer.echo(f"已按最新答案重写“{result.section}”。")
    elif result.waiting:
        typer.echo(
            f"draft.md 与 draft.docx 的修改有{len(result.conflicts)}处冲突，已在 draft.md 中标出；"
            f"解决后再重新生成“{result.section}”。"
        )
    elif result.conflicts:
        typer.echo(f"已重新生成“{result.section}”；合并人工修改时有{len(result.conflicts)}处冲突。")
    elif result.merged:
        typer.echo(f"已重新生成“{result.section}”，并合并了其中的人工修改。")
    else:
        typer.echo(f"已重新生成“{result.section}”。")
    for note in result.notes:
        typer.echo(f"注意：{note}")
    for path in result.written:
        typer.echo(f"已生成：{path}")
    if result.conflicts:
        for message in result.conflicts:
            typer.echo(f"冲突：{message}", err=True)
        typer.echo("有冲突未解决，HTML 和 Word 暂未更新。", err=True)
        raise typer.Exit(ChecksFailed.exit_code)


@command(app)
def explain(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
    section: Annotated[
        str | None,
        typer.Option("--section", help="只看这一部分：一 至 六 或 开头", metavar="部分"),
    ] = None,
    out: DraftFolderOption = None,
    phrasebank: PhrasebankOption = None,
    cell: Annotated[
        str | None,
        typer.Option(
            "--cell",
            help="说明统计表中一个数字的来源，如 applications.new.total（键同 report.yaml 的 tables；只给到行则说明整行）",
            metavar="单元格",
        ),
    ] = None,
) -> None:
    """逐句说明草稿的来源：表述编号、所在表述库，以及用到的答案和表格数字；人工写的句子标为“人工编辑”。

    给出 --cell 时说明统计表中这个数字从哪来：汇总得到的，列出每个单位的数字；否则指出它在 report.yaml 中的位置。"""
    from report_writer.build import explain as explain_draft
    from report_writer.document import FIXED
    from report_writer.phrasebank import layer_label

    if cell is not None:
        from report_writer.cli.office import explain_cell

        if section is not None or out is not None:
            raise ReportWriterError(
                "--cell 说明的是统计表中的数字，不能与 --section 或 --out 同时使用"
            )
        explain_cell(directory, cell)
        return
    regions = explain_draft(directory, section, phrasebank or [], out)
    for region in regions:
        typer.echo(region.name + ("（有人工修改）" if region.edited else ""))
        for item in region.items:
            if item.kind == "heading":
                typer.echo(f"  【标题】{item.text}")
                continue
            if item.kind == "table":
                typer.echo(f"  【表格】数字取自 report.yaml 的 tables.{item.text}，合计由工具计算")
                continue
            typer.echo(f"  “{item.text}”")
            if not item.sources:
                typer.echo("      人工编辑")
            for src in item.sources:
                if src.layer == FIXED:
                    origin = "固定表述"
                elif src.phrase_id is None:
                    origin = "答案原文（办事人员自己填写的文字）"
                else:
                    origin = f"表述 {src.phrase_id}（{layer_label(src.layer)}）"
                uses = f" · 用到 {'、'.join(src.uses)}" if src.uses else ""
                typer.echo(f"      {origin}{uses}")
