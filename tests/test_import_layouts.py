"""Every published layout, written by the small renderers below from random consistent tables,
read back by the importer (render → flatten → import → the same figures).

The renderers follow FORMAT.md's description of how portals flatten the tables; no published
report is copied here. Run-together figures are checked against a brute-force oracle: wherever a
row can be cut only one way, the importer must give exactly that reading, and it never gives a
wrong figure anywhere.
"""

from __future__ import annotations

import html
import itertools
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_writer.formats.spec import CellKey, Row, load_format
from report_writer.importer import import_report

FMT = load_format("gov2021")
AGENCY = "测试市测试区应急管理局"
YEAR = 2024
APPLICANTS = [c.key for c in FMT.tables["applications"].columns if not c.derived]
RESULT_ROWS = FMT.rules[3].params["terms"]  # C3: the 21 rows that add up to （七）总计
Truth = dict[CellKey, Any]
FULL_ZERO = [(t, r.key, c.key) for t, spec in FMT.tables.items() for r, c in spec.cells()]

OVERVIEW = [
    f"{YEAR}年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "（一）主动公开",
    "全年主动公开政府信息120条。",
]
PROBLEMS = ["一是公开深度不够；二是解读形式单一。", "对此，我局将加强培训。"]
OTHER = ["本年度未收取信息处理费。"]

# ---------------------------------------------------------------- random consistent tables

small = st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 300))


@st.composite
def tables(draw: st.DrawFn) -> Truth:
    truth: Truth = {}
    spec = FMT.tables["proactive"]
    for row, col in spec.cells():
        key = ("proactive", row.key, col.key)
        if col.type == "decimal":
            truth[key] = draw(st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("12.34")]))
        else:
            truth[key] = draw(st.one_of(small, st.none()))  # None: printed "/"
    for col in APPLICANTS:
        results = {r: draw(small) for r in RESULT_ROWS}
        handled = sum(results.values())
        forward = draw(small)
        over = min(draw(small), handled + forward)
        column = {
            **results,
            "handled_total": handled,
            "carried_forward": forward,
            "carried_over": over,
            "new": handled + forward - over,
        }
        for row_key, value in column.items():
            truth[("applications", row_key, col)] = value
    for row in FMT.tables["applications"].rows:
        truth[("applications", row.key, "total")] = sum(
            truth[("applications", row.key, c)] for c in APPLICANTS
        )
    for row in FMT.tables["reviews"].rows:
        parts = {c: draw(small) for c in ("upheld", "corrected", "other", "pending")}
        parts["total"] = sum(parts.values())
        for col, value in parts.items():
            truth[("reviews", row.key, col)] = value
    return truth


# ---------------------------------------------------------------- renderers


def shown(value: Any) -> str:
    return "/" if value is None else str(value)


def values(truth: Truth, table: str, row: Row) -> list[str]:
    return [shown(truth[(table, row.key, c.key)]) for c in row.columns]


def heading(key: str) -> str:
    return FMT.section(key).heading


def scraped(text: str) -> str:
    """Portals print half-width punctuation: （一） becomes (一)."""
    return unicodedata.normalize("NFKC", text)


def render_cells(truth: Truth) -> str:
    """One cell a line, each ending " |", some padded with "|||" (as the reference)."""
    out = [f"{AGENCY}{YEAR}年度政府信息公开", "工作年度报告", heading("overview"), *OVERVIEW]
    out.append(heading("proactive"))
    for block in FMT.tables["proactive"].blocks:
        out += [f"{scraped(block.caption or '')} | |||", "信息内容 |"]
        out += [f"{scraped(c.label)} | ||" for c in block.columns]
        for row in block.rows:
            out.append(f"{row.label} |")
            out += [f"{v} | ||" for v in values(truth, "proactive", row)]
    out.append(heading("applications"))
    spec = FMT.tables["applications"]
    out += [f"{scraped(spec.corner or '')} |", "申请人情况 | ||||||||", "自然人 |"]
    out += ["法人或其他组织 |", "总计 | |||||||", "商业 企业 |", "科研 机构 |", "社会公益组织 |"]
    out += ["法律服务机构 |", "其他 | |||||"]
    groups_seen: set[str] = set()
    for row in spec.rows:
        for group in row.groups:
            if group not in groups_seen:
                groups_seen.add(group)
                out.append(f"{scraped(group)} |")
        out.append(f"{scraped(row.label)} |")
        out += [f"{v} |" for v in values(truth, "applications", row)]
    out.append(heading("reviews"))
    out += ["行政复议 |", "行政诉讼 | |||||||||||||", "结果维持 |", "结果 |", "其他 |", "尚未 |"]
    out += ["总计 |", "未经复议直接起诉 |", "复议后起诉 | ||||||||"]
    for row in FMT.tables["reviews"].rows:
        out += [f"{v} |" for v in values(truth, "reviews", row)]
    out += [heading("problems"), *PROBLEMS, heading("other"), *OTHER]
    out += ["主办：某某市人民政府办公室 版权所有", "网站标识码：0000000000"]
    return "\n".join(out)


def pdf_rows(truth: Truth, joiner: str) -> str:
    """A row a line; long labels broken around the figures; page numbers between pages."""
    out = [f"{YEAR}年{AGENCY}政府信息公开工作年度报告", heading("overview"), *OVERVIEW]
    out.append(heading("proactive"))
    for block in FMT.tables["proactive"].blocks:
        out += [block.caption or "", "信息内容 " + " ".join(c.label for c in block.columns)]
        for row in block.rows:
            out.append(f"{row.label}{joiner}{joiner.join(values(truth, 'proactive', row))}")
    out.append("— 2 —")
    out.append(heading("applications"))
    spec = FMT.tables["applications"]
    out += [spec.corner or "", "申请人情况", "自然人 法人或其他组织 总计"]
    out += ["商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    groups_seen: set[str] = set()
    for n, row in enumerate(spec.rows):
        for group in row.groups:
            if group not in groups_seen:
                groups_seen.add(group)
                out.append(group)
        figures = joiner.join(values(truth, "applications", row))
        if len(row.label) > 16:
            out += [f"{row.label[:16]}{joiner}{figures}", row.label[16:]]
        else:
            out.append(f"{row.label}{joiner}{figures}")
        if n == 12:
            out.append("- 3 -")
    out.append(heading("reviews"))
    out += ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉"]
    out += ["结果维持 结果纠正 其他结果 尚未审结 总计 " * 3]
    out.append(
        joiner.join(v for r in FMT.tables["reviews"].rows for v in values(truth, "reviews", r))
    )
    out += [
        heading("problems"),
        *PROBLEMS,
        heading("other"),
        *OTHER,
        AGENCY,
        f"{YEAR + 1}年1月20日",
    ]
    return "\n".join(out)


# A table as printed: rows of (text, colspan, rowspan) cells.
Grid = list[list[tuple[str, int, int]]]


def grids(truth: Truth) -> dict[str, Grid]:
    proactive: Grid = []
    for block in FMT.tables["proactive"].blocks:
        wide = len(block.columns) == 1
        proactive.append([(block.caption or "", 4, 1)])
        proactive.append(
            [("信息内容", 1, 1)] + [(c.label, 3 if wide else 1, 1) for c in block.columns]
        )
        for row in block.rows:
            cells = values(truth, "proactive", row)
            proactive.append([(row.label, 1, 1)] + [(v, 3 if wide else 1, 1) for v in cells])
    spec = FMT.tables["applications"]
    applications: Grid = [
        [(spec.corner or "", 3, 3), ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [(c, 1, 1) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    rows = list(spec.rows)
    for i, row in enumerate(rows):
        cells: list[tuple[str, int, int]] = []
        for depth, group in enumerate(row.groups):
            if i == 0 or len(rows[i - 1].groups) <= depth or rows[i - 1].groups[depth] != group:
                span = sum(
                    1 for r in rows[i:] if len(r.groups) > depth and r.groups[depth] == group
                )
                cells.append((group, 1, span))
        cells.append((row.label, 3 - len(row.groups), 1))
        cells += [(v, 1, 1) for v in values(truth, "applications", row)]
        applications.append(cells)
    reviews: Grid = [
        [("行政复议", 5, 2), ("行政诉讼", 10, 1)],
        [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
        [(c.label, 1, 1) for _ in range(3) for c in FMT.tables["reviews"].columns],
        [(v, 1, 1) for r in FMT.tables["reviews"].rows for v in values(truth, "reviews", r)],
    ]
    return {"proactive": proactive, "applications": applications, "reviews": reviews}


def physical(grid: Grid) -> list[list[str]]:
    """The grid as a full matrix: a merged cell's text in its first position, "" elsewhere."""
    width = sum(c[1] for c in grid[0]) + 0
    width = max(width, max(sum(c[1] for c in row) for row in grid))
    taken: set[tuple[int, int]] = set()
    matrix = [[""] * width for _ in grid]
    for r, row in enumerate(grid):
        col = 0
        for text, colspan, rowspan in row:
            while (r, col) in taken:
                col += 1
            matrix[r][col] = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            col += colspan
    return matrix


def render_markdown(truth: Truth) -> str:
    """OCR'd Markdown: headings as ##, tables as pipes, header rows mangled."""
    out = [f"# {AGENCY}{YEAR}年政府信息公开工作年度报告", f"## {heading('overview')}", *OVERVIEW]
    for key, grid in grids(truth).items():
        out.append(f"**{heading(key)}**")
        matrix = physical(grid)
        out.append("| 列1 | 列2 |")  # a wrong header, as OCR makes them
        out.append("|---|---|")
        for row in matrix:
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    out += [f"## {heading('problems')}", *PROBLEMS, f"## {heading('other')}", *OTHER]
    return "\n".join(out)


def render_html(truth: Truth) -> str:
    body = [
        "<html><head><title>政务公开</title><style>td{border:1px}</style></head><body>",
        "<div class='nav'>首页 &gt; 政务公开 &gt; 年度报告</div>",
        f"<h1>{AGENCY}{YEAR}年政府信息公开工作年度报告</h1>",
        f"<p><strong>{heading('overview')}</strong></p>",
        *(f"<p>{html.escape(p)}</p>" for p in OVERVIEW),
    ]
    for key, grid in grids(truth).items():
        body.append(f"<p>{heading(key)}</p><table>")
        for row in grid:
            cells = "".join(
                f"<td colspan='{cs}' rowspan='{rs}'>{html.escape(t)}</td>" for t, cs, rs in row
            )
            body.append(f"<tr>{cells}</tr>")
        body.append("</table>")
    body += [f"<p>{heading('problems')}</p>", *(f"<p>{p}</p>" for p in PROBLEMS)]
    body += [f"<p>{heading('other')}</p>", *(f"<p>{p}</p>" for p in OTHER)]
    body.append("<div class='footer'>主办：某某市人民政府办公室</div></body></html>")
    return "\n".join(body)


def table_xml(grid: Grid) -> str:
    """A Word table as Word writes one: merged columns as gridSpan, merged rows as vMerge."""
    origins: dict[tuple[int, int], tuple[str, int, int]] = {}
    covered: dict[tuple[int, int], int] = {}  # continuation of a row-merged cell: its colspan
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        col = 0
        for text, colspan, rowspan in row:
            while (r, col) in taken:
                col += 1
            origins[(r, col)] = (text, colspan, rowspan)
            for dr in range(rowspan):
                covered[(r + dr, col)] = colspan
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            col += colspan
    width = max(c + origins[(r, c)][1] for r, c in origins)
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rows = []
    for r in range(len(grid)):
        cells = []
        col = 0
        while col < width:
            if (r, col) in origins:
                text, colspan, rowspan = origins[(r, col)]
                merge = '<w:vMerge w:val="restart"/>' if rowspan > 1 else ""
                body = f"<w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p>"
            else:
                colspan, merge, body = covered[(r, col)], "<w:vMerge/>", "<w:p/>"
            span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
            cells.append(f"<w:tc><w:tcPr>{span}{merge}</w:tcPr>{body}</w:tc>")
            col += colspan
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    grid_cols = "<w:gridCol/>" * width
    return f'<w:tbl xmlns:w="{ns}"><w:tblGrid>{grid_cols}</w:tblGrid>{"".join(rows)}</w:tbl>'


def write_docx(truth: Truth, path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph(f"{AGENCY}{YEAR}年政府信息公开工作年度报告")
    document.add_paragraph(heading("overview"))
    for p in OVERVIEW:
        document.add_paragraph(p)
    for key, grid in grids(truth).items():
        title = document.add_paragraph(heading(key))
        title._p.addnext(parse_xml(table_xml(grid)))
    for key, paragraphs in (("problems", PROBLEMS), ("other", OTHER)):
        document.add_paragraph(heading(key))
        for p in paragraphs:
            document.add_paragraph(p)
    document.save(str(path))


def pdf_bytes(text: str, per_page: int = 60) -> bytes:
    """A PDF of `text`, a line of PDF text per line, in a Type0 font whose ToUnicode map is the
    identity (character codes are Unicode; no glyphs are needed to extract the text)."""
    lines = text.split("\n")
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    codes = sorted({f"{ord(c):04X}" for c in text}) or ["0020"]
    chunks = [codes[i : i + 100] for i in range(0, len(codes), 100)]
    mapped = "".join(
        f"{len(chunk)} beginbfchar\n" + "".join(f"<{c}> <{c}>\n" for c in chunk) + "endbfchar\n"
        for chunk in chunks
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{mapped}endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    font = 3 + 2 * len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(pages))), len(pages)),
    ]
    for i, page in enumerate(pages):
        shown = "".join(f"<{''.join(f'{ord(c):04X}' for c in line)}> Tj T*\n" for line in page)
        stream = f"BT /F1 10 Tf 12 TL 36 800 Td\n{shown}ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects += [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (font + 1, font + 2),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Song /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def write_pdf(truth: Truth, path: Path) -> Path:
    path.write_bytes(pdf_bytes(pdf_rows(truth, " ")))
    return path


def write(name: str, text: str, folder: Path) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


LAYOUTS: dict[str, Callable[[Truth, Path], Path]] = {
    "cells": lambda t, d: write("cells.txt", render_cells(t), d),
    "pdf-text": lambda t, d: write("pdf.txt", pdf_rows(t, " "), d),
    "markdown": lambda t, d: write("ocr.md", render_markdown(t), d),
    "html": lambda t, d: write("page.html", render_html(t), d),
    "docx": lambda t, d: (write_docx(t, d / "report.docx"), d / "report.docx")[1],
    "pdf": lambda t, d: write_pdf(t, d / "report.pdf"),
}

PROPERTY = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@PROPERTY
@given(truth=tables())
def test_every_layout_reads_back_the_same_figures(
    layout: str, truth: Truth, tmp_path: Path
) -> None:
    path = LAYOUTS[layout](truth, tmp_path)
    result = import_report(path)
    assert result.layout == layout
    assert (result.agency, result.year) == (AGENCY, YEAR)
    assert result.cells == truth
    assert [e for e in result.log if e.kind != "blank"] == []
    nulls = {k for k, v in truth.items() if v is None}
    assert {e.cell for e in result.log} == {".".join(k) for k in nulls}
    assert result.narrative["overview"] == "\n".join(OVERVIEW)
    assert result.narrative["problems"] == "\n".join(PROBLEMS)
    assert result.narrative["other"] == "\n".join(OTHER)


def test_pdf_without_pdfplumber_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from report_writer.errors import InputError

    path = write_pdf(dict.fromkeys(FULL_ZERO, 0), tmp_path / "report.pdf")
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # as if the extra were not installed
    with pytest.raises(InputError, match=r"pip install 'report-writer\[pdf\]'"):
        import_report(path)


def test_a_scanned_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from report_writer.errors import InputError

    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes(""))
    with pytest.raises(InputError, match="OCR"):
        import_report(path)


# ---------------------------------------------------------------- run-together figures


def readings(digits: str, n: int, sums: list[tuple[list[int], int]]) -> set[tuple[int, ...]]:
    """Brute force: every cut of `digits` into n figures (no leading zeros) meeting `sums`."""
    found = set()
    for cuts in itertools.combinations(range(1, len(digits)), n - 1):
        bounds = [0, *cuts, len(digits)]
        parts = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        numbers = tuple(int(p) for p in parts)
        if all(sum(numbers[t] for t in terms) == numbers[total] for terms, total in sums):
            found.add(numbers)
    return found


def oracle(truth: Truth) -> dict[CellKey, Any]:
    """The cells a row alone decides: rows short enough to brute-force, cut only one way."""
    decided: dict[CellKey, Any] = {}
    c1 = [(list(range(6)), 6)]
    for table in ("proactive", "applications"):
        for row in FMT.tables[table].rows:
            keys = [(table, row.key, c.key) for c in row.columns]
            printed = [truth[k] for k in keys]
            if any(v is None or isinstance(v, Decimal) for v in printed):
                continue
            digits = "".join(str(v) for v in printed)
            if len(digits) > 14:
                continue
            found = readings(digits, len(keys), c1 if table == "applications" else [])
            if len(found) == 1:
                decided.update(zip(keys, found.pop(), strict=True))
    keys = [
        ("reviews", r.key, c.key)
        for r in FMT.tables["reviews"].rows
        for c in FMT.tables["reviews"].columns
    ]
    digits = "".join(str(truth[k]) for k in keys)
    if len(digits) <= 18:
        sums = [([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)]
        found = readings(digits, 15, sums)
        if len(found) == 1:
            decided.update(zip(keys, found.pop(), strict=True))
    return decided


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=tables())
def test_run_together_figures_are_split_where_decided_and_never_guessed(
    truth: Truth, tmp_path: Path
) -> None:
    result = import_report(write("joined.txt", pdf_rows(truth, ""), tmp_path))
    logged = " ".join(e.message for e in result.log)
    for key, value in result.cells.items():
        if value is not None:
            assert value == truth[key], key  # never a wrong figure
        elif truth[key] is not None:
            row = FMT.tables[key[0]].row(key[1])
            assert row.display in logged or FMT.tables[key[0]].name in logged, key
    for key, value in oracle(truth).items():
        assert result.cells[key] == value, key  # decided by the row's own figures and sums


# ---------------------------------------------------------------- this tool's own drafts


@pytest.mark.parametrize("name", ["draft.md", "draft.html", "draft.docx"])
def test_the_drafts_this_tool_builds_read_back(name: str, example_ws: Path) -> None:
    from typer.testing import CliRunner

    from report_writer.cli import app
    from report_writer.model import parse_report
    from report_writer.workspace import load_report, open_workspace

    CliRunner().invoke(app, ["build", str(example_ws)])
    result = import_report(example_ws / name)
    expected = load_report(open_workspace(example_ws))
    assert parse_report(result.report_data()).figures.values == expected.figures.values
    assert result.log == []
    assert "report-writer" not in result.narrative["other"]  # draft markers are not text
    assert result.narrative["overview"] and result.narrative["problems"]
