"""Face: how findings, tables, phrases and progress look on the terminal.

Imports typer and, lazily, the types it prints; never calls the core.

Floor: face (the top); nothing of the core imports it.
"""

import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import typer

if TYPE_CHECKING:
    from report_writer.check import CheckResult
    from report_writer.formats.checks import Finding
    from report_writer.phrasebank import Phrase

T = TypeVar("T")


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


def echo_outcome(
    notes: list[str], written: list[Path], conflicts: list[str], unresolved: str
) -> None:
    """The notes, the files written, then any unresolved conflicts on stderr (exit code 1)."""
    from report_writer.errors import ChecksFailed

    for note in notes:
        typer.echo(f"注意：{note}")
    for path in written:
        typer.echo(f"已生成：{path}")
    if conflicts:
        for message in conflicts:
            typer.echo(f"冲突：{message}", err=True)
        typer.echo(f"{unresolved}，HTML 和 Word 暂未更新。", err=True)
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


def echo_phrases(phrases: "list[Phrase]", lead: str) -> None:
    for p in phrases:
        typer.echo(p.line)
    typer.echo(f"{lead} {len(phrases)} 条表述。")
