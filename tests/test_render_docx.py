"""draft.docx read back with python-docx: every cell, merged cells, 公文 fonts and layout."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

import libreoffice
from conftest import EXAMPLE
from report_writer.document import Heading, Paragraph, Sentence, build_document, cell_text
from report_writer.model import Report
from report_writer.render.docx import render_docx
from report_writer.workspace import load_report, open_workspace

NARRATIVE: dict[str, list[Heading | Paragraph]] = {
    "overview": [
        Heading(2, "（一）主动公开"),
        Paragraph((Sentence("2023年，我局共受理依申请公开9件。"), Sentence("按时答复率100%。"))),
    ],
    "other": [Paragraph((Sentence("无。"),))],
}


@pytest.fixture(scope="module")
def report() -> Report:
    return load_report(open_workspace(EXAMPLE))


@pytest.fixture(scope="module")
def data(report: Report) -> bytes:
    return render_docx(build_document(report, NARRATIVE))


@pytest.fixture(scope="module")
def word(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def fonts(run: Any) -> dict[str, str]:
    element = run._element.rPr.rFonts
    return {k: element.get(qn(f"w:{k}")) for k in ("eastAsia", "ascii", "hAnsi")}


def test_every_cell_of_table_three(word: Any, report: Report) -> None:
    table = word.tables[1]
    assert len(table.rows) == 3 + 25
    assert len(table.columns) == 10
    spec = report.fmt.tables["applications"]
    assert len(spec.rows) == 25 and len(spec.columns) == 7
    for i, row in enumerate(spec.rows):
        assert table.cell(3 + i, len(row.groups)).text == row.label  # right of its groups
        for j, col in enumerate(spec.columns):
            value = report.figures.values[("applications", row.key, col.key)]
            assert table.cell(3 + i, 3 + j).text == cell_text(value), (row.key, col.key)
    assert table.cell(3, 3).text == "9"  # 一、本年新收 · 自然人
    assert table.cell(3 + 12, 3).text == "8"  # 本机关不掌握相关政府信息 · 自然人


def test_merged_cells_are_real(word: Any) -> None:
    table = word.tables[1]
    corner = table.cell(0, 0)
    assert corner.text.startswith("（本列数据的勾稽关系为")
    assert table.cell(2, 2)._tc is corner._tc  # 3 × 3
    assert table.cell(0, 3)._tc is table.cell(0, 9)._tc  # 申请人情况 over 7 columns
    assert table.cell(1, 4).text == "法人或其他组织"
    assert table.cell(1, 8)._tc is table.cell(1, 4)._tc
    group = table.cell(5, 0)
    assert group.text == "三、本年度办理结果"
    assert all(table.cell(r, 0)._tc is group._tc for r in range(5, 27))
    assert table.cell(27, 0).text == "四、结转下年度继续办理"
    withheld = table.cell(7, 1)
    assert withheld.text == "（三）不予公开"
    assert all(table.cell(r, 1)._tc is withheld._tc for r in range(7, 15))
    assert table.cell(15, 1).text == "（四）无法提供"
    tbl = table._tbl
    assert len(tbl.xpath('.//w:vMerge[@w:val="restart"]')) == 8
    headers = [bool(r._tr.xpath("./w:trPr/w:tblHeader")) for r in table.rows]
    assert headers == [True] * 3 + [False] * 25


def test_table_four(word: Any, report: Report) -> None:
    table = word.tables[2]
    assert len(table.rows) == 4 and len(table.columns) == 15
    assert table.cell(0, 0).text == "行政复议" and table.cell(1, 4)._tc is table.cell(0, 0)._tc
    assert table.cell(0, 5).text == "行政诉讼" and table.cell(0, 14)._tc is table.cell(0, 5)._tc
    assert table.cell(1, 5).text == "未经复议直接起诉"
    assert table.cell(1, 10).text == "复议后起诉"
    labels = [table.cell(2, c).text for c in range(15)]
    assert labels == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    spec = report.fmt.tables["reviews"]
    expected = [
        cell_text(report.figures.values[("reviews", r.key, c.key)])
        for r in spec.rows
        for c in spec.columns
    ]
    assert [table.cell(3, c).text for c in range(15)] == expected
    assert [bool(r._tr.xpath("./w:trPr/w:tblHeader")) for r in table.rows] == [True] * 3 + [False]


def test_table_two(word: Any) -> None:
    table = word.tables[0]
    assert table.cell(0, 0).text == "第二十条第（一）项"
    assert table.cell(0, 3)._tc is table.cell(0, 0)._tc
    assert [table.cell(2, c).text for c in range(4)] == ["规章", "0", "0", "0"]
    penalty = next(r for r in range(len(table.rows)) if table.cell(r, 0).text == "行政处罚")
    assert table.cell(penalty, 1).text == "60"


def test_east_asian_fonts_on_every_run(word: Any) -> None:
    expected = {
        "公文标题": "方正小标宋简体",
        "公文正文": "仿宋_GB2312",
        "公文一级标题": "黑体",
        "公文二级标题": "楷体_GB2312",
    }
    seen = set()
    for paragraph in word.paragraphs:
        name = paragraph.style.name
        for run in paragraph.runs:
            assert fonts(run) == {
                "eastAsia": expected[name],
                "ascii": "Times New Roman",
                "hAnsi": "Times New Roman",
            }
            seen.add(name)
    assert seen == set(expected)
    for name, font in expected.items():
        style = word.styles[name]
        assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == font
    table_run = word.tables[1].cell(3, 3).paragraphs[0].runs[0]
    assert fonts(table_run)["eastAsia"] == "仿宋_GB2312"
    assert table_run.font.size == Pt(10.5)


def test_gongwen_layout(word: Any) -> None:
    section = word.sections[0]

    def mm(length: Any) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
    assert (mm(section.bottom_margin), mm(section.right_margin)) == (35, 26)
    title = word.paragraphs[0]
    # wider than a line at 22 pt: broken before the year, never inside 年度
    assert title.text == "东丽区应急管理局\n2023年政府信息公开工作年度报告"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    body = word.styles["公文正文"]
    assert body.font.size == Pt(16)
    assert body.paragraph_format.line_spacing == Pt(28.9)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.element.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_page_numbers_in_the_footer(word: Any) -> None:
    section = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == side
        assert [t.text for t in paragraph._p.xpath(".//w:instrText")] == [" PAGE "]


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here"
)
def test_libreoffice_converts_it_to_pdf(data: bytes, tmp_path: Path) -> None:
    source = tmp_path / "draft.docx"
    source.write_bytes(data)
    done = libreoffice.convert(source, "pdf", tmp_path, tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "draft.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_short_titles_stay_on_one_line(report: Report) -> None:
    from report_writer.render.docx import load_layout, title_lines

    layout = load_layout()
    assert title_lines("某局2023年政府信息公开工作年度报告", layout) == [
        "某局2023年政府信息公开工作年度报告"
    ]
    assert title_lines("天津市东丽区应急管理局2023年政府信息公开工作年度报告", layout) == [
        "天津市东丽区应急管理局",
        "2023年政府信息公开工作年度报告",
    ]


def test_nothing_is_left_alone_at_a_page_foot(word: Any) -> None:
    """Headings keep with what follows; a short table keeps all its rows together, a long one its
    header rows with the first row; rows never split; paragraphs keep widow/orphan control."""
    for name in ("公文一级标题", "公文二级标题", "公文三级标题"):
        assert word.styles[name].paragraph_format.keep_with_next
    for name in ("公文正文", "公文一级标题", "公文表格"):
        assert word.styles[name].paragraph_format.widow_control
    for table in word.tables:
        rows = table._tbl.tr_lst
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        headers = [tr for tr in rows if tr.trPr.find(qn("w:tblHeader")) is not None]
        assert headers == rows[: len(headers)]

        def keeps(tr: Any) -> bool:
            return all(p.pPr.keepNext is not None for p in tr.iter(qn("w:p")))

        short = len(rows) <= 20
        assert [keeps(tr) for tr in rows] == [
            i < len(rows) - 1 and (short or i <= len(headers)) for i in range(len(rows))
        ]
    assert len(word.tables[1]._tbl.tr_lst) > 20  # 表三 is the long one
    assert word.tables[1]._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here"
)
def test_a_table_pushed_to_a_page_foot_takes_its_heading_along(
    example_ws: Path, tmp_path: Path
) -> None:
    """LibreOffice lays the example out with 一 grown long enough that 二's heading would fall
    at a page's foot: the heading moves to the next page with its table, and the title breaks
    between the agency and the year."""
    import pypdf
    from typer.testing import CliRunner

    from report_writer.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["build", str(example_ws)]).exit_code == 0
    draft = example_ws / "draft.md"
    filler = "补充说明的文字，用来把表格推到页脚附近。" * 22
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("主动接受社会监督。", "主动接受社会监督。" + filler, 1))
    assert runner.invoke(app, ["build", str(example_ws)]).exit_code == 0
    done = libreoffice.convert(example_ws / "draft.docx", "pdf", tmp_path, tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "draft.pdf").pages]
    assert pages[0].splitlines()[:2] == ["东丽区应急管理局", "2023 年政府信息公开工作年度报告"]
    for heading, first_row in (
        ("二、主动公开政府信息情况", "第二十条第（一）项"),
        ("三、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量"),
        ("四、政府信息公开行政复议、行政诉讼情况", "未经复议直接起诉"),
    ):
        [page] = [p for p in pages if heading in p]
        assert first_row in page, heading
    last = next(p for p in pages if heading in p).splitlines()
    assert last[-1] != heading  # never the page's last line
