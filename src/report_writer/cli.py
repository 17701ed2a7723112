"""The command line: parse arguments, call one core function, print the result, set the exit code.

Heavy libraries (jinja2, python-docx, prompt_toolkit) are imported inside the commands that need
them, so that `report-writer --help` starts as fast as typer allows.
"""

import os
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, TypeVar

import typer

from report_writer.errors import ChecksFailed, ReportWriterError

if TYPE_CHECKING:
    from report_writer.check import CheckResult
    from report_writer.formats.checks import Finding
    from report_writer.phrasebank import Phrase

T = TypeVar("T")

# typer's help pages (a vendored click, pinned below 0.29) label their parts in English; these
# are the labels an officer sees on every `--help`, in Chinese.
HELP_WORDS = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "Aborted!": "已中断。",
}


def _chinese_help() -> None:
    import typer.core
    from typer._click import decorators, formatting

    vars(typer.core)["_"] = lambda text: HELP_WORDS.get(text, text)  # typer's gettext hook
    plain_help_option = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        decorate = plain_help_option(param_decls)

        def apply(command: Any) -> Any:
            command = decorate(command)
            command.params[-1].help = "显示本说明并退出。"
            return command

        return apply

    decorators.help_option = help_option
    plain_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        plain_write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


_chinese_help()

app = typer.Typer(
    name="report-writer",
    help="报告起草助手：起草、核对政府信息公开工作年度报告。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


PhrasebankOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--phrasebank",
        help="团队表述库文件夹，叠加在内置表述库之上（可重复，后者优先）",
        metavar="文件夹",
    ),
]
DraftFolderOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="草稿的文件夹（默认为工作区）：build 写入这里，人工修改在这里的 draft.md 中",
        metavar="文件夹",
    ),
]


class Level(StrEnum):
    department = "department"
    government = "government"
    township = "township"


def fail(exc: ReportWriterError) -> NoReturn:
    typer.echo(f"错误：{exc}", err=True)
    raise typer.Exit(exc.exit_code)


@app.command()
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

    try:
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
    except ReportWriterError as exc:
        fail(exc)
    typer.echo(f"已新建工作区：{ws.path}")
    if last is not None:
        typer.echo(f"上年报告保存在 {ws.path / 'previous'}，已预填上年结转、现行有效件数和上年问题")
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
    from report_writer.check import check_workspace_report, find_workspaces
    from report_writer.importer.previous import default_previous, load_previous
    from report_writer.workspace import load_report, open_workspace

    paths = find_workspaces(directories)
    if len(paths) > 1:
        for name, given in (("--previous", previous), ("--out", out)):
            if given is not None:
                fail(ReportWriterError(f"{name} 只能在核对单个工作区时使用"))
        check_many(paths, strict, as_json)
        return
    try:
        if out is not None and not (out / "draft.md").is_file():
            raise ReportWriterError(
                f"{out / 'draft.md'} 不存在：请给出 build --out 写入草稿的文件夹"
            )
        report = load_report(open_workspace(paths[0]))
        last_path = previous or default_previous(paths[0])
        last = load_previous(last_path) if last_path else None
    except ReportWriterError as exc:
        fail(exc)
    result = check_workspace_report(
        report, out or paths[0], last.report if last else None, last.folder if last else None
    )
    if as_json:
        echo_json([f.to_json() for f in result.findings])
    else:
        typer.echo(report.meta.title)
        if last is not None:
            typer.echo(f"（与上年报告 {last_path} 核对）")
        print_findings(result)
    if result.failed(strict):
        raise typer.Exit(ChecksFailed.exit_code)


def echo_json(data: Any) -> None:
    import msgspec

    typer.echo(msgspec.json.format(msgspec.json.encode(data), indent=2).decode())


def echo_findings(findings: "list[Finding]") -> None:
    """One line a finding: 「  错误 C4  表四 行政复议：…」."""
    from report_writer.formats.checks import SEVERITY_LABEL

    for f in findings:
        typer.echo(f"  {SEVERITY_LABEL[f.severity]} {f.code}  {f.message}")


def print_findings(result: "CheckResult") -> None:
    echo_findings(result.findings)
    if not result.findings:
        typer.echo("  ✓ 各项勾稽关系核对无误")
    typer.echo(f"共 {len(result.errors)} 处错误，{len(result.warnings)} 处提示。")


@app.command("import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="已发布的报告：网页文本（.txt）、HTML、Word（.docx）、PDF 或 Markdown；可一次给出多个",
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
            fail(ReportWriterError("--year 和 --agency 只能用于导入单个文件"))
        import_many(sources, out or Path.cwd(), run_check)
        return
    from report_writer.importer.review import import_and_check

    source = sources[0]
    target = out if out is not None or run_check else Path(source.stem)
    try:
        outcome = import_and_check(source, target, year=year, agency=agency, run_check=run_check)
    except ReportWriterError as exc:
        fail(exc)
    result = outcome.result
    typer.echo(f"已读取：{result.agency}{result.year}年报告（{outcome.layout_label}）")
    for entry in result.log:
        if entry.kind != "blank":
            typer.echo(f"  {entry}")
    blanks = sum(1 for e in result.log if e.kind == "blank")
    if blanks:
        typer.echo(f"  另有{blanks}个单元格原文为“/”或空白，按空值（未知）导入")
    if outcome.workspace is not None:
        typer.echo(f"已写入工作区：{outcome.workspace.path}（导入记录见 import-log.yaml）")
    if outcome.check is not None:
        print_findings(outcome.check)
        if outcome.check.failed():
            raise typer.Exit(ChecksFailed.exit_code)


def import_many(sources: list[Path], out: Path, run_check: bool) -> None:
    """`import` of many files: a workspace each under `out`, a progress bar, a summary table."""
    from report_writer.importer.review import import_many as import_each

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
    typer.echo(
        f"共导入 {len(rows) - len(failed)} 份报告（工作区在 {out}）{checked}，{len(failed)} 份无法导入。"
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


@app.command()
def interview(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹（不存在时新建）")],
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
    from report_writer.interview.run import apply_answers, run_interview

    banks = phrasebank or []
    try:
        if answers is not None:
            result = apply_answers(directory, answers, phrasebanks=banks)
        elif not sys.stdin.isatty():
            raise ReportWriterError(
                "interview 需要在终端中逐项问答，当前没有终端（输入来自管道或文件）。"
                f"在脚本中请用 --answers 答案.yaml 提供答案，例如：report-writer interview {directory} --answers 答案.yaml"
            )
        else:
            from report_writer.interview.terminal import Terminal

            terminal = Terminal()
            result = run_interview(
                directory, terminal.ask, terminal.say, revisit=revisit, phrasebanks=banks
            )
    except ReportWriterError as exc:
        fail(exc)
    if result.status != "finished":
        if result.workspace is None:
            typer.echo("\n尚未新建工作区，没有需要保存的内容。")
        else:
            typer.echo(f"\n已保存到 {result.workspace.report_path}。")
            typer.echo(f"继续填写请运行：report-writer interview {directory}")
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
        command = f"report-writer interview {directory} --revisit"
        if part:
            typer.echo(f"{why}，运行：{command} {part}")
        else:
            typer.echo(f"{why}，运行：{command} 部分编号（{'、'.join('一二三四五六')}）")
    if result.check.failed():
        raise typer.Exit(ChecksFailed.exit_code)


@app.command()
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

    try:
        result = build_drafts(directory, formats.split(","), out, strict, phrasebank or [])
    except ReportWriterError as exc:
        fail(exc)
    for f in result.check.findings:
        label = "错误" if f.severity == "error" else "提示"
        typer.echo(f"  {label} {f.code}  {f.message}")
    if result.stopped:
        typer.echo("核对未通过（--strict），未生成文件。", err=True)
        raise typer.Exit(ChecksFailed.exit_code)
    for note in result.notes:
        typer.echo(f"注意：{note}")
    for path in result.written:
        typer.echo(f"已生成：{path}")


@app.command()
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

    try:
        result = regenerate_region(directory, section, force, dry_run, phrasebank or [], out)
    except ReportWriterError as exc:
        fail(exc)
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


@app.command()
def explain(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹", metavar="工作区")],
    section: Annotated[
        str | None,
        typer.Option("--section", help="只看这一部分：一 至 六 或 开头", metavar="部分"),
    ] = None,
    out: DraftFolderOption = None,
    phrasebank: PhrasebankOption = None,
) -> None:
    """逐句说明草稿的来源：表述编号、所在表述库，以及用到的答案和表格数字；人工写的句子标为“人工编辑”。"""
    from report_writer.build import explain as explain_draft
    from report_writer.document import FIXED
    from report_writer.layers import layer_label

    try:
        regions = explain_draft(directory, section, phrasebank or [], out)
    except ReportWriterError as exc:
        fail(exc)
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
                origin = (
                    "固定表述"
                    if src.layer == FIXED
                    else f"表述 {src.phrase_id}（{layer_label(src.layer)}）"
                )
                uses = f" · 用到 {'、'.join(src.uses)}" if src.uses else ""
                typer.echo(f"      {origin}{uses}")


phrasebank_app = typer.Typer(
    help="表述库：列出、查看、搜索、检查和添加第一、五、六部分的表述。",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(phrasebank_app, name="phrasebank")


@phrasebank_app.command("list")
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

    try:
        phrases = list_phrases(folders or [], slot=slot, tag=tag)
    except ReportWriterError as exc:
        fail(exc)
    echo_phrases(phrases, "共")


def echo_phrases(phrases: "list[Phrase]", lead: str) -> None:
    for p in phrases:
        typer.echo(p.line)
    typer.echo(f"{lead} {len(phrases)} 条表述。")


@phrasebank_app.command("show")
def phrasebank_show(
    phrase_id: Annotated[str, typer.Argument(help="表述编号，如 requests.counts.plain")],
    folders: PhrasebankOption = None,
) -> None:
    """显示一条表述的全文、所在文件和表述库。"""
    from report_writer.layers import layer_label
    from report_writer.phrasebank import show_phrase

    try:
        p = show_phrase(folders or [], phrase_id)
    except ReportWriterError as exc:
        fail(exc)
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


@phrasebank_app.command("search")
def phrasebank_search(
    words: Annotated[list[str], typer.Argument(help="要查找的词语（全部包含才算匹配）")],
    folders: PhrasebankOption = None,
) -> None:
    """在编号、正文、标签和说明中查找表述。"""
    from report_writer.phrasebank import list_phrases

    try:
        phrases = list_phrases(folders or [], words=words)
    except ReportWriterError as exc:
        fail(exc)
    echo_phrases(phrases, "找到")


@phrasebank_app.command("lint")
def phrasebank_lint(
    folders: Annotated[
        list[Path] | None, typer.Argument(help="要检查的表述库文件夹（不给时检查内置表述库）")
    ] = None,
) -> None:
    """检查表述库：格式、重复编号、未知段落、未定义的答案、不安全的模板、标点。有问题时退出码为1。"""
    from report_writer.phrasebank import lint_folders

    try:
        report = lint_folders(folders or [])
    except ReportWriterError as exc:
        fail(exc)
    for issue in report.issues:
        typer.echo(f"  {issue}")
    if report.issues:
        typer.echo(f"检查了 {report.phrases} 条表述，发现 {len(report.issues)} 处问题。")
        raise typer.Exit(1)
    typer.echo(f"✓ 检查了 {report.phrases} 条表述，未发现问题。")


@phrasebank_app.command("add")
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
) -> None:
    """把一条表述检查后追加到团队表述库的文件中，保留文件原有的注释。"""
    from report_writer.phrasebank import add_phrase

    try:
        phrase = add_phrase(to, slot, text, phrase_id=phrase_id, when=when, tags=tags or [])
    except ReportWriterError as exc:
        fail(exc)
    typer.echo(f"已添加表述 {phrase.id} 到 {phrase.file}")


@phrasebank_app.command("harvest")
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

    try:
        result = harvest(source, to)
    except ReportWriterError as exc:
        fail(exc)
    typer.echo(f"已采集 {result.written} 条草稿表述，写入 {result.path}")
    for reason in result.left_out:
        typer.echo(f"  未采集：{reason}")
    typer.echo("草稿不会被选用：逐条审阅、修改后删去 draft 一行即可使用。")


# typer's command-line parser (a vendored click) words its usage errors in English; these are
# the ones an officer meets, in Chinese. Each pattern matches the whole message.
USAGE_ERRORS = (
    (r"Missing argument '(.+)'\.", "缺少参数“{0}”"),
    (r"Missing option '(.+)'\.", "缺少选项 {0}"),
    (r"No such option: (\S+) \(Possible options: (.+)\)", "没有选项 {0}，是否应为 {1}？"),
    (r"No such option: (\S+) Did you mean (\S+)\?", "没有选项 {0}，是否应为 {1}？"),
    (r"No such option: (\S+)", "没有选项 {0}"),
    (r"No such command '(.+)'\. Did you mean '(.+)'\?", "没有命令“{0}”，是否应为“{1}”？"),
    (r"No such command '(.+)'\.", "没有命令“{0}”"),
    (r"Invalid value for '(.+?)': '(.*)' is not a valid int(?:eger)?\.", "{0} 应为整数，现为“{1}”"),
    (r"Invalid value for '(.+?)': '(.*)' is not one of (.+)\.", "{0} 应为 {2} 之一，现为“{1}”"),
    (r"Invalid value for '(.+?)': (.+)", "{0} 的值无效：{1}"),
    (r"Got unexpected extra arguments? \((.+)\)", "多余的参数：{0}"),
    (r"Option '(.+)' requires an argument\.", "选项 {0} 后面需要给出一个值"),
    (r"Missing command\.", "缺少命令"),
)


def usage_error(message: str, usage: str, command: str) -> str:
    """A usage error in Chinese, with the usage line and where to read the help."""
    import re

    for pattern, words in USAGE_ERRORS:
        match = re.fullmatch(pattern, message)
        if match:
            message = words.format(*match.groups())
            break
    return f"错误：{message}\n{usage}\n查看说明：{command} --help"


def _alone(name: str) -> typer.Typer | None:
    """An app of the one top-level command `name` (None for a group, or no such command), run
    as `report-writer name`: typer builds the parameters of every command an app holds at each
    start, and a run needs those of one (the help, usage and errors read the same)."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is not None and (info.name or callback.__name__) == name:
            alone = typer.Typer(
                add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False
            )
            alone.registered_commands = [info]
            return alone
    return None


def main() -> None:
    """Entry point: the one place that exits. An unexpected exception is a defect in this tool;
    it is reported in one line (set REPORT_WRITER_DEBUG=1 for the traceback)."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    args, prog, entry = sys.argv[1:], "report-writer", app
    alone = _alone(args[0]) if args else None
    if alone is not None:
        args, prog, entry = args[1:], f"{prog} {args[0]}", alone
    try:
        code = entry(args=args, prog_name=prog, standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        ctx = exc.ctx
        usage = ctx.get_usage() if ctx else ""
        command = ctx.command_path if ctx else "report-writer"
        typer.echo(usage_error(exc.format_message(), usage, command), err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
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
    sys.exit(code if isinstance(code, int) else 0)
