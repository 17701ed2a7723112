"""`overview`: many workspaces (drafted, imported or aggregated) on one page for a 政务公开办 — per
unit its key figures, what `check` finds, and how its draft stands; written as a self-contained
HTML page or a spreadsheet (render/overview.py).

Floor: orchestration. Must not import from the floors above (chains and up).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from report_writer.errors import InputError, ReportWriterError
from report_writer.formats.figures import Figures
from report_writer.model import LEVELS, Report
from report_writer.render.overview import OUTCOMES, Issue, Number, UnitRow

SUFFIXES = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}
LIBRARIES = {"html": "matplotlib", "xlsx": "openpyxl"}  # the optional extra `overview`


def output_kind(to: Path) -> str:
    """ "html" or "xlsx", from the file name; another name is refused before anything is read."""
    kind = SUFFIXES.get(to.suffix.lower())
    if kind is None:
        raise InputError(f"无法写入 {to}：总览只能写成网页（.html）或电子表格（.xlsx）")
    if to.is_dir():
        raise InputError(f"无法写入 {to}：这是一个文件夹，请给出文件名，如 总览.html")
    from importlib.util import find_spec

    library = LIBRARIES[kind]
    if find_spec(library) is None:
        raise InputError(
            f"生成{'网页总览的图表' if kind == 'html' else '电子表格'}需要安装 {library}："
            f"请运行 pip install 'report-writer[overview]'（或 pip install {library}）"
        )
    return kind


def survey(paths: Sequence[Path]) -> Iterator[UnitRow]:
    """Each workspace's row, in order, as soon as it is read (for a progress bar)."""
    for path in paths:
        yield survey_unit(path)


def survey_unit(path: Path) -> UnitRow:
    """One workspace: its figures, its findings (as `check DIR` finds them) and its draft; a
    workspace that cannot be read is a row that says why."""
    from report_writer.check import check_workspace_report
    from report_writer.importer.previous import load_previous
    from report_writer.workspace import load_report, open_workspace
    from report_writer.workspace.previous import default_previous

    row = UnitRow(folder=path.name)
    try:
        report = load_report(open_workspace(path))
    except ReportWriterError as exc:
        row.problem = str(exc)
        return row
    previous = None
    try:
        last_path = default_previous(path)
        previous = load_previous(last_path) if last_path else None
    except ReportWriterError as exc:
        row.issues.append(Issue("H1", "warning", f"上年报告（previous 文件夹）无法读取：{exc}"))
    result = check_workspace_report(
        report, path, previous.report if previous else None, previous.folder if previous else None
    )
    row.agency = report.meta.agency
    row.level = LEVELS[report.meta.level]
    row.year = report.meta.year
    row.source = _source(path)
    row.figures = key_figures(report, previous.report if previous else None)
    row.outcomes = outcomes(report.figures)
    row.issues += [Issue(f.code, f.severity, f.message) for f in result.findings]
    _draft_state(row, path, report)
    return row


def _source(path: Path) -> str:
    from report_writer.workspace.aggregate_log import LOG_FILE

    if (path / LOG_FILE).is_file():
        return "汇总"
    if (path / "imported.yaml").is_file():
        return "导入"
    return "起草"


def _sum(*values: Number) -> Number:
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def key_figures(report: Report, previous: Report | None) -> dict[str, Number]:
    """The figures of the overview's columns (render/overview.py COLUMNS)."""
    v = report.figures.value
    answered = report.answers.get("proactive", {}).get("items")
    items: Number = None
    if isinstance(answered, list) and answered:
        counts = [r.get("count") for r in answered if isinstance(r, dict)]
        if all(isinstance(c, int) for c in counts):
            items = sum(c for c in counts if isinstance(c, int))
    return {
        "documents": _sum(
            v("proactive", "regulations", "issued"), v("proactive", "normative_documents", "issued")
        ),
        "decisions": _sum(
            *(v("proactive", row, "decisions") for row in ("licensing", "penalty", "enforcement"))
        ),
        "items": items,
        "new": v("applications", "new", "total"),
        "previous_new": previous.figures.value("applications", "new", "total")
        if previous
        else None,
        "carried_forward": v("applications", "carried_forward", "total"),
        "review": v("reviews", "review", "total"),
        "litigation": _sum(
            v("reviews", "litigation_direct", "total"),
            v("reviews", "litigation_after_review", "total"),
        ),
    }


def outcomes(figures: Figures) -> dict[str, Number]:
    """表三's outcomes by kind (予以公开 … 其他处理), each the sum of its rows' totals."""
    spec = figures.fmt.tables["applications"]
    found: dict[str, Number] = {}
    for kind in OUTCOMES:
        rows = [r.key for r in spec.rows if r.key == kind or r.key.startswith(f"{kind}_")]
        found[kind] = _sum(*(figures.value("applications", r, "total") for r in rows))
    return found


def _draft_state(row: UnitRow, path: Path, report: Report) -> None:
    """Whether draft.md exists, which regions were edited by hand, and whether conflict markers
    of a merge are still in it."""
    from report_writer.draft.markers import DRAFT_FILE, OPENING, conflict_line, parse_draft
    from report_writer.files import read_text

    file = path / DRAFT_FILE
    if not file.is_file():
        return
    row.draft = True
    try:
        text = read_text(file)
    except ReportWriterError as exc:
        row.draft_problem = str(exc)
        return
    if conflict_line(text):
        row.conflicts = True
        return
    numbers = [OPENING, *(s.number for s in report.fmt.sections)]
    try:
        draft = parse_draft(file, text, numbers)
    except ReportWriterError as exc:
        row.draft_problem = str(exc)
        return
    row.edited = [n for n, region in draft.regions.items() if region.edited]


def write_overview(rows: Sequence[UnitRow], to: Path, title: str) -> Path:
    """The page (or spreadsheet, by the name of `to`) of the rows, written atomically."""
    from report_writer.files import write_atomic

    if output_kind(to) == "xlsx":
        from report_writer.render.overview import render_overview_xlsx

        data: str | bytes = render_overview_xlsx(rows, title)
    else:
        from report_writer.render.overview import render_overview_html

        data = render_overview_html(rows, title)
    write_atomic(to, data)
    return to


def title_for(directories: Sequence[Path], year: int | None) -> str:
    """「全区2025 · 政府信息公开工作年度报告总览」: named after the one folder given."""
    name = directories[0].resolve().name if len(directories) == 1 else ""
    when = f"{year}年度" if year and not name else ""
    return " · ".join(x for x in (name, f"{when}政府信息公开工作年度报告总览") if x)
