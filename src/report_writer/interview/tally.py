"""Interview layer: the arithmetic of 表三 while it is being filled: the applicant columns, the
outcome rows, what is left to assign per column and the running 「还差…件」 line.

Pure functions of a report; must not import anything that asks.
"""

from __future__ import annotations

from report_writer.formats.spec import Row
from report_writer.interview.questions import Question
from report_writer.model import Report


def cell_limit(report: Report, q: Question) -> tuple[int, str] | None:
    """结转下年度 cannot exceed what there was to handle in its column."""
    table, row, column = q.cells[0]
    if (table, row) != ("applications", "carried_forward"):
        return None
    values = report.figures.values
    most = (values[(table, "new", column)] or 0) + (values[(table, "carried_over", column)] or 0)
    return int(most), f"结转下年度的申请不能多于新收与上年结转之和（{most}件）"


def applicants(report: Report) -> list[str]:
    spec = report.fmt.tables["applications"]
    return [c.key for c in spec.columns if not c.derived]


def outcome_rows(report: Report) -> list[Row]:
    spec = report.fmt.tables["applications"]
    return [r for r in spec.rows if r.groups and not r.derived]


def left_to_assign(report: Report) -> dict[str, int]:
    """Per applicant column: new + carried over − carried forward − outcomes assigned."""
    v = report.figures.values
    left = {}
    for c in applicants(report):
        total = sum(v[("applications", r, c)] or 0 for r in ("new", "carried_over"))
        assigned = sum(v[("applications", r.key, c)] or 0 for r in outcome_rows(report))
        left[c] = int(total - (v[("applications", "carried_forward", c)] or 0) - assigned)
    return left


def balance_text(report: Report) -> str:
    v = report.figures.values
    new = v[("applications", "new", "total")] or 0
    over = v[("applications", "carried_over", "total")] or 0
    forward = v[("applications", "carried_forward", "total")] or 0
    assigned = v[("applications", "handled_total", "total")] or 0
    by_column = left_to_assign(report)
    left = sum(by_column.values())
    sums = f"新收{new}＋上年结转{over}"
    if forward:
        sums += f"－结转下年度{forward}"
    sums += f"＝{new + over - forward}，已归类{assigned}"
    if left > 0:
        text = f"  还有 {left} 件申请未归入办理结果（{sums}）。"
    elif left < 0:
        text = f"  办理结果比申请多 {-left} 件（{sums}），请修改多填的办理结果。"
    else:
        text = "  办理结果总数与申请数一致，但各类申请人之间不一致。"
    off = {c: n for c, n in by_column.items() if n}
    if len(off) > 1 or left == 0:
        spec = report.fmt.tables["applications"]
        text += (
            "其中"
            + "，".join(
                f"{spec.column(c).label}{'还差' if n > 0 else '多了'}{abs(n)}件"
                for c, n in off.items()
            )
            + "。"
        )
    return text
