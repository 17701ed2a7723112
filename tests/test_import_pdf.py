"""Real PDFs (made by LibreOffice, see tests/fixtures/make_pdfs.py) read back through the words'
positions: ruled tables as grids, labels wrapped over lines, a vertical column, page numbers,
and a table printed without rules whose rows are rebuilt from where the words stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE
from fixtures.make_pdfs import wrapped_truth
from report_writer.importer import import_report
from report_writer.model import parse_report
from report_writer.workspace import load_report, open_workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_the_example_draft_printed_to_pdf_reads_back_exactly() -> None:
    result = import_report(FIXTURES / "dongli-2023.pdf")
    assert result.layout == "pdf"
    assert (result.agency, result.year) == ("东丽区应急管理局", 2023)
    expected = load_report(open_workspace(EXAMPLE))
    assert parse_report(result.report_data()).figures.values == expected.figures.values
    assert [e for e in result.log if e.kind != "blank"] == []
    overview = result.narrative["overview"]
    # a paragraph broken over printed lines is one paragraph again; digits set in another font
    # are not spaced off from the Chinese around them
    assert (
        "2023年，我局在东丽区人民政府门户网站发布各类政府信息共52条，涵盖行政处罚信息20条"
        in overview
    )
    assert "—" not in "".join(result.narrative.values())  # page numbers 「— 2 —」 are not text


@pytest.mark.parametrize("name", ["wrapped.pdf", "unruled.pdf"])
def test_wrapped_labels_and_a_vertical_column_keep_every_row(name: str) -> None:
    result = import_report(FIXTURES / name)
    assert result.cells == wrapped_truth()
    assert result.log == []
    assert (
        result.narrative["problems"]
        == "一是公开深度不够；二是解读形式单一。\n对此，我局将加强培训。"
    )


def test_pdf_lines_rebuild_rows_and_drop_page_numbers() -> None:
    from report_writer.importer.pdf import read

    texts = [line.text for line in read(FIXTURES / "unruled.pdf")]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 4 0 0 0 0 0 4" in texts
    assert "（四）无法提供 2.没有现成信息需要另行制作 3 0 0 0 0 0 3" in texts
    assert "三、本年度办理" in texts  # the vertical column, read down, on a line of its own
    pages = [line.text for line in read(FIXTURES / "dongli-2023.pdf")]
    assert not [t for t in pages if t.strip("—- ").isdigit()]
