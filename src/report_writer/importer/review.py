"""`import SOURCE [--check]`: read a published report, write it as a workspace, check it."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from report_writer.check import CheckResult, check_report
from report_writer.importer import LAYOUT_LABELS, ImportResult, import_report
from report_writer.model import parse_report
from report_writer.workspace import Workspace


class Outcome(Struct, frozen=True):
    result: ImportResult
    workspace: Workspace | None  # None when only checked
    check: CheckResult | None  # None unless asked for

    @property
    def layout_label(self) -> str:
        return LAYOUT_LABELS[self.result.layout]


def import_and_check(
    source: Path,
    target: Path | None,
    *,
    year: int | None = None,
    agency: str | None = None,
    run_check: bool = False,
) -> Outcome:
    """Import `source`; write it to `target` when given; run the cross-checks when asked."""
    from report_writer.importer.write import write_workspace

    result = import_report(source, year=year, agency=agency)
    workspace = write_workspace(result, target) if target is not None else None
    check = check_report(parse_report(result.report_data())) if run_check else None
    return Outcome(result, workspace, check)
