"""The Chinese help leans on three places of typer's private copy of click (see cli/i18n.py).
These tests fail loudly, naming what moved, when a typer release changes any of them."""

from __future__ import annotations

import inspect

from typer.testing import CliRunner

from report_writer.cli import app


def test_the_private_click_internals_the_chinese_help_patches_are_still_there() -> None:
    import typer.core
    from typer._click import decorators, formatting

    assert "_" in vars(typer.core), "typer.core no longer has its gettext hook `_`"
    assert callable(decorators.help_option), "typer._click.decorators.help_option is gone"
    params = list(inspect.signature(formatting.HelpFormatter.write_usage).parameters)
    assert params[:4] == ["self", "prog", "args", "prefix"], (
        f"HelpFormatter.write_usage now takes {params}"
    )
    assert getattr(formatting.HelpFormatter.write_usage, "chinese", False), (
        "cli/i18n.install() did not replace HelpFormatter.write_usage"
    )


def test_every_help_page_is_in_chinese() -> None:
    runner = CliRunner()
    pages = [[], ["check"], ["phrasebank"], ["phrasebank", "add"], ["interview"]]
    for args in pages:
        out = runner.invoke(app, [*args, "--help"]).output
        assert out.startswith("用法："), (args, out)
        assert "显示本说明并退出。" in out, (args, out)
        for english in ("Usage:", "Options", "Arguments", "Commands", "[OPTIONS]", "Show this"):
            assert english not in out, (args, english, out)
