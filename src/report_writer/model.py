"""The typed report: meta, answers, table figures, chosen phrases. Built from a plain dict.

Problems are collected with their key paths (`tables.applications.new.natural_person`) and raised
together as one `ReportProblems`; the workspace adds file and line numbers. Cell values that are
not valid numbers do not stop loading: check C0 reports them.

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from msgspec import Struct, field

from report_writer.answers import Problems, suggest, validate_answers
from report_writer.errors import InputError
from report_writer.formats.figures import Figures, Value
from report_writer.formats.spec import Format, format_for_year, load_format

LEVELS = {"department": "部门", "government": "人民政府", "township": "乡镇街道"}
# The agency type a name suggests, from how it ends (first match wins; else department). An
# office of a government (某某区人民政府办公室) is a department-level body; a management committee
# of a development or experimental zone (某某综合实验区管理委员会) acts as a government.
LEVEL_BY_SUFFIX = (
    ("街道办事处", "township"),
    ("街道", "township"),
    ("乡人民政府", "township"),
    ("镇人民政府", "township"),
    ("乡", "township"),
    ("镇", "township"),
    ("人民政府", "government"),
    ("管理委员会", "government"),
    ("管委会", "government"),
)
TIERS = {
    "national": "国家级",
    "province": "省级",
    "city": "设区的市级",
    "county": "县级",
    "township": "乡级",
}
TOP_KEYS = ["meta", "answers", "tables", "phrases", "phrasebanks"]
META_KEYS = ["agency", "year", "level", "tier", "format", "contact"]
NULL_MARKS = {"/", "／", "", "-", "—"}
MAX_DECIMALS = 4


def guess_level(agency: str) -> str:
    """department, government or township, as the agency's name suggests (the default offered
    by the interview and what an import assumes)."""
    name = agency.strip()
    return next((level for suffix, level in LEVEL_BY_SUFFIX if name.endswith(suffix)), "department")


class ReportProblems(InputError):
    """The report cannot be used; `problems` lists (key path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(
            f"report.yaml 有{len(problems)}处问题", details=[f"{p}：{m}" for p, m in problems]
        )
        self.problems = problems


class Meta(Struct):
    agency: str
    year: int
    level: str
    tier: str | None = None
    format: str = "gov2021"
    contact: str | None = None

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


class Report(Struct):
    meta: Meta
    fmt: Format
    figures: Figures
    answers: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    phrasebanks: list[str] = field(default_factory=list)


def parse_report(data: Any) -> Report:
    problems = Problems()
    if not isinstance(data, dict):
        raise ReportProblems([("（文件）", "应为键值映射，顶层包含 meta、answers、tables 等键")])
    for key in data:
        if key not in TOP_KEYS:
            problems.add(str(key), f"未知的顶层键{suggest(str(key), TOP_KEYS)}")
    meta = _meta(data.get("meta"), problems)
    fmt = load_format(meta.format) if meta.format else format_for_year(meta.year)
    figures = _figures(fmt, data.get("tables"), problems)
    answers = validate_answers(data.get("answers"), problems)
    phrases = _string_map(data.get("phrases"), "phrases", problems)
    phrasebanks = _string_list(data.get("phrasebanks"), "phrasebanks", problems)
    if problems:
        raise ReportProblems(problems)
    return Report(meta, fmt, figures, answers, phrases, phrasebanks)


def _meta(raw: Any, problems: Problems) -> Meta:
    if not isinstance(raw, dict):
        problems.add("meta", "缺少 meta（机关名称 agency、年度 year、机关类型 level）")
        return Meta(agency="", year=0, level="department")
    for key in raw:
        if key not in META_KEYS:
            problems.add(f"meta.{key}", f"未知的键{suggest(str(key), META_KEYS)}")
    agency = raw.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        problems.add("meta.agency", "缺少机关全称")
        agency = ""
    year = raw.get("year")
    if year is None:
        problems.add("meta.year", "缺少报告年度（四位年份，如 2024）")
        year = 0
    elif isinstance(year, bool) or not isinstance(year, int) or not 2008 <= year <= 2100:
        problems.add("meta.year", f"报告年度应为四位年份，现为“{year}”")
        year = 0
    level = raw.get("level", "department")
    if level not in LEVELS:
        names = "、".join(f"{k}（{v}）" for k, v in LEVELS.items())
        problems.add("meta.level", f"机关类型应为 {names} 之一，现为“{level}”")
        level = "department"
    tier = raw.get("tier")
    if tier is not None and tier not in TIERS:
        names = "、".join(f"{k}（{v}）" for k, v in TIERS.items())
        problems.add("meta.tier", f"行政层级应为 {names} 之一，现为“{tier}”")
        tier = None
    fmt = raw.get("format")
    if fmt is None:
        fmt = format_for_year(year or 2021).id
    contact = raw.get("contact")
    return Meta(
        agency=agency.strip(),
        year=year,
        level=level,
        tier=tier,
        format=str(fmt),
        contact=str(contact) if contact is not None else None,
    )


def parse_cell(raw: Any, decimal: bool) -> Value:
    """A cell value, or None for "/" and blanks; ValueError when it is no valid figure."""
    if raw is None or (isinstance(raw, str) and raw.strip() in NULL_MARKS):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not decimal and text.isdigit():
            return int(text)
        raw = text
    if not decimal:
        if isinstance(raw, int) and raw >= 0:
            return raw
        raise ValueError(raw)
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(raw) from None
    if not number.is_finite() or number < 0:
        raise ValueError(raw)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise ValueError(raw)
    return number


def _figures(fmt: Format, raw: Any, problems: Problems) -> Figures:
    figures = Figures(fmt)
    if raw is None:
        return figures
    if not isinstance(raw, dict):
        problems.add("tables", "应为键值映射（表 → 行 → 列）")
        return figures
    legacy = {x.path for x in fmt.legacy}
    for tkey, rows in raw.items():
        if tkey not in fmt.tables:
            problems.add(f"tables.{tkey}", f"未知的表{suggest(str(tkey), list(fmt.tables))}")
            continue
        spec = fmt.tables[tkey]
        if rows is None:
            continue
        if not isinstance(rows, dict):
            problems.add(f"tables.{tkey}", "应为键值映射（行 → 列）")
            continue
        row_keys = [r.key for r in spec.rows]
        for rkey, cols in rows.items():
            path = f"tables.{tkey}.{rkey}"
            if f"{tkey}.{rkey}" in legacy:
                figures.legacy[f"{tkey}.{rkey}"] = cols
                continue
            if rkey not in row_keys:
                problems.add(path, f"未知的行{suggest(str(rkey), row_keys)}")
                continue
            row = spec.row(rkey)
            if cols is None:
                continue
            if not isinstance(cols, dict):
                problems.add(path, f"（{row.label}）应为键值映射（列 → 数值）")
                continue
            col_keys = [c.key for c in row.columns]
            for ckey, value in cols.items():
                if ckey not in col_keys:
                    problems.add(
                        f"{path}.{ckey}", f"{row.label}没有这一列{suggest(str(ckey), col_keys)}"
                    )
                    continue
                col = spec.column(ckey)
                key = (tkey, rkey, ckey)
                try:
                    figures.given[key] = parse_cell(value, col.type == "decimal")
                except ValueError:
                    figures.invalid[key] = value
    return figures


def _string_map(raw: Any, path: str, problems: Problems) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        problems.add(path, "应为键值映射（段落 → 表述编号）")
        return {}
    return {str(k): v for k, v in raw.items()}


def _string_list(raw: Any, path: str, problems: Problems) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        problems.add(path, "应为文件夹路径的列表")
        return []
    return list(raw)
