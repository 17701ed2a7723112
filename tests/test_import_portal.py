"""Portal pages saved from the browser and OCR'd Markdown: real table markup with merged cells,
no-break spaces, spans and paragraphs inside cells, inline styles, a layout table around the
article, and Markdown rows mangled by OCR with stray tokens. Read exactly or null, never wrong."""

from __future__ import annotations

import html
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from report_writer.importer import import_report
from report_writer.importer.html import grid
from test_import_flattened import example_truth, never_wrong
from test_import_layouts import (
    AGENCY,
    OTHER,
    OVERVIEW,
    PROBLEMS,
    YEAR,
    Truth,
    grids,
    heading,
    physical,
    tables,
)

STYLE = "border-width: 1px; border-style: solid; border-color: rgb(0, 0, 0);"


def portal_page(truth: Truth) -> str:
    """The article as a portal serves it: inside a layout table, every cell's text in <p> and
    <span> with inline styles, &nbsp; around figures, merged cells as rowspan/colspan."""
    body = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>政务公开</title>",
        "<script>var x = '<td>1</td>';</script></head><body>",
        "<table width='100%'><tr><td class='nav'>首页 &gt; 政务公开</td></tr><tr><td>",
        f"<div class='TRS_Editor'><p style='text-align:center'><span>{AGENCY}{YEAR}年政府信息"
        "公开工作年度报告</span></p>",
        f"<p><strong>{heading('overview')}</strong></p>",
        *(f"<p>&nbsp;&nbsp;{html.escape(p)}</p>" for p in OVERVIEW),
    ]
    for key, rows in grids(truth).items():
        body.append(f"<p><span style='font-family:黑体'>{heading(key)}</span></p>")
        body.append("<table style='border-collapse: collapse;' border='1'><tbody>")
        for row in rows:
            cells = []
            for text, colspan, rowspan in row:
                inner = "".join(
                    f"<span style='font-size:14px'>{html.escape(part)}</span>"
                    for part in ([text] if not text.isdigit() else list(text))
                )  # a figure split over spans, as editors leave them
                spans = (f" colspan='{colspan}'" if colspan > 1 else "") + (
                    f" rowspan='{rowspan}'" if rowspan > 1 else ""
                )
                cells.append(f"<td{spans} style='{STYLE}'><p>&nbsp;{inner}&nbsp;</p></td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        body.append("</tbody></table>")
    body += [f"<p>{heading('problems')}</p>", *(f"<p>{p}</p>" for p in PROBLEMS)]
    body += [f"<p>{heading('other')}</p>", *(f"<p>{p}</p>" for p in OTHER)]
    body.append("</div></td></tr></table><div>主办：某某市人民政府办公室</div></body></html>")
    return "\n".join(body)


def test_merged_cells_are_expanded_into_a_grid() -> None:
    from lxml import html as lxml_html

    table = lxml_html.fromstring(
        "<table><tr><td rowspan='2'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>"
        "<td>1</td></tr><tr><td>（二）部分公开</td><td>&nbsp;</td><td><span>2</span></td></tr>"
        "</table>"
    )
    assert grid(table) == [
        ["三、本年度办理结果", "（一）予以公开", "", "1"],
        ["", "（二）部分公开", "", "2"],
    ]


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=tables())
def test_a_portal_page_reads_back_exactly(truth: Truth, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(portal_page(truth), encoding="utf-8")
    result = import_report(path)
    assert result.layout == "html"
    assert (result.agency, result.year) == (AGENCY, YEAR)
    assert result.cells == truth
    assert result.narrative["problems"] == "\n".join(PROBLEMS)


def ocr_markdown(truth: Truth) -> str:
    """OCR'd Markdown: wrong header rows, some pipes lost, a year glued to 表四."""
    out = [f"# {AGENCY}{YEAR}年政府信息公开工作年度报告", f"## {heading('overview')}", *OVERVIEW]
    for key, rows in grids(truth).items():
        out += [f"**{heading(key)}**", "| 列1 | 列2 |", "|---|---|"]
        matrix = physical(rows)
        for i, row in enumerate(matrix):
            line = "| " + " | ".join(row) + " |"
            if key == "applications" and i % 5 == 4:
                line = line.replace(" | ", " ", 1)  # a lost pipe between label cells
            if key == "reviews" and i == len(matrix) - 1:
                line += f" {YEAR + 1}年1月"  # the date of the next line glued on
            out.append(line)
        out.append("")
    out += [f"## {heading('problems')}", *PROBLEMS, f"## {heading('other')}", *OTHER]
    return "\n".join(out)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=tables())
def test_ocr_markdown_with_stray_tokens_is_never_read_wrong(truth: Truth, tmp_path: Path) -> None:
    path = tmp_path / "ocr.md"
    path.write_text(ocr_markdown(truth), encoding="utf-8")
    result = import_report(path)
    assert never_wrong(result.cells, truth) == []
    reviews = {k: v for k, v in result.cells.items() if k[0] == "reviews"}
    assert reviews == {k: v for k, v in truth.items() if k[0] == "reviews"}


def test_the_example_as_a_portal_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(portal_page(example_truth()), encoding="utf-8")
    assert import_report(path).cells == example_truth()


def test_headings_in_caption_rows_and_a_title_with_the_year_after_it(tmp_path: Path) -> None:
    """A portal that prints each part's heading as the first row of its table (one cell across
    the table), 「一、基本情况」 and 「三、依申请公开情况」 as headings, and the year in brackets
    after the title."""
    truth = example_truth()
    page = portal_page(truth)
    page = page.replace(
        f"{AGENCY}{YEAR}年政府信息公开工作年度报告",
        f"{AGENCY}政府信息公开工作年度报告（{YEAR}年度）",
    )
    page = page.replace(f"<p><strong>{heading('overview')}</strong></p>", "<p>一、基本情况</p>")
    for key in ("proactive", "applications", "reviews"):
        title = f"<p><span style='font-family:黑体'>{heading(key)}</span></p>"
        text = "三、依申请公开情况" if key == "applications" else heading(key)
        start = page.index(title)
        table = page.index("<tbody>", start) + len("<tbody>")
        page = page[:table] + f"<tr><td colspan='10'>{text}</td></tr>" + page[table:]
        page = page.replace(title, "", 1)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = import_report(path)
    assert (result.agency, result.year) == (AGENCY, YEAR)
    assert result.cells == truth
    assert result.narrative["overview"] == "\n".join(OVERVIEW)


def test_a_page_saved_under_another_name_is_still_read_as_html(tmp_path: Path) -> None:
    """A page saved as .txt (or .shtml) that opens with a comment and an XML declaration."""
    page = portal_page(example_truth()).replace("<!DOCTYPE html>", "")
    saved = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!-- saved from url=(0064)https://example.gov.cn/ -->\n'
        + page
    )
    for name in ("page.txt", "page.shtml"):
        path = tmp_path / name
        path.write_text(saved, encoding="utf-8")
        result = import_report(path)
        assert result.layout == "html"
        assert result.cells == example_truth()
