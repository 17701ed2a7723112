"""`tables export` and `tables import` as a user runs them: the workbook read back with openpyxl,
imported back unchanged, and the variants offices make of it (a title row, blank rows, merged
label cells, numbers stored as text, 「/」) read into report.yaml with its comments kept."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import libreoffice
from cli_runner import run
from report_writer.formats.spec import load_format

FMT = load_format("gov2021")


def exported(ws: Path, tmp_path: Path) -> Path:
    target = tmp_path / "表格.xlsx"
    code, out, err = run("tables", "export", ws, "--to", target)
    assert code == 0, err
    assert out.strip() == f"已生成：{target}"
    return target


def tables_of(ws: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ws / "report.yaml").read_text(encoding="utf-8"))
    return data["tables"]


def merged(sheet: Any) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def test_the_workbook_has_the_official_layout(example_ws: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(exported(example_ws, tmp_path))
    assert book.sheetnames == ["表二", "表三", "表四"]
    two, three, four = book.worksheets
    assert two["A1"].value == "二、主动公开政府信息情况"
    assert three["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert four["A1"].value == "四、政府信息公开行政复议、行政诉讼情况"
    # 表三: the corner over three label columns and three header rows; labels as the format has
    spec = FMT.tables["applications"]
    assert "A2:C4" in merged(three)
    assert three["A2"].value == spec.corner
    assert [three.cell(4, c).value for c in range(5, 10)] == [c.label for c in spec.columns[1:6]]
    labels = [three.cell(r, 3).value or three.cell(r, 2).value for r in range(5, 30)]
    for row in spec.rows:
        assert row.label in labels or row.label in [three.cell(r, 1).value for r in range(5, 30)]
    new = next(r for r in range(5, 30) if three.cell(r, 1).value == spec.row("new").label)
    assert [three.cell(new, c).value for c in range(4, 11)] == [9, 0, 0, 0, 0, 0, 9]
    # 表四: 行政诉讼 over ten columns, the leaf labels under every group, figures as numbers
    assert four["F2"].value == "行政诉讼" and "F2:O2" in merged(four)
    assert [four.cell(4, c).value for c in range(1, 6)] == [
        c.label for c in FMT.tables["reviews"].columns
    ]
    assert [four.cell(5, c).value for c in range(1, 6)] == [0, 0, 0, 1, 0]
    # 表二: each block's caption across the table
    assert two["A2"].value == "第二十条第（一）项" and "A2:D2" in merged(two)


def test_export_then_import_changes_nothing(example_ws: Path, tmp_path: Path) -> None:
    before = (example_ws / "report.yaml").read_bytes()
    workbook = exported(example_ws, tmp_path)
    code, out, _ = run("tables", "import", workbook, example_ws)
    assert code == 1  # the example's own error in 表四, found by the check after the import
    assert "表格中的数字与 report.yaml 相同，未改动。" in out and "错误 C4" in out
    assert (example_ws / "report.yaml").read_bytes() == before


def copy_sheet(
    source: Any, target: Any, row_of: Callable[[int], int], unmerge: bool = False
) -> None:
    """The cells and merges of `source` in `target`, row r moved to row_of(r)."""
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None:
                target.cell(row_of(cell.row), cell.column, cell.value)
    if unmerge:
        return
    for span in source.merged_cells.ranges:
        target.merge_cells(
            start_row=row_of(span.min_row),
            start_column=span.min_col,
            end_row=row_of(span.max_row),
            end_column=span.max_col,
        )


def test_an_office_variant_of_the_workbook(example_ws: Path, tmp_path: Path) -> None:
    """One sheet holding all three tables under a title row, a blank row after each heading and
    between rows, no merges, every figure typed as text, a 「/」, and changed figures."""
    original = openpyxl.load_workbook(exported(example_ws, tmp_path))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "东丽区应急管理局2023年政府信息公开工作年度报告统计表"
    at = 3
    for source in original.worksheets:
        start = at
        copy_sheet(source, sheet, lambda r, s=start: s + 2 * (r - 1), unmerge=True)
        at = start + 2 * source.max_row + 2
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, int):
                cell.value = f" {cell.value} "  # numbers stored as text
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    penalty = rows["行政处罚"]
    sheet.cell(penalty, 2).value = "61"
    new = rows["一、本年新收政府信息公开申请数量"]
    sheet.cell(new, 5).value = "/"  # 商业企业 unknown
    review = max(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value)  # 表四's figures
    assert sheet.cell(review, 4).value == " 1 "  # 尚未审结
    sheet.cell(review, 5).value = 1  # the 总计 of 行政复议 corrected, as a real number
    path = tmp_path / "科室的表.xlsx"
    book.save(path)
    comments_before = [
        line
        for line in (example_ws / "report.yaml").read_text("utf-8").splitlines()
        if line.strip().startswith("#")
    ]
    code, out, _ = run("tables", "import", path, example_ws)
    assert code == 0, out  # the check after it passes: 表四's total now agrees
    assert "3个数字有变化" in out
    assert "表二 行政处罚 · 本年处理决定数量：60 → 61" in out
    assert "商业企业：0 → /" in out and "另有1个单元格为“/”或空白" in out
    assert "共 0 处错误，1 处提示。" in out  # the unknown figure, said by C0
    tables = tables_of(example_ws)
    assert tables["proactive"]["penalty"]["decisions"] == 61
    assert tables["applications"]["new"]["business"] is None  # null, not 0
    assert tables["reviews"]["review"]["total"] == 1
    text = (example_ws / "report.yaml").read_text("utf-8")
    assert [line for line in text.splitlines() if line.strip().startswith("#")] == comments_before
    assert "penalty: {decisions: 61}  # 行政处罚" in text  # the line keeps its form and comment
    log = yaml.safe_load((example_ws / "tables-import-log.yaml").read_text("utf-8"))
    assert any(e.get("cell") == "applications.new.business" for e in log["entries"])


def test_merged_label_cells_and_a_sheet_named_after_its_table(
    example_ws: Path, tmp_path: Path
) -> None:
    """A workbook of only 表四, its heading row deleted and the sheet named 表四; its label cells
    merged across two rows: the other tables are left as they are."""
    original = openpyxl.load_workbook(exported(example_ws, tmp_path))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表四（复议诉讼）"
    four = original["表四"]
    for row in four.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None:
                sheet.cell(cell.row - 1, cell.column, cell.value)
    sheet.merge_cells("A1:E2")  # 行政复议 over its two rows
    sheet.cell(4, 1).value = 2  # 结果维持
    sheet.cell(4, 5).value = 3  # 总计 = 2 + 0 + 0 + 1
    path = tmp_path / "表四.xlsx"
    book.save(path)
    before = tables_of(example_ws)
    code, out, _ = run("tables", "import", path, example_ws)
    assert code == 0, out
    assert "工作簿中没有表二、表三，report.yaml 中这些表未改动。" in out
    after = tables_of(example_ws)
    assert after["reviews"]["review"] == {
        "upheld": 2,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 3,
    }
    assert after["applications"] == before["applications"]
    assert after["proactive"] == before["proactive"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("旧表.xls", b"\xd0\xcf\x11\xe0", "旧版 Excel 文件（.xls）"),
        ("坏表.xlsx", b"not a workbook", "不是有效的Excel 工作簿"),
    ],
)
def test_files_that_are_not_workbooks(
    example_ws: Path, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    before = (example_ws / "report.yaml").read_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run("tables", "import", path, example_ws)
    assert code == 2 and words in err and str(path) in err
    assert "Traceback" not in err and "内部错误" not in err
    assert (example_ws / "report.yaml").read_bytes() == before


def test_a_workbook_without_the_tables_is_refused(example_ws: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "人员名单"
    book.active["A2"] = "张三"
    path = tmp_path / "名单.xlsx"
    book.save(path)
    before = (example_ws / "report.yaml").read_bytes()
    code, _, err = run("tables", "import", path, example_ws)
    assert code == 2 and "找不到表二、表三、表四" in err
    assert (example_ws / "report.yaml").read_bytes() == before
    code, _, err = run("tables", "export", example_ws, "--to", tmp_path / "表格.csv")
    assert code == 2 and "扩展名应为 .xlsx" in err


def test_export_does_not_write_over_a_workbook_without_force(
    example_ws: Path, tmp_path: Path
) -> None:
    workbook = exported(example_ws, tmp_path)
    workbook.write_bytes(b"typed in by the office")
    code, _, err = run("tables", "export", example_ws, "--to", workbook)
    assert code == 2 and "已存在，未覆盖" in err and "--force" in err
    assert workbook.read_bytes() == b"typed in by the office"
    code, _, _ = run("tables", "export", example_ws, "--to", workbook, "--force")
    assert code == 0 and openpyxl.load_workbook(workbook).sheetnames == ["表二", "表三", "表四"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook(example_ws: Path, tmp_path: Path) -> None:
    import pypdf

    workbook = exported(example_ws, tmp_path)
    done = libreoffice.convert(workbook, "pdf", tmp_path, tmp_path / "profile")
    if "could not be loaded" in done.stdout + done.stderr:
        pytest.skip("LibreOffice Calc (libreoffice-calc) is not installed")
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "表格.pdf").pages]
    assert len(pages) == 3
    assert "二、主动公开政府信息情况" in pages[0] and "第二十条第（一）项" in pages[0]
    assert "三、收到和处理政府信息公开申请情况" in pages[1] and "申请人情况" in pages[1]
    assert "四、政府信息公开行政复议、行政诉讼情况" in pages[2] and "结果维持" in pages[2]


def test_import_reads_a_workbook_as_a_published_report(example_ws: Path, tmp_path: Path) -> None:
    workbook = exported(example_ws, tmp_path)
    target = tmp_path / "导入"
    code, out, _ = run(
        "import", workbook, "-o", target, "--agency", "东丽区应急管理局", "--year", "2023"
    )
    assert code == 0 and "Excel 工作簿（.xlsx）" in out
    written, original = tables_of(target), tables_of(example_ws)
    for table, rows in original.items():
        for row, figures in rows.items():
            assert {k: written[table][row][k] for k in figures} == figures


def test_a_workbook_that_unpacks_to_too_much_is_refused(example_ws: Path, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "炸弹.xlsx"
    shutil.copyfile(exported(example_ws, tmp_path), path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet9.xml", b" " * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    code, _, err = run("tables", "import", path, example_ws)
    assert code == 2 and "疑似压缩炸弹" in err and str(path) in err
