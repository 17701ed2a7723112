"""The overview of many workspaces: one self-contained HTML page (templates/overview.html.j2: a
sortable table of the units, the failing checks one click away, small inline SVG charts), or the
same figures as a spreadsheet (openpyxl).

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct, field

from report_writer.render.templates import templates_env

TEMPLATE = "overview.html.j2"
Number = int | Decimal | None

# The kinds of outcome of 表三, each the sum of these rows' `total` (FORMAT.md).
OUTCOMES = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
}
# The columns of the table (HTML and spreadsheet): key, heading, what it counts.
COLUMNS = (
    ("documents", "制发文件", "本年制发的规章和行政规范性文件（表二）"),
    ("decisions", "处理决定", "行政许可、处罚、强制的处理决定数（表二）"),
    ("items", "公开信息", "主动公开的信息条数（第一部分的答案，未填写时为空）"),
    ("new", "新收申请", "本年新收政府信息公开申请（表三）"),
    ("previous_new", "上年新收", "上年报告的新收申请（工作区中有 previous 文件夹时）"),
    ("carried_forward", "结转下年", "结转下年度继续办理（表三）"),
    ("review", "行政复议", "政府信息公开行政复议总计（表四）"),
    ("litigation", "行政诉讼", "政府信息公开行政诉讼总计（表四，两种起诉合计）"),
)
LINE_HEIGHT = 15  # points: one line of the spreadsheet's 11-point text
CHART_UNITS = 20  # the bar chart by unit shows the units with the most applications
PAIRED_UNITS = 12  # and the chart of this year against last, two bars a unit, fewer


class Issue(Struct, frozen=True):
    code: str
    severity: str  # "error" or "warning"
    message: str


class UnitRow(Struct):
    """One workspace as the overview shows it."""

    folder: str
    agency: str | None = None
    level: str | None = None  # in Chinese: 部门 / 人民政府 / 乡镇街道
    year: int | None = None
    source: str = "起草"  # 起草, 导入 or 汇总
    figures: dict[str, Number] = field(default_factory=dict)  # by COLUMNS key
    outcomes: dict[str, Number] = field(default_factory=dict)  # by OUTCOMES key
    issues: list[Issue] = field(default_factory=list)
    draft: bool = False
    edited: list[str] = field(default_factory=list)  # regions of draft.md edited by hand
    conflicts: bool = False  # draft.md holds unresolved conflict markers
    draft_problem: str | None = None  # draft.md cannot be read (markers broken)
    problem: str | None = None  # the workspace cannot be read at all

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def name(self) -> str:
        return self.agency or self.folder

    @property
    def draft_state(self) -> str:
        if not self.draft:
            return "无草稿"
        if self.conflicts:
            return "有冲突未解决"
        if self.draft_problem:
            return "草稿标记有误"
        if self.edited:
            return f"人工修改：{'、'.join(self.edited)}"
        return "已生成"


def totals(rows: Sequence[UnitRow]) -> dict[str, Number]:
    """Each column summed over the readable units; None when any of them lacks the figure."""
    readable = [r for r in rows if r.problem is None]
    result: dict[str, Number] = {}
    for key, _, _ in COLUMNS:
        values = [r.figures.get(key) for r in readable]
        known = [v for v in values if v is not None]
        result[key] = sum(known) if readable and len(known) == len(values) else None
    return result


def charts(rows: Sequence[UnitRow]) -> list[tuple[str, str]]:
    """(caption, inline SVG) of each chart there is data for."""
    from report_writer.render.charts import bars, paired_bars

    found: list[tuple[str, str]] = []
    known = [r for r in rows if r.problem is None and r.figures.get("new") is not None]
    top = sorted(known, key=lambda r: -(r.figures["new"] or 0))[:CHART_UNITS]
    if top:
        more = f"（申请最多的{len(top)}个单位）" if len(known) > len(top) else ""
        title = "新收申请（件）"
        values = [float(r.figures["new"] or 0) for r in top]
        found.append(
            (f"各单位本年新收政府信息公开申请{more}", bars(title, _labels(top), values, "units"))
        )
    complete = [
        r for r in rows if r.problem is None and r.outcomes and None not in r.outcomes.values()
    ]
    if complete:
        sums = [float(sum(r.outcomes[k] or 0 for r in complete)) for k in OUTCOMES]
        left = len([r for r in rows if r.problem is None]) - len(complete)
        note = f"（不含{left}个办理结果有空值的单位）" if left else ""
        svg = bars("办理结果（件）", list(OUTCOMES.values()), sums, "outcomes")
        found.append((f"{len(complete)}个单位的申请办理结果合计{note}", svg))
    paired = [r for r in known if r.figures.get("previous_new") is not None]
    with_last = len(paired)
    paired = sorted(paired, key=lambda r: -(r.figures["new"] or 0))[:PAIRED_UNITS]
    if paired:
        more = f"（申请最多的{len(paired)}个单位）" if with_last > len(paired) else ""
        svg = paired_bars(
            "新收申请：本年与上年（件）",
            _labels(paired),
            [float(r.figures["new"] or 0) for r in paired],
            [float(r.figures["previous_new"] or 0) for r in paired],
            ("本年", "上年"),
            "years",
        )
        shown = f"，图中为申请最多的{len(paired)}个" if more else ""
        found.append((f"本年与上年新收申请对比（{with_last}个单位有上年报告{shown}）", svg))
    return found


def _labels(rows: Sequence[UnitRow]) -> list[str]:
    return [r.name if len(r.name) <= 14 else r.name[:13] + "…" for r in rows]


def render_overview_html(rows: Sequence[UnitRow], title: str) -> str:
    from markupsafe import Markup

    env = templates_env()
    env.filters["shown"] = _shown
    env.filters["sort_key"] = lambda v: "" if v is None else str(v)
    return env.get_template(TEMPLATE).render(
        title=title,
        rows=rows,
        columns=COLUMNS,
        totals=totals(rows),
        charts=[(caption, Markup(svg)) for caption, svg in charts(rows)],
        summary=summary(rows),
    )


def _shown(value: Number) -> str:
    if value is None:
        return "空"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def summary(rows: Sequence[UnitRow]) -> str:
    """One sentence: how many units, how many fail, how the drafts stand."""
    unusable = sum(1 for r in rows if r.problem)
    failing = sum(1 for r in rows if r.errors)
    hinted = sum(1 for r in rows if r.warnings and not r.errors)
    drafts = sum(1 for r in rows if r.draft)
    edited = sum(1 for r in rows if r.edited)
    conflicts = sum(1 for r in rows if r.conflicts)
    clean = len(rows) - unusable - failing - hinted
    parts = [
        f"共{len(rows)}个单位：{failing}个有错误，{hinted}个只有提示，{clean}个核对无误",
        f"{unusable}个无法读取" if unusable else "",
        f"已生成草稿{drafts}个（其中有人工修改的{edited}个，有冲突未解决的{conflicts}个）",
    ]
    return "；".join(p for p in parts if p) + "。"


def render_overview_xlsx(rows: Sequence[UnitRow], title: str) -> bytes:
    """Three sheets: the units (the table of the page), the outcomes by kind, every finding."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    units = book.active
    assert units is not None
    units.title = "单位"
    header = ["工作区", "机关", "类型", "年度", "来源", *(h for _, h, _ in COLUMNS)]
    header += ["错误", "提示", "草稿"]
    units.append(header)
    for r in rows:
        if r.problem:
            units.append([r.folder, "（无法读取）", None, None, None, *([None] * len(COLUMNS))])
            continue
        figures = [_cell(r.figures.get(k)) for k, _, _ in COLUMNS]
        counts = [len(r.errors), len(r.warnings), r.draft_state]
        units.append([r.folder, r.agency, r.level, r.year, r.source, *figures, *counts])
    sums = totals(rows)
    units.append(["合计", None, None, None, None, *(_cell(sums[k]) for k, _, _ in COLUMNS)])
    outcomes = book.create_sheet("办理结果")
    outcomes.append(["工作区", "机关", *OUTCOMES.values()])
    for r in rows:
        if r.problem is None:
            outcomes.append([r.folder, r.agency, *(_cell(r.outcomes.get(k)) for k in OUTCOMES)])
    issues = book.create_sheet("核对结果")
    issues.append(["工作区", "机关", "类别", "代码", "说明"])
    for r in rows:
        if r.problem:
            issues.append([r.folder, None, "无法读取", None, r.problem])
        for i in r.issues:
            kind = "错误" if i.severity == "error" else "提示"
            issues.append([r.folder, r.agency, kind, i.code, i.message])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE5EE")
    for sheet in (units, outcomes, issues):
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"  # printed: the header on every page, as wide as a page
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.auto_filter.ref = sheet.dimensions
        for column in sheet.columns:
            letter = column[0].column_letter
            width = max(_width(c.value) for c in column)
            sheet.column_dimensions[letter].width = min(max(width + 2, 6), 60)
    message_width = issues.column_dimensions["E"].width
    for row in issues.iter_rows(min_row=2):
        for other in row[:-1]:
            other.alignment = Alignment(vertical="top")
        cell = row[-1]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # the height of the wrapped lines, which not every program works out when it opens a file
        lines = -(-_width(cell.value) // int(message_width - 2))
        issues.row_dimensions[cell.row].height = LINE_HEIGHT * max(lines, 1)
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Number) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _width(value: object) -> int:
    import unicodedata

    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
