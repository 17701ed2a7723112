"""`import SOURCE... [--check]`: read published reports, write each as a workspace, check them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from msgspec import Struct

from report_writer.check import CheckResult, check_report
from report_writer.errors import ReportWriterError
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


class Summary(Struct, frozen=True):
    """One file of `import` over many: what became of it."""

    source: Path
    outcome: Outcome | None  # None when the file could not be imported
    problem: str | None = None  # the finished message saying why

    @property
    def read(self) -> int:
        """Cells of the tables read from the file."""
        cells = self.outcome.result.cells.values() if self.outcome else ()
        return sum(1 for v in cells if v is not None)

    @property
    def empty(self) -> int:
        """Cells of the tables left empty (null): printed as "/", blank, or not read for sure."""
        cells = self.outcome.result.cells.values() if self.outcome else ()
        return sum(1 for v in cells if v is None)

    @property
    def errors(self) -> int | None:
        check = self.outcome.check if self.outcome else None
        return None if check is None else len(check.errors)


def workspace_names(sources: list[Path]) -> list[str]:
    """A workspace folder name for each file: its name without the suffix, or with the suffix
    after a hyphen where two files share a name (「报告.txt」「报告.html」)."""
    stems = [s.stem for s in sources]
    return [
        f"{s.stem}-{s.suffix.lstrip('.')}" if stems.count(s.stem) > 1 else s.stem for s in sources
    ]


def import_many(sources: list[Path], out: Path, *, run_check: bool = False) -> Iterator[Summary]:
    """Import each file into a workspace of its own under `out` (named by `workspace_names`),
    checking each when asked; a file that cannot be imported is reported, not fatal."""
    for source, name in zip(sources, workspace_names(sources), strict=True):
        try:
            yield Summary(source, import_and_check(source, out / name, run_check=run_check))
        except ReportWriterError as exc:
            yield Summary(source, None, exc.message)
