"""The Chinese help leans on three places of typer's private copy of click (see cli/i18n.py).
These tests fail loudly, naming what moved, when a typer release changes any of them."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from report_writer.cli import app
from report_writer.cli.i18n import HELP_WORDS


def test_the_private_click_internals_the_chinese_help_patches_are_still_there() -> None:
    import typer.core
    from typer._click import decorators, formatting

    # install() replaces typer.core's `_`, so look for the calls to it in typer's own source.
    source = inspect.getsource(typer.core)
    for english in HELP_WORDS:
        assert f'_("{english}")' in source, f"typer.core no longer words {english!r} through `_`"
    assert callable(decorators.help_option), "typer._click.decorators.help_option is gone"
    params = list(inspect.signature(formatting.HelpFormatter.write_usage).parameters)
    assert params[:4] == ["self", "prog", "args", "prefix"], (
        f"HelpFormatter.write_usage now takes {params}"
    )
    assert getattr(formatting.HelpFormatter.write_usage, "chinese", False), (
        "cli/i18n.install() did not replace HelpFormatter.write_usage"
    )


def command_paths() -> list[list[str]]:
    """Every command and group of the app, as the words that name it."""
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_every_help_page_is_in_chinese() -> None:
    runner = CliRunner()
    pages = command_paths()
    assert ["phrasebank", "add"] in pages and len(pages) >= 15, pages
    for args in pages:
        out = runner.invoke(app, [*args, "--help"]).output
        assert out.startswith("用法："), (args, out)
        assert "显示本说明并退出。" in out, (args, out)
        arguments = out.splitlines()[0].split("[选项]", 1)[1]  # 用法：… [选项] {工作区}
        assert re.search("[A-Za-z]", arguments) is None, (args, arguments)
        for english in (
            "Usage:",
            "Options",
            "Arguments",
            "Commands",
            "[OPTIONS]",
            "Show this",
            "required]",
            "default:",
        ):
            assert english not in out, (args, english, out)
    # The words typer passes through its gettext hook do reach the pages.
    assert "[必填]" in runner.invoke(app, ["interview", "--help"]).output
    assert "默认：" in runner.invoke(app, ["init", "--help"]).output


def test_only_i18n_touches_typers_private_click() -> None:
    src = Path(__file__).resolve().parent.parent / "src" / "report_writer"
    touching = {
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "typer._click" in path.read_text(encoding="utf-8")
    }
    assert touching == {"cli/i18n.py"}
