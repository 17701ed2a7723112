"""Face: the typer apps, the options several commands share, and the one error boundary.

`command(group)` registers a function as a command and turns the core's one error family
(errors.py) into 「错误：…」 on stderr and the error's exit code. Imports only typer, errors.py and
i18n.py; the core is imported inside each command, so `--help` stays fast.
"""

import functools
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from report_writer.cli import i18n
from report_writer.errors import ReportWriterError

F = TypeVar("F", bound=Callable[..., Any])

i18n.install()

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


def command(group: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """Register the function as the command `name` of `group`, behind the one error boundary."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except ReportWriterError as exc:
                typer.echo(f"错误：{exc}", err=True)
                raise typer.Exit(exc.exit_code) from None

        group.command(name)(run)
        return function

    return register


phrasebank_app = typer.Typer(
    help="表述库：列出、查看、搜索、检查和添加第一、五、六部分的表述。",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(phrasebank_app, name="phrasebank")
