"""The draft against the tables and last year's draft (FORMAT.md H4, H5, H8), and its
completeness (H8, H9).

Run by `check` (and `build`, on the draft it writes): a reviewer may have changed a figure in the
narrative (“9件” to “10件”), written that no 行政复议 happened while 表四 counts some, or left
last year's sentences in place. And FORMAT.md requires content the answers may lack: section 六
always states the 信息处理费, even when none was charged (H8); section 五 states this year's
problems (H9: completeness of 五), and a people's government's 六 its three items (H9). Without
a draft.md, these are judged on the answers that generate them. The patterns are data
(consistency.yaml).

Floor: draft. Must not import from the floors above (import/interview and up).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.document import Paragraph
from report_writer.draft.figures import findings as figure_findings
from report_writer.draft.markers import DRAFT_FILE, OPENING, Draft, parse_draft, units
from report_writer.draft.read import parse_blocks, unexported
from report_writer.errors import ReportWriterError
from report_writer.formats.checks import Finding, fmt_number
from report_writer.model import Report
from report_writer.render.markdown import text as markdown_text
from report_writer.resources import load_data

RULES_FILE = Path(__file__).resolve().parent.parent / "consistency.yaml"
# Sections 一、五、六 as published, in an imported workspace: importer.write's IMPORTED_FILE
# (the importer package is not loaded for it: it takes longer to import than a check takes).
IMPORTED_FILE = "imported.yaml"


@cache
def load_rules() -> dict[str, Any]:
    data: dict[str, Any] = load_data(RULES_FILE)
    return data


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Said(Struct, frozen=True):
    """One sentence of a narrative section of draft.md."""

    section: str  # the section's heading, e.g. 一、总体情况
    key: str
    text: str
    line: int


def sentences(report: Report, draft: Draft) -> list[Said]:
    result = []
    for spec in report.fmt.sections:
        if spec.kind != "narrative":
            continue
        region = draft.regions[spec.number]
        at = region.start
        for block in parse_blocks(region.text).blocks:
            if not isinstance(block, Paragraph):
                continue
            for s in block.sentences:
                if not s.text.strip():
                    continue
                found = draft.text.find(markdown_text(s.text), at, region.end)
                if found >= 0:
                    at = found
                result.append(Said(spec.heading, spec.key, s.text, draft.line_of(at)))
    return result


def _cell_sum(report: Report, cells: list[str]) -> int | Decimal | None:
    values = []
    for name in cells:
        table, row, column = name.split(".")
        value = report.figures.values.get((table, row, column))
        if value is None:
            return None
        values.append(value)
    return sum(values)


def _finding(code: str, message: str, rule: dict[str, Any], values: dict[str, Any]) -> Finding:
    table, row, column = rule["cells"][0].split(".") if rule.get("cells") else (None, None, None)
    single = len(rule.get("cells", [])) == 1
    return Finding(
        code=code,
        severity="warning",
        message=message,
        table=table,
        row=row if single else None,
        column=column if single else None,
        values=values,
    )


def figures_agree(report: Report, said: list[Said]) -> Iterator[Finding]:
    """H4: every figure the narrative states about a table cell or an answer equals it."""
    return figure_findings(report, said, DRAFT_FILE)


def none_happened(report: Report, said: list[Said]) -> Iterator[Finding]:
    """H5: the narrative says no 复议/诉讼 happened while 表四 counts some."""
    for rule in load_rules()["none_happened"]:
        total = _cell_sum(report, rule["cells"])
        if not total:
            continue
        for s in said:
            if any(_compiled(p).search(s.text) for p in rule["patterns"]):
                yield _finding(
                    "H5",
                    f"{DRAFT_FILE} 第{s.line}行（{s.section}）“{s.text}”说没有{rule['what']}，"
                    f"但表四的{rule['what']}总计为{fmt_number(total)}件",
                    rule,
                    {"sentence": s.text, "table": total, "line": s.line},
                )


def repeats(report: Report, said: list[Said], last_year: list[Said]) -> Iterator[Finding]:
    """H8: sentences of 一 or 五 taken over unchanged from last year's draft."""
    spec = load_rules()["repeats"]
    before = {(s.key, s.text.strip()) for s in last_year}
    for key in spec["sections"]:
        same = [
            s
            for s in said
            if s.key == key
            and len(s.text.strip()) >= spec["min_chars"]
            and (key, s.text.strip()) in before
        ]
        if same:
            first = same[0]
            yield Finding(
                code="H8",
                severity="warning",
                message=(
                    f"{first.section}有{len(same)}句与上年度报告完全相同，如 {DRAFT_FILE} 第{first.line}行"
                    f"“{first.text}”。请按本年度的实际情况更新"
                ),
                values={"section": key, "sentences": [s.text for s in same]},
            )


def _answer(report: Report, name: str) -> Any:
    group, _, key = name.partition(".")
    return (report.answers.get(group) or {}).get(key)


def _answered(report: Report, names: list[str]) -> bool:
    return any(_answer(report, n) not in (None, "", []) for n in names)


def fee_reported(report: Report, said: list[Said] | None, source: str) -> Iterator[Finding]:
    """H8: section 六 does not state the 信息处理费 (FORMAT.md: always, even when none was
    charged), or draft.md says none was charged while the answers record a fee. `said` None:
    no text yet, and the answers that generate the statement are judged."""
    spec = load_rules()["fees"]
    charged = {n: _answer(report, n) for n in spec["charged"] if _answer(report, n)}
    shown = "、".join(f"{k}={fmt_number(v)}" for k, v in charged.items())
    values: dict[str, Any] = {"section": spec["section"], "answers": charged}
    heading = report.fmt.section(spec["section"]).heading
    if said is None:
        if not _answered(report, spec["answers"]):
            yield Finding("H8", "warning", _incomplete(spec, heading, None), values=values)
        return
    six = [s for s in said if s.key == spec["section"]]
    mentions = [s for s in six if spec["mention"] in s.text]
    denials = [s for s in mentions if _compiled(spec["denial"]).search(s.text)]
    if not mentions:
        if source != DRAFT_FILE and _answered(report, spec["answers"]):
            return  # the published text lacks it; the draft the answers make will state it
        message = _incomplete(spec, heading, source)
        if charged:
            message += f"；答案中记有收费（{shown}）"
        yield Finding("H8", "warning", message, values=values)
    elif denials and charged and source == DRAFT_FILE:
        message = (
            f"{DRAFT_FILE} 第{denials[0].line}行（{heading}）“{denials[0].text}”说未收取信息处理费，"
            f"但答案中记有收费（{shown}）"
        )
        yield Finding("H8", "warning", message, values=values)


def problems_stated(report: Report, said: list[Said] | None, source: str) -> Iterator[Finding]:
    """H9, completeness of 五: the section states no problem of this year. `said` None: no text
    yet, and the answers that generate the problems are judged."""
    spec = load_rules()["problems"]
    heading = report.fmt.section(spec["section"]).heading
    if said is None:
        stated = _answered(report, spec["answers"])
    else:
        five = [s for s in said if s.key == spec["section"]]
        stated = any(_compiled(spec["mention"]).search(s.text) for s in five) or (
            source != DRAFT_FILE and _answered(report, spec["answers"])
        )
    if not stated:
        where = None if said is None else source
        yield Finding(
            "H9", "warning", _incomplete(spec, heading, where), values={"section": spec["section"]}
        )


def government_items(report: Report, said: list[Said] | None, source: str) -> Iterator[Finding]:
    """H9 for a people's government: section 六 lacks one of the three items FORMAT.md requires
    of it (上级工作要点, 建议提案办理, 创新). `said` None: no text yet, and the answers are judged."""
    spec = load_rules()["government"]
    if report.meta.level not in spec["levels"]:
        return
    heading = report.fmt.section(spec["section"]).heading
    six = [s for s in said or [] if s.key == spec["section"]]
    for item in spec["items"]:
        item_spec = {**spec, **item}
        if said is None:
            stated = _answered(report, item["answers"])
        else:
            stated = any(_compiled(item["mention"]).search(s.text) for s in six) or (
                source != DRAFT_FILE and _answered(report, item["answers"])
            )
        if not stated:
            where = None if said is None else source
            yield Finding(
                "H9",
                "warning",
                _incomplete(item_spec, heading, where),
                values={"section": spec["section"], "answers": item["answers"]},
            )


def _incomplete(spec: dict[str, Any], heading: str, source: str | None) -> str:
    """What a section lacks and what to fill in; `source` names the file whose text was read
    (draft.md, or imported.yaml: the published text), None for the answers."""
    if source is None:
        said = f"“{heading}”{spec['missing']}（答案中未填写）"
        then = "，再运行 report-writer build"
    elif source == DRAFT_FILE:
        said = f"{source} 的“{heading}”{spec['missing']}"
        then = (
            f"，再运行 report-writer regenerate 目录 --section {spec['number']}，"
            f"或直接在 {source} 中补写"
        )
    else:
        said = f"导入的原文（{source}）“{heading}”{spec['missing']}"
        then = "，再运行 report-writer build 生成草稿"
    return f"{said}：{spec['required']}。请填写 {spec['fill']}{then}"


def completeness(
    report: Report, said: list[Said] | None, source: str = DRAFT_FILE
) -> list[Finding]:
    """H8 and H9: content FORMAT.md requires in sections 六 and 五, in the sentences `said` of
    the file `source`, or (`said` None) in the answers."""
    return [
        *fee_reported(report, said, source),
        *problems_stated(report, said, source),
        *government_items(report, said, source),
    ]


def imported_sentences(report: Report, folder: Path) -> list[Said] | None:
    """The sentences of sections 一、五、六 as published, in an imported workspace (its
    imported.yaml), or None when it has none."""
    from report_writer.files import read_text
    from report_writer.yamlio import parse_yaml

    path = folder / IMPORTED_FILE
    if not path.is_file():
        return None
    data = parse_yaml(read_text(path), path)
    texts = data if isinstance(data, dict) else {}
    return [
        Said(spec.heading, spec.key, unit, 0)
        for spec in report.fmt.sections
        if isinstance(texts.get(spec.key), str)
        for unit in units(texts[spec.key])
        if unit.strip()
    ]


def not_exported(draft: Draft) -> Iterator[Finding]:
    """D1: lines of draft.md that HTML and Word leave out: text outside the markers, and
    headings or tables in the opening."""
    for line, words, in_opening in unexported(draft):
        if in_opening:
            where = "在开头部分（标题和导语）中，开头只收标题和导语段落"
            move = "请改写为段落，或移到后面某一部分中"
        else:
            where = "在各部分的“report-writer 开始/结束”标记行之外"
            move = "请把它移到某一部分的开始、结束标记行之间"
        yield Finding(
            "D1",
            "warning",
            f"{DRAFT_FILE} 第{line}行“{words}”{where}，不会进入 HTML 和 Word：{move}，"
            "再运行 report-writer build",
            values={"line": line, "text": words},
        )


def headings_renamed(report: Report, draft: Draft) -> Iterator[Finding]:
    """D3: a section heading of draft.md differs from the format's."""
    for spec in report.fmt.sections:
        region = draft.regions[spec.number]
        parsed = parse_blocks(region.text, tables=False)
        if parsed.title is not None and parsed.title != spec.heading:
            line = region.line + parsed.title_line
            yield Finding(
                "D3",
                "warning",
                f"{DRAFT_FILE} 第{line}行的标题“{parsed.title}”与格式规定的“{spec.heading}”不同；"
                "HTML 和 Word 采用修改后的标题。如非有意，请改回",
                values={"line": line, "heading": parsed.title, "format": spec.heading},
            )


def table_differences(report: Report, draft: Draft, number: str) -> list[Finding]:
    """D2: the table of a table section of draft.md differs from the one report.yaml makes
    (a cell edited by hand): each figure named with both values and how to reconcile. Run on
    the sections edited by hand: `build` refreshes the others from report.yaml."""
    from report_writer.document import Table, build_table

    spec = report.fmt.section(number)
    region = draft.regions[number]
    parsed = parse_blocks(region.text)
    generated = build_table(report, spec.key)
    index = next(
        (i for i, b in enumerate(parsed.blocks) if isinstance(b, Table) and b.key == spec.key),
        None,
    )
    fix = (
        f"统计表以 report.yaml 为准，HTML 和 Word 按 report.yaml 生成。若草稿中的数字是对的，"
        f"请改 report.yaml 中的对应数字；否则运行 report-writer regenerate 目录 --section {number}"
        " --force 按 report.yaml 恢复草稿中的表格"
    )
    if index is None:
        return [
            Finding(
                "D2",
                "warning",
                f"{DRAFT_FILE} 第{region.line}行起的“{spec.heading}”中没有统计表。{fix}",
                table=spec.key,
                values={"line": region.line},
            )
        ]
    table = parsed.blocks[index]
    assert isinstance(table, Table)
    rows = parsed.row_lines[index]
    drafted = {(r, c): cell for r, c, cell in table.grid()}
    findings = []
    other: list[int] = []
    for r, c, cell in generated.grid():
        found = drafted.get((r, c))
        stated = found.text if found else "（空）"
        if found is not None and found.text == cell.text and found.rowspan == cell.rowspan:
            continue
        line = region.line + rows[min(r, len(rows) - 1)]
        if cell.key is None:
            other.append(line)
            continue
        t, row, column = cell.key
        findings.append(
            Finding(
                "D2",
                "warning",
                f"{DRAFT_FILE} 第{line}行：草稿中{report.fmt.cell_label(cell.key)}为{stated}，"
                f"report.yaml 中为{cell.text}（tables.{t}.{row}.{column}）。{fix}",
                table=t,
                row=row,
                column=column,
                values={"line": line, "draft": stated, "report": cell.text},
            )
        )
    if other or len(table.rows) != len(generated.rows):
        line = min(other) if other else region.line + rows[-1]
        findings.append(
            Finding(
                "D2",
                "warning",
                f"{DRAFT_FILE} 第{line}行起，“{spec.heading}”草稿中的表格文字或行列与格式不同。{fix}",
                table=spec.key,
                values={"line": line},
            )
        )
    return findings


def check_draft(report: Report, draft: Draft, previous: Draft | None = None) -> list[Finding]:
    said = sentences(report, draft)
    findings = [*figures_agree(report, said), *none_happened(report, said)]
    findings.extend(not_exported(draft))
    findings.extend(headings_renamed(report, draft))
    for spec in report.fmt.sections:
        if spec.kind == "table" and draft.regions[spec.number].edited:
            findings.extend(table_differences(report, draft, spec.number))
    if previous is not None:
        findings.extend(repeats(report, said, sentences(report, previous)))
    findings.extend(completeness(report, said))
    return findings


def _draft_of(report: Report, folder: Path) -> Draft | None:
    from report_writer.files import read_text

    path = folder / DRAFT_FILE
    if not path.is_file():
        return None
    numbers = [OPENING, *(s.number for s in report.fmt.sections)]
    return parse_draft(path, read_text(path), numbers)


def draft_findings(report: Report, folder: Path, previous: Path | None = None) -> list[Finding]:
    """The draft checks of the draft.md in `folder`; without one, the completeness of the
    published text an imported workspace holds, else of the answers that will generate the
    draft. A file that cannot be read is itself a finding (the table checks still run)."""
    try:
        draft = _draft_of(report, folder)
        if draft is None:
            return completeness(report, imported_sentences(report, folder), IMPORTED_FILE)
        last = _draft_of(report, previous) if previous else None
    except ReportWriterError as exc:
        return [Finding("H4", "warning", f"无法核对草稿与统计表是否一致：{exc.message}")]
    return check_draft(report, draft, last)
