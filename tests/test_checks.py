"""The cross-checks C0–C6 and the warnings H1–H3, H6, H7 of FORMAT.md, on in-memory reports."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import base_report
from report_writer.check import check_report
from report_writer.formats.spec import load_format
from report_writer.model import Report, parse_report

FMT = load_format("gov2021")
APPS = FMT.tables["applications"]
APPLICANTS = [c.key for c in APPS.columns if not c.derived]
OUTCOMES = [r.key for r in APPS.rows if r.groups and not r.derived]


def check(data: dict[str, Any], previous: dict[str, Any] | None = None) -> list[Any]:
    prev: Report | None = parse_report(previous) if previous else None
    return check_report(parse_report(data), prev).findings


def codes(findings: list[Any]) -> list[str]:
    return [f.code for f in findings]


def with_totals(applications: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Fill in every total of 表三 (row totals and （七）总计), as a careful officer would."""
    table = copy.deepcopy(applications)
    table["handled_total"] = {
        c: sum(table.get(r, {}).get(c, 0) for r in OUTCOMES) for c in APPLICANTS
    }
    for row in table.values():
        row["total"] = sum(row.get(c, 0) for c in APPLICANTS)
    return table


CONSISTENT_APPS = with_totals(
    {
        "new": {"natural_person": 12, "business": 3, "other": 1},
        "carried_over": {"natural_person": 2},
        "granted": {"natural_person": 5, "business": 2},
        "partially_granted": {"natural_person": 1},
        "unavailable_not_held": {"natural_person": 4, "business": 1},
        "rejected_complaint": {"natural_person": 2, "other": 1},
        "carried_forward": {"natural_person": 2},
    }
)
CONSISTENT = base_report(
    proactive={
        "normative_documents": {"issued": 3, "repealed": 1, "in_force": 12},
        "penalty": {"decisions": 40},
        "fees": {"amount": 1.25},
    },
    applications=CONSISTENT_APPS,
    reviews={"review": {"upheld": 1, "pending": 1, "total": 2}},
)


def test_consistent_hand_made_report_passes_every_check() -> None:
    assert check(CONSISTENT) == []


def test_totals_left_out_are_derived() -> None:
    apps = {k: {c: v for c, v in row.items() if c != "total"} for k, row in CONSISTENT_APPS.items()}
    del apps["handled_total"]
    report = parse_report(base_report(applications=apps))
    assert report.figures.value("applications", "handled_total", "total") == 16
    assert report.figures.value("applications", "new", "total") == 16
    assert check_report(report).findings == []


def test_c0_letter_fraction_negative_in_count_cells() -> None:
    data = base_report(
        applications={"new": {"natural_person": "abc", "business": 1.5, "research": -2}},
        proactive={"fees": {"amount": "十万"}},
    )
    found = [f for f in check(data) if f.code == "C0"]
    messages = "\n".join(f.message for f in found)
    assert len(found) == 4
    assert all(f.severity == "error" for f in found)
    assert (
        "表三 一、本年新收政府信息公开申请数量 · 自然人（tables.applications.new.natural_person）"
        "应为不小于0的整数，现为“abc”" in messages
    )
    assert "tables.applications.new.business）应为不小于0的整数，现为“1.5”" in messages
    assert "tables.applications.new.research）应为不小于0的整数，现为“-2”" in messages
    assert "tables.proactive.fees.amount）应为不小于0的数（单位：万元），现为“十万”" in messages


def test_c0_null_cell_is_unknown_not_zero() -> None:
    data = base_report(applications={"new": {"natural_person": "/"}})
    found = check(data)
    assert [(f.code, f.severity) for f in found] == [("C0", "warning")]
    assert "为空（原文为“/”、空白，或导入时缺这一行），按未知处理，不等于0" in found[0].message
    assert parse_report(data).figures.value("applications", "new", "total") is None


def test_c1_row_total() -> None:
    apps = with_totals({"granted": {"natural_person": 2}, "new": {"natural_person": 2}})
    apps["granted"]["total"] = 3
    found = check(base_report(applications=apps))
    c1 = [f for f in found if f.code == "C1"]
    assert [f.message for f in c1] == [
        "表三 （一）予以公开：自然人2＋商业企业0＋科研机构0＋社会公益组织0＋法律服务机构0＋其他0＝2，"
        "但总计为3"
    ]
    assert (c1[0].row, c1[0].column) == ("granted", "total")


def test_c2_column_balance() -> None:
    apps = with_totals({"new": {"business": 4}, "granted": {"business": 3}})
    found = check(base_report(applications=apps))
    assert codes(found) == ["C2", "C2"]  # the 商业企业 column and the 总计 column
    assert (
        found[0].message
        == "表三 商业企业列：本年新收4＋上年结转0＝4，但办理结果总计3＋结转下年度0＝3"
    )
    assert found[0].column == "business"


def test_c3_outcomes_add_up_to_handled_total() -> None:
    apps = with_totals(
        {"new": {"research": 5}, "granted": {"research": 2}, "withheld_query": {"research": 3}}
    )
    apps["handled_total"]["research"] = 4
    apps["handled_total"]["total"] = 4
    found = check(base_report(applications=apps))
    c3 = [f for f in found if f.code == "C3"]
    assert c3[0].message == (
        "表三 科研机构列：（一）予以公开2＋（三）不予公开 8.属于行政查询事项3（其余各项为0）＝5，"
        "但办理结果总计为4"
    )
    assert (c3[0].row, c3[0].column) == ("handled_total", "research")


def test_c4_c5_c6_review_and_litigation_groups() -> None:
    data = base_report(
        reviews={
            "review": {"pending": 1, "total": 0},
            "litigation_direct": {"upheld": 2, "total": 1},
            "litigation_after_review": {"corrected": 1, "other": 1, "total": 3},
        }
    )
    messages = {f.code: f.message for f in check(data)}
    assert messages == {
        "C4": "表四 行政复议：结果维持0＋结果纠正0＋其他结果0＋尚未审结1＝1，但总计为0",
        "C5": "表四 行政诉讼（未经复议直接起诉）：结果维持2＋结果纠正0＋其他结果0＋尚未审结0＝2，但总计为1",
        "C6": "表四 行政诉讼（复议后起诉）：结果维持0＋结果纠正1＋其他结果1＋尚未审结0＝2，但总计为3",
    }


def test_h1_carry_over_against_last_year() -> None:
    last = base_report(
        applications=with_totals(
            {"new": {"natural_person": 3}, "carried_forward": {"natural_person": 3}}
        )
    )
    this = base_report(
        applications=with_totals({"new": {"natural_person": 1}, "granted": {"natural_person": 1}})
    )
    found = check(this, previous=last)
    h1 = [f for f in found if f.code == "H1"]
    assert h1[0].severity == "warning"
    assert h1[0].message == (
        "表三 自然人列：本年“二、上年结转政府信息公开申请数量”为0，"
        "但上年报告“四、结转下年度继续办理”为3"
    )
    assert check(this) == []  # without last year's report, H1 cannot run


def test_h2_documents_in_force() -> None:
    last = base_report(proactive={"normative_documents": {"in_force": 10}})
    this = base_report(
        proactive={"normative_documents": {"issued": 2, "repealed": 1, "in_force": 13}}
    )
    (h2,) = check(this, previous=last)
    assert h2.code == "H2"
    assert h2.message.startswith(
        "表二 行政规范性文件：上年现行有效10＋本年制发2－本年废止1＝11，但本年现行有效件数为13"
    )


def test_h3_regulations_only_for_province_and_city_governments() -> None:
    data = base_report(proactive={"regulations": {"issued": 1, "in_force": 4}})
    (h3,) = check(data)
    assert h3.code == "H3"
    assert h3.message.startswith(
        "表二 规章：本年制发件数1、现行有效件数4。规章只由省级、设区的市人民政府"
    )
    data["meta"].update(level="government", tier="city")
    assert check(data) == []


def test_h6_2019_format_rows() -> None:
    data = base_report(proactive={"procurement": {"amount": 12}})
    (h6,) = check(data)
    assert (h6.code, h6.severity) == ("H6", "warning")
    assert (
        h6.message
        == "tables.proactive.procurement（政府集中采购）是2019年试行格式的栏目：2021年格式已删除该项"
    )


def test_h7_fee_amount_in_yuan_instead_of_wan_yuan() -> None:
    (h7,) = check(base_report(proactive={"fees": {"amount": 35000}}))
    assert h7.code == "H7"
    assert h7.message == (
        "表二 行政事业性收费 · 本年收费金额（单位：万元）为35000万元，即350000000元，"
        "数值偏大，请核实是否误按“元”填报（本栏单位为万元）"
    )
    assert check(base_report(proactive={"fees": {"amount": 12.5}})) == []


# --- property tests ---------------------------------------------------------------------------

small = st.integers(min_value=0, max_value=30)


@st.composite
def consistent_tables(draw: st.DrawFn) -> dict[str, Any]:
    apps: dict[str, dict[str, int]] = {}
    for col in APPLICANTS:
        for row in OUTCOMES:
            if draw(st.booleans()):
                apps.setdefault(row, {})[col] = draw(small)
        handled = sum(apps.get(r, {}).get(col, 0) for r in OUTCOMES)
        forward = draw(small)
        carried = draw(st.integers(min_value=0, max_value=handled + forward))
        apps.setdefault("carried_forward", {})[col] = forward
        apps.setdefault("carried_over", {})[col] = carried
        apps.setdefault("new", {})[col] = handled + forward - carried
    reviews = {}
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = {k: draw(small) for k in ("upheld", "corrected", "other", "pending")}
        reviews[group] = {**parts, "total": sum(parts.values())}
    return {"applications": with_totals(apps), "reviews": reviews}


@settings(max_examples=60, deadline=None)
@given(consistent_tables())
def test_any_consistent_tables_pass(tables: dict[str, Any]) -> None:
    assert [f for f in check(base_report(**tables)) if f.severity == "error"] == []


LEAVES = [("applications", r.key, c) for r in APPS.rows if not r.derived for c in APPLICANTS] + [
    ("reviews", g, c)
    for g in ("review", "litigation_direct", "litigation_after_review")
    for c in ("upheld", "corrected", "other", "pending")
]


@settings(max_examples=80, deadline=None)
@given(consistent_tables(), st.sampled_from(LEAVES), st.integers(min_value=1, max_value=5))
def test_changing_one_leaf_names_its_row_and_column(
    tables: dict[str, Any], leaf: tuple[str, str, str], delta: int
) -> None:
    table, row, col = leaf
    tables[table].setdefault(row, {"total": 0})  # an absent row printed its total as 0
    tables[table][row][col] = tables[table][row].get(col, 0) + delta
    errors = [f for f in check(base_report(**tables)) if f.severity == "error"]
    assert errors, f"changing {leaf} went unnoticed"
    spec = FMT.tables[table]
    row_label, col_label = spec.row(row).display, spec.column(col).label
    if table == "applications":
        assert {f.row for f in errors} - {"handled_total", None} == {row}
        assert {f.column for f in errors} - {"total", None} == {col}
        assert any(f.row == row and row_label in f.message for f in errors)
        assert any(f.column == col and col_label in f.message for f in errors)
    else:
        assert [(f.code, f.row) for f in errors] == [
            ({"review": "C4", "litigation_direct": "C5", "litigation_after_review": "C6"}[row], row)
        ]
        assert f"{col_label}{tables[table][row][col]}" in errors[0].message
