"""The command line as the tests run it: typer's CliRunner over the app, in-process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from report_writer.cli import app

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `report-writer ARGS`; a traceback fails the test."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def run_cli(*args: str | Path, timeout: float = 60) -> tuple[int, str]:
    """(exit code, stdout + stderr) of `report-writer ARGS` in a process of its own, so that a
    hang (a FIFO, a device) is a failure, not a stuck suite; an internal error fails the test."""
    done = subprocess.run(
        [sys.executable, "-m", "report_writer", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    assert "内部错误" not in output and "Traceback" not in output, output
    return done.returncode, output
