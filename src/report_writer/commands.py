"""Chains: the core calls a command makes one after another (interview → build, answers file →
build, import → check, tables import → check). Each returns what the CLI prints; nothing here prints or exits. May import
anything below the command line; must not import the cli package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from report_writer.check import CheckResult, check_report
from report_writer.errors import ReportWriterError
from report_writer.formats.checks import Finding
from report_writer.importer import LAYOUT_LABELS, ImportResult, import_report
from report_writer.interview.prompt import Ask, Say
from report_writer.interview.run import Ended, apply_answers, revisit_hint, run_interview
from report_writer.interview.store import load_progress
from report_writer.model import parse_report
from report_writer.tables_xlsx import TablesImport
from report_writer.workspace import Workspace, load_report


class Result(Struct):
    """How `interview` ended (see interview.run.Ended) and, when it finished, what the build
    made of it: the check, the files written, the notes, and the part to name in the closing hint
    ("" for none in particular) with the reason."""

    status: str
    workspace: Workspace | None
    check: CheckResult | None = None
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revisit: tuple[str, str] = ("", "")


def interview_and_build(
    directory: Path,
    ask: Ask,
    say: Say,
    *,
    revisit: str | None = None,
    phrasebanks: Sequence[Path] = (),
    today: Callable[[], date] = date.today,
) -> Result:
    """`interview`: ask every open question, then (when it finished) check and build."""
    built: list[Result] = []
    ended = run_interview(
        directory,
        ask,
        say,
        revisit=revisit,
        phrasebanks=phrasebanks,
        today=today,
        then=lambda stored: built.append(_built(stored, phrasebanks)),
    )
    return built[0] if built else Result(ended.status, ended.workspace, notes=ended.notes)


def answers_and_build(
    directory: Path, answers_file: Path, *, phrasebanks: Sequence[Path] = ()
) -> Result:
    """`interview --answers FILE`: apply the answers file, then check and build, under one hold
    of the workspace lock (no other command gets in between)."""
    built: list[Result] = []
    apply_answers(
        directory,
        answers_file,
        phrasebanks=phrasebanks,
        then=lambda stored: built.append(_built(stored, phrasebanks)),
    )
    return built[0]


def _built(stored: Ended, phrasebanks: Sequence[Path]) -> Result:
    """Build the draft (build runs the check); the findings, the files and the part to revisit
    go back in the Result for the caller to show, after the interview's own notes."""
    from report_writer.build import build

    ws = stored.workspace
    assert ws is not None
    built = build(ws.path, phrasebanks=phrasebanks)
    report = load_report(ws)
    return Result(
        "finished",
        ws,
        built.check,
        built.written,
        [*stored.notes, *built.notes],
        revisit_hint(report, built.check.errors, load_progress(ws).skipped),
    )


class Imported(Struct, frozen=True):
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
) -> Imported:
    """`import SOURCE [--check]`: import `source`; write it to `target` when given; run the
    cross-checks when asked. A sum the printed figures break whatever their cut (their cells
    are empty, so the check cannot see it) is reported as that check's error too."""
    from report_writer.importer.write import write_workspace

    result = import_report(source, year=year, agency=agency)
    workspace = write_workspace(result, target) if target is not None else None
    check = None
    if run_check:
        check = check_report(parse_report(result.report_data()))
        check = CheckResult([*_published_errors(result), *check.findings])
    return Imported(result, workspace, check)


def _published_errors(result: ImportResult) -> list[Finding]:
    found = []
    for entry in result.log:
        if entry.kind == "published" and entry.rule and entry.cell:
            table, row, column = entry.cell.split(".")
            found.append(Finding(entry.rule, "error", entry.message, table, row, column))
    return found


class Summary(Struct, frozen=True):
    """One file of `import` over many: what became of it."""

    source: Path
    outcome: Imported | None  # None when the file could not be imported
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


def import_many(
    sources: list[Path], out: Path | None, *, run_check: bool = False
) -> Iterator[Summary]:
    """Import each file into a workspace of its own under `out` (named by `workspace_names`;
    none written when `out` is None), checking each when asked; a file that cannot be imported
    is reported, not fatal."""
    for source, name in zip(sources, workspace_names(sources), strict=True):
        target = out / name if out is not None else None
        try:
            yield Summary(source, import_and_check(source, target, run_check=run_check))
        except ReportWriterError as exc:
            yield Summary(source, None, exc.message)


def tables_import_and_check(source: Path, directory: Path) -> TablesImport:
    """`tables import WORKBOOK DIR`: the workbook's figures into report.yaml, then the checks."""
    from report_writer.tables_xlsx import import_tables
    from report_writer.workspace import open_workspace

    result = import_tables(source, directory)
    result.check = check_report(load_report(open_workspace(directory)))
    return result
