"""Chains: the core calls a command makes one after another (interview → build, answers file →
build, import → check, tables import → check). Each returns what the CLI prints; nothing here prints or exits. May import
anything below the command line; must not import the cli package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from report_writer.check import CheckResult, check_report
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
    cross-checks when asked."""
    from report_writer.importer.write import write_workspace

    result = import_report(source, year=year, agency=agency)
    workspace = write_workspace(result, target) if target is not None else None
    check = check_report(parse_report(result.report_data())) if run_check else None
    return Imported(result, workspace, check)


def tables_import_and_check(source: Path, directory: Path) -> TablesImport:
    """`tables import WORKBOOK DIR`: the workbook's figures into report.yaml, then the checks."""
    from report_writer.tables_xlsx import import_tables
    from report_writer.workspace import open_workspace

    result = import_tables(source, directory)
    result.check = check_report(load_report(open_workspace(directory)))
    return result
