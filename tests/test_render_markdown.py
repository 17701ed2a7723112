"""Markdown: readable plain text; tables with spans as embedded HTML blocks."""

from __future__ import annotations

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE
from report_writer.document import Heading, Paragraph, Section, Sentence, build_document
from report_writer.draft.read import parse_blocks
from report_writer.render.markdown import render_markdown, render_section, text, unescape
from report_writer.workspace import load_report, open_workspace


def test_headings_paragraphs_and_html_tables() -> None:
    report = load_report(open_workspace(EXAMPLE))
    narrative: dict[str, list[Heading | Paragraph]] = {
        "overview": [Heading(2, "（一）主动公开"), Paragraph((Sentence("甲。"), Sentence("乙。")))]
    }
    text = render_markdown(build_document(report, narrative))
    lines = text.splitlines()
    assert lines[0] == "# 东丽区应急管理局2023年政府信息公开工作年度报告"
    assert "## 一、总体情况" in lines
    assert "### （一）主动公开" in lines
    assert "甲。乙。" in lines
    assert "## 六、其他需要报告的事项" in lines
    start = lines.index('<table data-table="applications">')
    end = lines.index("</table>", start)
    block = lxml.html.fragment_fromstring("\n".join(lines[start : end + 1]))
    assert block.xpath('.//td[@rowspan="22"]')[0].text_content() == "三、本年度办理结果"
    assert len(block.xpath(".//tr")) == 28
    assert end - start - 1 == 28  # one line per table row: a reviewer can find a row


@settings(max_examples=80)
@given(st.text(alphabet="&<>;amplgt#甲。 ", max_size=40))
def test_escaped_text_reads_back_exactly(value: str) -> None:
    assert "<" not in text(value) and ">" not in text(value)
    assert unescape(text(value)) == value


def test_a_paragraph_with_html_reads_back_from_the_section() -> None:
    hostile = '<img src=x onerror="alert(2)">与&lt;已转义&gt;的文字。'
    section = Section("other", "六", "其他需要报告的事项", [Paragraph((Sentence(hostile),))])
    rendered = render_section(section)
    assert "<img" not in rendered
    assert parse_blocks(rendered).blocks == [Paragraph((Sentence(hostile),))]
