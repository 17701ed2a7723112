"""`aggregate`: a people's government's tables 二、三、四 as the cell-by-cell sums of its units'.

The units are workspaces (drafted or imported). Each is checked first: one with errors (C0–C6)
is left out unless asked for, and then the log says which errors went into the sum. A cell that
is null (unknown) in any unit makes the sum null. `aggregate-log.yaml` beside report.yaml records,
for every cell, what each unit contributed; `explain_cell` reads it back. Running again after a
unit changed rewrites the tables and the `units` answers only: the government's own answers,
phrases, comments and draft.md stay as they are.

Facts the narrative may state are kept as the answers group `units` (answers.yaml), and only
where they add up honestly: the number of units, and a sum of an answer only when every unit
answered it.

Floor: orchestration. Must not import from the floors above (chains and up).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.check import CheckResult, check_report, units_in
from report_writer.errors import InputError, ReportWriterError, WorkspaceError
from report_writer.files import read_text, write_atomic
from report_writer.formats.checks import Finding
from report_writer.formats.figures import Value
from report_writer.formats.spec import CellKey, Format
from report_writer.model import LEVELS, Report
from report_writer.workspace import (
    Workspace,
    edit_report,
    has_report,
    load_report,
    open_workspace,
)
from report_writer.workspace.aggregate_log import LOG_FILE, log_findings, plain, read_log
from report_writer.yamlio import dump_yaml, line_of

FACTS_GROUP = "units"
# Answers of the units whose sum is a fact of the government's report: the `units` answer it
# fills, and where each unit's value is found (an integer answer, or the counts of a records one).
SUMMED_ANSWERS = {
    "trainings": ("supervision.trainings", "组织培训次数"),
    "trainees": ("supervision.trainees", "培训人次"),
    "posts": ("platforms.channels", "新媒体等渠道发布条数"),
}


class Unit(Struct, frozen=True):
    """One input: its folder, its report and the errors `check` finds in its tables."""

    path: Path
    report: Report
    errors: list[Finding]

    @property
    def name(self) -> str:
        return self.report.meta.agency


class CellSum(Struct, frozen=True):
    key: CellKey
    value: Value  # None when any unit's cell is null
    parts: dict[str, Value]  # agency -> its value, in input order
    missing: list[str] = field(default_factory=list)  # agencies whose cell is null


class Fact(Struct, frozen=True):
    key: str  # the `units` answer, e.g. "trainings"
    source: str  # the units' answer it sums, e.g. "supervision.trainings"
    label: str  # what it counts, e.g. 组织培训次数
    value: int | None  # None when a unit did not answer
    missing: list[str] = field(default_factory=list)


class AggregateResult(Struct):
    workspace: Path
    agency: str
    year: int
    created: bool
    included: list[str]
    left_out: dict[str, list[str]]  # agency -> its error messages
    with_errors: dict[str, list[str]]  # included despite errors (--include-errors)
    nulls: list[CellSum]
    facts: list[Fact]
    changed: list[tuple[CellKey, Value, Value]]  # (cell, before, after) on a run over an existing
    check: CheckResult
    notes: list[str] = field(default_factory=list)  # finished sentences for the user


def aggregate(
    inputs: Sequence[Path],
    out: Path,
    agency: str | None = None,
    include_errors: bool = False,
) -> AggregateResult:
    """Sum the units' tables into the government workspace `out` (made when it does not exist)."""
    from report_writer.workspace.lock import locked

    paths = _unique(p for p in units_in(list(inputs)) if not _same(p, out))
    if not paths:
        raise InputError("没有可汇总的单位工作区：请给出单位的工作区，或存放这些工作区的文件夹")
    units = [_load_unit(p) for p in paths]
    existing = _existing(out, agency)
    name = existing.meta.agency if existing else agency
    if not name:
        raise InputError(
            f"{out} 还不是工作区：请用 --agency 给出汇总的人民政府全称，如 --agency 某某区人民政府"
        )
    _refuse(units, existing, name)
    year = existing.meta.year if existing else units[0].report.meta.year
    included = [u for u in units if include_errors or not u.errors]
    left_out = {u.name: _messages(u.errors) for u in units if u not in included}
    if not included:
        raise InputError(
            "每个单位的统计表都有错误，没有可汇总的单位（加 --include-errors 可照样汇总）：",
            details=[f"{a}：{m[0]}" for a, m in left_out.items()],
        )
    fmt = included[0].report.fmt
    sums = sum_cells(fmt, included)
    facts = unit_facts(included)
    ws = open_workspace(out) if existing else _create(out, name, year, fmt)
    with locked(ws, "aggregate"):
        with edit_report(ws) as doc:
            _write_tables(doc, fmt, sums)
            _write_facts(doc, facts, len(included))
        with_errors = {u.name: _messages(u.errors) for u in included if u.errors}
        write_atomic(
            ws.path / LOG_FILE,
            log_text(name, year, units, included, sums, facts, ws.path),
        )
    report = load_report(ws)
    before = existing.figures.values if existing else {}
    changed = [
        (key, before.get(key), s.value)
        for key, s in sums.items()
        if existing is not None and before.get(key) != s.value
    ]
    result = CheckResult(check_report(report).findings + log_findings(report, ws.path))
    return AggregateResult(
        workspace=ws.path,
        agency=name,
        year=year,
        created=existing is None,
        included=[u.name for u in included],
        left_out=left_out,
        with_errors=with_errors,
        nulls=[s for s in sums.values() if s.missing],
        facts=facts,
        changed=changed,
        check=result,
        notes=_legacy_notes(included),
    )


def _unique(paths: Iterable[Path]) -> list[Path]:
    """The folders in order, each once (a workspace given alone and inside its folder)."""
    seen: dict[Path, Path] = {}
    for path in paths:
        seen.setdefault(path.resolve(), path)
    return list(seen.values())


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _load_unit(path: Path) -> Unit:
    try:
        report = load_report(open_workspace(path))
    except ReportWriterError as exc:
        raise InputError(f"单位工作区 {path} 无法读取，未做汇总：{exc}") from None
    errors = check_report(report).errors
    return Unit(path, report, errors)


def _messages(findings: Iterable[Finding]) -> list[str]:
    return [f"{f.code} {f.message}" for f in findings]


def _existing(out: Path, agency: str | None) -> Report | None:
    """The government workspace a previous run made, or None when `out` holds none yet."""
    if not (out.is_dir() and has_report(out)):
        if out.exists() and not out.is_dir():
            raise WorkspaceError(f"无法汇总到 {out}：这是一个文件，不是文件夹")
        return None
    report = load_report(open_workspace(out))
    if report.meta.level != "government":
        raise WorkspaceError(
            f"{out} 是“{report.meta.agency}”的工作区（{LEVELS[report.meta.level]}），"
            "不是人民政府的汇总工作区，未做改动：请用 -o 另选一个文件夹"
        )
    if agency and agency != report.meta.agency:
        raise WorkspaceError(
            f"{out} 是“{report.meta.agency}”的汇总工作区，与 --agency“{agency}”不同，未做改动"
        )
    return report


def _is_2019(report: Report) -> bool:
    return bool(report.figures.legacy) or not report.meta.format.startswith("gov2021")


def _agency_key(name: str) -> str:
    """An agency's name as compared: full-width letters and digits as half-width, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _refuse(units: list[Unit], existing: Report | None, name: str) -> None:
    """Refuse inputs that cannot be added up: another year, an agency twice (or the government
    itself), the 2019 trial format mixed with the 2021 one."""
    years = Counter(u.report.meta.year for u in units)
    year = existing.meta.year if existing else years.most_common(1)[0][0]
    other = [u for u in units if u.report.meta.year != year]
    if other:
        raise InputError(
            f"以下单位工作区不是{year}年度的报告，不能与{year}年度的数字汇总，未做改动：",
            details=[f"{u.name}：{u.report.meta.year}年（{u.path}）" for u in other],
        )
    by_agency: dict[str, list[Unit]] = {}  # one key for 某某局, 某某局　 and 某 某局
    for u in units:
        by_agency.setdefault(_agency_key(u.name), []).append(u)
    doubled = [us for us in by_agency.values() if len(us) > 1]
    if doubled:
        raise InputError(
            "同一机关的工作区给出了不止一个，汇总会重复计算，未做改动；请只保留其中一个：",
            details=[
                f"{us[0].name}：{'、'.join(f'{u.path}（{u.name}）' for u in us)}" for us in doubled
            ],
        )
    if _agency_key(name) in by_agency:
        raise InputError(
            f"单位工作区 {by_agency[_agency_key(name)][0].path} 就是汇总的人民政府“{name}”本身，"
            "不能计入自己的汇总"
        )
    old = [u for u in units if _is_2019(u.report)]
    new = [u for u in units if not _is_2019(u.report)]
    if old and new:
        raise InputError(
            "2019年试行格式的报告不能与2021年格式的报告混合汇总（两者的栏目不同），未做改动。"
            "按2019年试行格式填报的单位（请先改按2021年格式填报）：",
            details=[f"{u.name}（{u.path}）：{_legacy_rows(u.report)}" for u in old],
        )


def _legacy_notes(units: Sequence[Unit]) -> list[str]:
    """The 2019-format rows of the units, which have no cell in the 2021 tables: not summed."""
    rows = sorted({path for u in units for path in u.report.figures.legacy})
    if not rows:
        return []
    named = "、".join(f"tables.{p}" for p in rows)
    return [f"各单位按2019年试行格式填报的栏目（{named}）在2021年格式中没有对应的单元格，未汇总"]


def _legacy_rows(report: Report) -> str:
    found = report.figures.legacy
    if not found:
        return f"报告格式为 {report.meta.format}"
    return "含2019年格式的栏目 " + "、".join(f"tables.{p}" for p in found)


def sum_cells(fmt: Format, units: Sequence[Unit]) -> dict[CellKey, CellSum]:
    """Every cell of every table (totals included, so that `check` still finds a unit's error in
    the sums) as the sum of the units' values; null when any unit's value is null."""
    sums: dict[CellKey, CellSum] = {}
    for spec in fmt.tables.values():
        for row, col in spec.cells():
            key = (spec.key, row.key, col.key)
            parts = {u.name: u.report.figures.values.get(key) for u in units}
            missing = [name for name, v in parts.items() if v is None]
            total: Value = None
            if not missing:
                zero: int | Decimal = Decimal(0) if col.type == "decimal" else 0
                total = sum((v for v in parts.values() if v is not None), zero)
            sums[key] = CellSum(key, total, parts, missing)
    return sums


def unit_facts(units: Sequence[Unit]) -> list[Fact]:
    """For each summed answer: the sum over the units, or None (and who lacks it) unless every
    unit answered it."""
    facts = []
    for key, (source, label) in SUMMED_ANSWERS.items():
        values = {u.name: _answer_count(u.report, source) for u in units}
        missing = [name for name, v in values.items() if v is None]
        total = None if missing else sum(v for v in values.values() if v is not None)
        facts.append(Fact(key, source, label, total, missing))
    return facts


def _answer_count(report: Report, source: str) -> int | None:
    group, name = source.split(".")
    value = (report.answers.get(group) or {}).get(name)
    if isinstance(value, list):  # records with a count each, e.g. the new-media channels
        counts = [r.get("count") for r in value if isinstance(r, dict)]
        if not counts or any(not isinstance(c, int) for c in counts):
            return None
        return sum(c for c in counts if isinstance(c, int))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _create(out: Path, agency: str, year: int, fmt: Format) -> Workspace:
    from report_writer.model import Meta
    from report_writer.workspace import create_workspace
    from report_writer.workspace.skeleton import report_yaml

    meta = Meta(agency=agency, year=year, level="government", format=fmt.id)
    title, _, rest = report_yaml(meta, fmt).partition("\n")
    note = (
        "# 统计表（tables）由 report-writer aggregate 逐格汇总所属单位的数字，逐格来源见 "
        f"{LOG_FILE}；单位的数字改动后重新运行 aggregate 即可，其余内容不会被改动。"
    )
    return create_workspace(out, f"{title}\n{note}\n{rest}")


def _write_tables(doc: Any, fmt: Format, sums: dict[CellKey, CellSum]) -> None:
    """Every cell's sum into the round-trip document, rows kept where they are (with their
    comments), missing rows (such as the derived （七）总计) inserted in the format's order."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(doc.get("tables"), CommentedMap):
        doc["tables"] = CommentedMap()
    for spec in fmt.tables.values():
        if not isinstance(doc["tables"].get(spec.key), CommentedMap):
            doc["tables"][spec.key] = CommentedMap()
        target = doc["tables"][spec.key]
        keys = [r.key for r in spec.rows]
        for row in spec.rows:
            cells = {c.key: plain(sums[(spec.key, row.key, c.key)].value) for c in row.columns}
            current = target.get(row.key)
            if isinstance(current, CommentedMap):
                for col, value in cells.items():
                    current[col] = value
                continue
            flow = CommentedMap(cells)
            flow.fa.set_flow_style()
            before = [k for k in keys[: keys.index(row.key)] if k in target]
            position = list(target).index(before[-1]) + 1 if before else 0
            if row.key in target:
                del target[row.key]
            target.insert(position, row.key, flow, comment=row.label)


def _write_facts(doc: Any, facts: list[Fact], count: int) -> None:
    """answers.units: the number of units and each sum every unit answered; replaced as a whole
    on every run (the government's other answers are not touched)."""
    from ruamel.yaml.comments import CommentedMap

    answers = doc.get("answers")
    if not isinstance(answers, CommentedMap):
        answers = doc["answers"] = CommentedMap()
    if not answers:
        answers.fa.set_block_style()
    values = CommentedMap({"count": count})
    values.update({f.key: f.value for f in facts if f.value is not None})
    new = FACTS_GROUP not in answers
    answers[FACTS_GROUP] = values
    if new:
        answers.yaml_set_comment_before_after_key(
            FACTS_GROUP,
            before="所属单位的汇总情况：由 report-writer aggregate 填写，每次汇总时整体替换，请勿手改",
            indent=2,
        )


def log_text(
    agency: str,
    year: int,
    units: Sequence[Unit],
    included: Sequence[Unit],
    sums: dict[CellKey, CellSum],
    facts: list[Fact],
    home: Path,
) -> str:
    """aggregate-log.yaml: the inputs (taken or left out, with their errors), the facts, and
    for every cell the sum and what each unit contributed."""
    import os

    def where(path: Path) -> str:
        try:
            return os.path.relpath(path.resolve(), home.resolve())
        except ValueError:  # another drive on Windows
            return str(path.resolve())

    data = {
        "agency": agency,
        "year": year,
        "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "inputs": [
            {
                "agency": u.name,
                "path": where(u.path),
                "included": u in included,
                "errors": _messages(u.errors),
            }
            for u in units
        ],
        "facts": {
            "count": len(included),
            **{
                f.key: {"from": f.source, "sum": f.value, "missing": f.missing}
                if f.missing
                else {"from": f.source, "sum": f.value}
                for f in facts
            },
        },
        "cells": {
            ".".join(key): {
                "sum": plain(s.value),
                "parts": {a: plain(v) for a, v in s.parts.items()},
                **({"missing": s.missing} if s.missing else {}),
            }
            for key, s in sums.items()
        },
    }
    header = [
        f"# 汇总记录：{agency}{year}年政府信息公开工作年度报告的统计表",
        "# 由 report-writer aggregate 生成，请勿手改。cells 下每个单元格的 sum 为汇总数，",
        "# parts 为各单位的数字；missing 列出该格为空（未知）的单位，此时汇总数也为空。",
        "# 查询某一格的来源：report-writer explain <工作区> --cell applications.new.total",
    ]
    body = dump_yaml(data)
    return "\n".join(header) + "\n" + body


class CellOrigin(Struct, frozen=True):
    """Where one cell's figure comes from, for `explain --cell`."""

    key: CellKey
    label: str
    value: Value
    how: str  # "summed", "given", "derived" (a total computed from its terms) or "omitted" (0)
    line: int | None = None  # of the cell in report.yaml, when written there
    parts: list[tuple[str, str, Any]] = field(default_factory=list)  # (agency, path, value)
    missing: list[str] = field(default_factory=list)
    summed: Any = None  # the sum as recorded (may differ from `value` after a hand edit)
    log: Path | None = None
    made: str = ""


def explain_cells(path: Path, cell: str) -> list[CellOrigin]:
    """「这个数从哪来」: for the cell (or every cell of the row) `cell` names —
    `applications.new.natural_person`, `tables.reviews.review.total`, `applications.new` — its
    value and origin: the units it was summed from, or where report.yaml gives it."""
    ws = open_workspace(path)
    report = load_report(ws)
    keys = cell_keys(report.fmt, cell)
    log = read_log(ws.path)
    text = read_text(ws.report_path)
    origins = []
    for key in keys:
        value = report.figures.values[key]
        label = report.fmt.cell_label(key)
        dotted = ".".join(key)
        entry = log.cells.get(dotted) if log else None
        line = line_of(text, f"tables.{dotted}") if report.figures.is_given(key) else None
        if log is not None and isinstance(entry, dict):
            paths = {i.get("agency"): str(i.get("path", "")) for i in log.inputs}
            parts = [(a, paths.get(a, ""), v) for a, v in (entry.get("parts") or {}).items()]
            origins.append(
                CellOrigin(
                    key,
                    label,
                    value,
                    "summed",
                    line,
                    parts,
                    list(entry.get("missing") or []),
                    entry.get("sum"),
                    log.path,
                    log.made,
                )
            )
            continue
        spec = report.fmt.tables[key[0]]
        if report.figures.is_given(key):
            how = "given"
        elif spec.is_derived(spec.row(key[1]), spec.column(key[2])):
            how = "derived"
        else:
            how = "omitted"
        origins.append(CellOrigin(key, label, value, how, line))
    return origins


def cell_keys(fmt: Format, cell: str) -> list[CellKey]:
    """The cells a `--cell` address names: `table.row.column` (one cell) or `table.row` (its
    row), with or without the `tables.` of report.yaml."""
    parts = cell.strip().removeprefix("tables.").split(".")
    table = fmt.tables.get(parts[0])
    if table is None:
        raise InputError(
            f"没有“{parts[0]}”这张表。可用：{'、'.join(f'{k}（{t.name}）' for k, t in fmt.tables.items())}；"
            "例：--cell applications.new.total"
        )
    rows = [r.key for r in table.rows]
    if len(parts) < 2 or parts[1] not in rows:
        raise InputError(f"{table.name}没有“{'.'.join(parts[1:2])}”这一行。可用：{'、'.join(rows)}")
    row = table.row(parts[1])
    columns = [c.key for c in row.columns]
    if len(parts) == 2:
        return [(table.key, row.key, c) for c in columns]
    if len(parts) > 3 or parts[2] not in columns:
        raise InputError(
            f"{table.name}“{row.label}”没有“{'.'.join(parts[2:])}”这一列。可用：{'、'.join(columns)}"
        )
    return [(table.key, row.key, parts[2])]
