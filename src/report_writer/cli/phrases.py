"""Face: the `phrasebank` commands — list, show, search, lint, add, harvest.

Floor: face (the top); nothing of the core imports it.
"""

from pathlib import Path
from typing import Annotated

import typer

from report_writer.cli.app import PhrasebankOption, command, phrasebank_app
from report_writer.cli.output import echo_phrases


@command(phrasebank_app, "list")
def phrasebank_list(
    slot: Annotated[
        str | None, typer.Option("--slot", help="只列出这一段落的表述", metavar="段落")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", help="只列出带这一标签的表述", metavar="标签")
    ] = None,
    folders: PhrasebankOption = None,
) -> None:
    """列出表述：编号、段落、所在表述库和开头文字。"""
    from report_writer.phrasebank import list_phrases

    phrases = list_phrases(folders or [], slot=slot, tag=tag)
    echo_phrases(phrases, "共")


@command(phrasebank_app, "show")
def phrasebank_show(
    phrase_id: Annotated[
        str, typer.Argument(help="表述编号，如 requests.counts.plain", metavar="编号")
    ],
    folders: PhrasebankOption = None,
) -> None:
    """显示一条表述的全文、所在文件和表述库。"""
    from report_writer.phrasebank import layer_label, show_phrase

    p = show_phrase(folders or [], phrase_id)
    typer.echo(f"编号：{p.id}")
    typer.echo(f"段落：{p.slot}")
    typer.echo(f"表述库：{layer_label(p.layer)}")
    typer.echo(f"文件：{p.file}")
    if p.when:
        typer.echo(f"适用条件：{p.when}")
    if p.tags:
        typer.echo(f"标签：{'、'.join(p.tags)}")
    if p.note:
        typer.echo(f"说明：{p.note}")
    if p.draft:
        typer.echo("状态：草稿（不会被选用）")
    typer.echo(f"正文：{p.text}")


@command(phrasebank_app, "search")
def phrasebank_search(
    words: Annotated[
        list[str], typer.Argument(help="要查找的词语（全部包含才算匹配）", metavar="词语")
    ],
    folders: PhrasebankOption = None,
) -> None:
    """在编号、正文、标签和说明中查找表述。"""
    from report_writer.phrasebank import list_phrases

    phrases = list_phrases(folders or [], words=words)
    echo_phrases(phrases, "找到")


@command(phrasebank_app, "lint")
def phrasebank_lint(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(help="要检查的表述库文件夹（不给时检查内置表述库）", metavar="文件夹"),
    ] = None,
) -> None:
    """检查表述库：格式、重复编号、未知段落、未定义的答案、不安全的模板、标点。有问题时退出码为1。"""
    from report_writer.narrative import vocabulary
    from report_writer.phrasebank import lint_folders

    report = lint_folders(vocabulary(), folders or [])
    for issue in report.issues:
        typer.echo(f"  {issue}")
    if report.issues:
        typer.echo(f"检查了 {report.phrases} 条表述，发现 {len(report.issues)} 处问题。")
        raise typer.Exit(1)
    typer.echo(f"✓ 检查了 {report.phrases} 条表述，未发现问题。")


@command(phrasebank_app, "add")
def phrasebank_add(
    slot: Annotated[
        str, typer.Option("--slot", help="所属段落，如 problems.timeliness", metavar="段落")
    ],
    text: Annotated[
        str, typer.Option("--text", help="表述正文（可含 {{ 答案 }}）", metavar="文字")
    ],
    to: Annotated[Path, typer.Option("--to", help="团队表述库文件夹", metavar="文件夹")],
    phrase_id: Annotated[
        str | None,
        typer.Option(
            "--id", help="编号（不给时自动生成；与内置表述编号相同时替代它）", metavar="编号"
        ),
    ] = None,
    when: Annotated[
        str | None, typer.Option("--when", help="适用条件，如 fees.notices == 0", metavar="条件")
    ] = None,
    tags: Annotated[
        list[str] | None, typer.Option("--tag", help="标签（可重复）", metavar="标签")
    ] = None,
    asserts: Annotated[
        list[str] | None,
        typer.Option(
            "--asserts",
            help="正文所说的具体做法、数字依据的答案，如 supervision.trainings（可重复；条件或正文须用到它）",
            metavar="答案",
        ),
    ] = None,
    claims: Annotated[
        list[str] | None,
        typer.Option(
            "--claims",
            help="正文正面评价的方面，如 timeliness（可重复；第五部分列出该问题时不选用）",
            metavar="方面",
        ),
    ] = None,
) -> None:
    """把一条表述检查后追加到团队表述库的文件中，保留文件原有的注释。"""
    from report_writer.narrative import vocabulary
    from report_writer.phrasebank import add_phrase

    phrase = add_phrase(
        vocabulary(),
        to,
        slot,
        text,
        phrase_id=phrase_id,
        when=when,
        tags=tags or [],
        asserts=asserts or [],
        claims=claims or [],
    )
    typer.echo(f"已添加表述 {phrase.id} 到 {phrase.file}")


@command(phrasebank_app, "harvest")
def phrasebank_harvest(
    source: Annotated[
        Path,
        typer.Argument(
            help="已发布的报告文件，或导入得到的工作区（含 imported.yaml）", metavar="报告文件"
        ),
    ],
    to: Annotated[Path, typer.Option("--to", help="团队表述库文件夹", metavar="文件夹")],
) -> None:
    """从已发布报告的第一、五部分采集句子，作为草稿表述写入团队表述库。

    与表内数字相符的数字换成占位符（如 {{ tables.applications.new.total }}），并猜测所属段落；
    每条都标为 draft: true，不会被选用，直到有人审阅后删去这一标记。"""
    from report_writer.importer.harvest import harvest

    result = harvest(source, to)
    typer.echo(f"已采集 {result.written} 条草稿表述，写入 {result.path}")
    for reason in result.left_out:
        typer.echo(f"  未采集：{reason}")
    typer.echo("草稿不会被选用：逐条审阅、修改后删去 draft 一行即可使用。")
