"""The Document: title, opening, sections in the format's order, tables cell for cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, SECTION_HEADINGS, base_report
from report_writer.document import (
    Document,
    Heading,
    Paragraph,
    Sentence,
    Table,
    build_document,
    build_table,
)
from report_writer.model import Report, parse_report
from report_writer.workspace import load_report, open_workspace


def example_report() -> Report:
    return load_report(open_workspace(EXAMPLE))


def doc_of(folder: Path) -> Document:
    return build_document(load_report(open_workspace(folder)), {})


def spans(table: Table) -> dict[str, tuple[int, int]]:
    return {c.text: (c.rowspan, c.colspan) for row in table.rows for c in row if c.key is None}


def test_title_opening_and_sections_in_order() -> None:
    narrative: dict[str, list[Heading | Paragraph]] = {
        "overview": [Heading(2, "（一）主动公开"), Paragraph((Sentence("正文。"),))],
        "other": [Paragraph((Sentence("无。"),))],
    }
    doc = build_document(example_report(), narrative)
    assert doc.title == "东丽区应急管理局2023年政府信息公开工作年度报告"
    opening = doc.opening[0].text
    assert "《中华人民共和国政府信息公开条例》" in opening
    assert "2023年1月1日至12月31日" in opening
    assert "联系" not in opening  # no contact in the example
    assert [s.heading for s in doc.sections] == SECTION_HEADINGS
    assert doc.section("一").blocks == narrative["overview"]
    assert doc.section("五").blocks == []
    assert [type(b) for b in doc.section("三").blocks] == [Table]


def test_contact_closes_the_opening(write_ws: Callable[..., Path]) -> None:
    data = base_report()
    data["meta"]["contact"] = "本局办公室（电话：022-12345678）"
    doc = doc_of(write_ws(data))
    last = doc.opening[0].sentences[-1]
    assert last.text == "对本报告如有疑问，可联系本局办公室（电话：022-12345678）。"
    assert "meta.contact" in last.uses


def test_table_three_has_the_official_layout() -> None:
    table = build_table(example_report(), "applications")
    assert table.header_rows == 3
    assert len(table.rows) == 3 + 25
    assert table.width == 10
    found = spans(table)
    assert found["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] == (3, 3)
    assert found["申请人情况"] == (1, 7)
    assert found["法人或其他组织"] == (1, 5)
    assert found["自然人"] == (2, 1)
    assert found["三、本年度办理结果"] == (22, 1)
    assert found["（三）不予公开"] == (8, 1)
    assert found["（四）无法提供"] == (3, 1)
    assert found["（五）不予处理"] == (5, 1)
    assert found["（六）其他处理"] == (3, 1)
    assert found["（一）予以公开"] == (1, 2)
    assert found["一、本年新收政府信息公开申请数量"] == (1, 3)
    # every grid row is exactly ten columns wide once spans are placed
    taken: dict[int, int] = {}
    for r, _, cell in table.grid():
        for dr in range(cell.rowspan):
            taken[r + dr] = taken.get(r + dr, 0) + cell.colspan
    assert set(taken.values()) == {10}


def test_table_four_three_header_rows_and_fifteen_figures() -> None:
    table = build_table(example_report(), "reviews")
    assert table.header_rows == 3
    head = [[(c.text, c.rowspan, c.colspan) for c in row] for row in table.rows[:3]]
    assert head[0] == [("行政复议", 2, 5), ("行政诉讼", 1, 10)]
    assert head[1] == [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert [t for t, _, _ in head[2]] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ] * 3
    figures = table.rows[3]
    assert len(figures) == 15
    assert figures[3].key == ("reviews", "review", "pending")
    assert figures[3].text == "1"


def test_table_two_blocks_and_decimal_fee() -> None:
    data = base_report(proactive={"fees": {"amount": "12.50"}, "penalty": {"decisions": 7}})
    table = build_table(parse_report(data), "proactive")
    assert table.width == 4
    captions = [row[0].text for row in table.rows if len(row) == 1]
    assert captions == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    cells = {c.key: c for row in table.rows for c in row if c.key}
    assert cells[("proactive", "fees", "amount")].text == "12.5"
    assert cells[("proactive", "fees", "amount")].colspan == 3
    assert cells[("proactive", "penalty", "decisions")].text == "7"


def test_derived_totals_filled_and_unknown_cells_printed_as_slash(
    write_ws: Callable[..., Path],
) -> None:
    data = base_report(
        applications={
            "new": {"natural_person": 4, "business": 2},
            "granted": {"natural_person": 4, "business": "/"},
        }
    )
    doc = doc_of(write_ws(data))
    table = doc.section("三").blocks[0]
    assert isinstance(table, Table)
    cells = {c.key: c.text for row in table.rows for c in row if c.key}
    assert cells[("applications", "new", "total")] == "6"  # derived
    assert cells[("applications", "granted", "business")] == "/"
    assert cells[("applications", "granted", "total")] == "/"  # a term unknown: total unknown
    assert cells[("applications", "handled_total", "natural_person")] == "4"


def test_the_opening_defines_the_abbreviation_only_when_the_body_uses_it() -> None:
    report = parse_report(base_report())
    said = {"overview": [Paragraph((Sentence("本年度，我局依照《条例》开展工作。"),))]}
    plain = {"overview": [Paragraph((Sentence("本年度，我局开展政府信息公开工作。"),))]}
    defined = build_document(report, said).opening[0].text
    undefined = build_document(report, plain).opening[0].text
    assert "《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条" in defined
    assert "以下简称" not in undefined
    assert "依据《中华人民共和国政府信息公开条例》第四十九条" in undefined
