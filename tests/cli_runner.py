"""The command line as the tests run it: typer's CliRunner over the app, in-process."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from report_writer.cli import app

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `report-writer ARGS`; a traceback fails the test."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr
