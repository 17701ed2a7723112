"""draft.html parsed with a real HTML parser: spans, every figure in its cell, escaping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import lxml.html

from conftest import EXAMPLE, base_report
from report_writer.document import build_document, cell_text
from report_writer.render.html import render_html
from report_writer.workspace import load_report, open_workspace


def page_of(folder: Path):  # type: ignore[no-untyped-def]
    report = load_report(open_workspace(folder))
    return report, lxml.html.document_fromstring(render_html(build_document(report, {})))


def test_one_self_contained_page_with_a4_print_styles() -> None:
    _, page = page_of(EXAMPLE)
    assert page.xpath("//script") == []
    assert page.xpath("//link") == []  # nothing fetched from elsewhere
    css = page.xpath("//style")[0].text
    assert "size: A4" in css
    assert "仿宋_GB2312" in css and "FangSong" in css and "SimHei" in css
    assert page.xpath("//h1")[0].text_content() == "东丽区应急管理局2023年政府信息公开工作年度报告"
    assert [h.text_content() for h in page.xpath("//h2")][1] == "二、主动公开政府信息情况"


def test_spans_of_tables_three_and_four() -> None:
    _, page = page_of(EXAMPLE)
    three = page.xpath('//table[@data-table="applications"]')[0]
    assert three.xpath('.//td[@rowspan="22"]')[0].text_content() == "三、本年度办理结果"
    assert three.xpath('.//th[@colspan="5"]')[0].text_content() == "法人或其他组织"
    assert three.xpath('.//td[@rowspan="8"]')[0].text_content() == "（三）不予公开"
    corner = three.xpath('.//th[@rowspan="3"][@colspan="3"]')[0]
    assert corner.text_content().startswith("（本列数据的勾稽关系为")
    assert len(three.xpath("./thead/tr")) == 3
    assert len(three.xpath("./tbody/tr")) == 25
    four = page.xpath('//table[@data-table="reviews"]')[0]
    assert four.xpath('.//th[@colspan="10"]')[0].text_content() == "行政诉讼"
    assert len(four.xpath("./thead/tr")) == 3


def test_every_figure_in_place() -> None:
    report, page = page_of(EXAMPLE)
    shown = {td.get("data-cell"): td.text_content() for td in page.xpath("//td[@data-cell]")}
    expected = {".".join(k): cell_text(v) for k, v in report.figures.values.items()}
    assert shown == expected
    assert shown["applications.new.total"] == "9"
    assert shown["applications.unavailable_not_held.natural_person"] == "8"
    assert shown["proactive.penalty.decisions"] == "60"


def test_answers_are_escaped(write_ws: Callable[..., Path]) -> None:
    data = base_report()
    data["meta"]["agency"] = "<script>alert(1)</script>测试局"
    data["meta"]["contact"] = '<img src=x onerror="alert(2)">'
    _, page = page_of(write_ws(data))
    assert page.xpath("//script") == []
    assert page.xpath("//img") == []
    assert page.xpath("//h1")[0].text_content().startswith("<script>alert(1)</script>测试局")
    assert '<img src=x onerror="alert(2)">' in page.xpath("//p")[0].text_content()


def test_an_answer_with_a_script_tag_shows_as_text(example_ws: Path) -> None:
    from report_writer.build import generate

    path = example_ws / "report.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "focus: 应急管理、防灾减灾和安全生产", 'focus: "<script>alert(1)</script>安全生产"'
        ),
        encoding="utf-8",
    )
    ws = open_workspace(example_ws)
    report = load_report(ws)
    assert report.answers["overview"]["focus"] == "<script>alert(1)</script>安全生产"
    page = lxml.html.document_fromstring(render_html(generate(report, ws)))
    assert page.xpath("//script") == []
    said = [p.text_content() for p in page.xpath("//p")]
    assert any("<script>alert(1)</script>安全生产" in t for t in said)


def test_tables_sit_in_boxes_of_their_own_and_the_title_breaks_between_units() -> None:
    """On a phone a table scrolls sideways inside its box (tests/test_html_browser.py looks in a
    real browser); in print the box lets the table be, on A4."""
    _, page = page_of(EXAMPLE)
    tables = page.xpath("//table")
    assert tables and all(t.getparent().get("class") == "table-box" for t in tables)
    css = page.xpath("//style")[0].text
    assert "@media screen and (max-width: 600px)" in css
    assert ".table-box { max-width: 100%; overflow-x: auto;" in css
    assert [s.text for s in page.xpath("//h1/span")] == [
        "东丽区应急管理局",
        "2023年政府信息公开工作年度报告",
    ]
