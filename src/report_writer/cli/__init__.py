"""Face: the command line. Parse arguments, call one core function, print, set the exit code.

The commands live in workspaces.py, drafting.py, tables.py, phrases.py and office.py; app.py holds the apps and the one
error boundary; output.py how results look; i18n.py the Chinese help. `main` (the entry point
`report-writer`) is the one place that exits. Heavy libraries (jinja2, python-docx,
prompt_toolkit) are imported inside the commands that need them, so that `--help` starts fast.
Nothing of the core imports this package.

Floor: face (the top); nothing of the core imports it.
"""

import os
import sys

import typer

from report_writer.cli.app import app
from report_writer.cli.i18n import NoArgsIsHelpError, UsageError, usage_error

# isort: off
# The commands register in this order, which is their order in `report-writer --help`.
from report_writer.cli import workspaces, drafting, tables, phrases, office
# isort: on

__all__ = ["app", "drafting", "main", "office", "phrases", "tables", "workspaces"]


def main() -> None:
    """Entry point: the one place that exits. An unexpected exception is a defect in this tool;
    it is reported in one line (set REPORT_WRITER_DEBUG=1 for the traceback)."""
    try:
        code = app(args=sys.argv[1:], prog_name="report-writer", standalone_mode=False)
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
