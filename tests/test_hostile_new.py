"""Hostile input against the commands that came after issue 16: tables export/import, aggregate,
overview, explain --cell, the Word read-back and interview --answers. Each test runs the command
as a user would and fails without its fix (a hang fails by the subprocess's timeout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from cli_runner import run_cli
from conftest import EXAMPLE
from report_writer.cli import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "内部错误" not in result.output and "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def copy_example(folder: Path, agency: str | None = None) -> Path:
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".report-writer*"))
    if agency is not None:
        path = folder / "report.yaml"
        text = path.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("  agency:"))
        path.write_text(text.replace(old, f"  agency: {agency}", 1), encoding="utf-8")
    return folder


def special(path: Path, kind: str) -> Path:
    if kind == "zero":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    return path


# --- tables import: a tiny workbook that names billions of cells -------------------------------


def rewrite_sheet(source: Path, target: Path, change: dict[str, tuple[str, str]]) -> Path:
    """A copy of the workbook with text replaced in some of its parts."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename).decode("utf-8")
            if info.filename in change:
                before, after = change[info.filename]
                assert before in data, (info.filename, data[:500])
                data = data.replace(before, after, 1)
            new.writestr(info, data)
    return target


@pytest.mark.parametrize("bomb", ["far_cell", "whole_sheet_merge", "broken_xml"])
def test_a_workbook_naming_billions_of_cells_is_read_quickly(tmp_path: Path, bomb: str) -> None:
    ws = copy_example(tmp_path / "ws")
    exported = tmp_path / "t.xlsx"
    assert invoke("tables", "export", ws, "--to", exported)[0] == 0
    sheet = "xl/worksheets/sheet2.xml"
    if bomb == "far_cell":  # one cell at the sheet's last row and column
        change = (
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
        )
    elif bomb == "broken_xml":
        change = ("</sheetData>", "</sheetDat>")
    else:  # one merge over the whole sheet (openpyxl makes an object per covered cell)
        change = ("<mergeCell ", '<mergeCell ref="A1:XFD1048576"/><mergeCell ')
    workbook = rewrite_sheet(exported, tmp_path / "bomb.xlsx", {sheet: change})
    code, output = run_cli("tables", "import", workbook, ws)
    if bomb == "broken_xml":
        assert code == 2 and "bomb.xlsx" in output and "不是有效的 Excel 工作簿" in output, output
    elif bomb == "far_cell":
        assert code == 2 and "bomb.xlsx" in output and "超过 10,000 行" in output, output
    else:  # the merge is not expanded; the figures are read as they are
        assert code in (0, 1), output


def test_a_workbook_that_is_a_device_or_pipe_is_refused_as_such(tmp_path: Path) -> None:
    ws = copy_example(tmp_path / "ws")
    for kind in ("zero", "fifo"):
        source = special(tmp_path / f"{kind}.xlsx", kind)
        code, output = run_cli("tables", "import", source, ws)
        assert code == 2 and "不是普通文件" in output and "找不到" not in output, output


# --- aggregate and overview: a unit whose report.yaml cannot be read ---------------------------


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_a_unit_whose_report_yaml_is_a_device_is_named_not_skipped(
    tmp_path: Path, kind: str
) -> None:
    units = tmp_path / "units"
    copy_example(units / "good")
    (units / "bad").mkdir()
    special(units / "bad" / "report.yaml", kind)
    code, output = run_cli("overview", units, "--to", tmp_path / "o.html")
    assert code == 0 and "2 个工作区" in output, output
    page = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "不是普通文件" in page
    # summing without the unit would be a government total silently short of one unit
    code, output = run_cli("aggregate", units, "-o", tmp_path / "gov", "--agency", "某某区人民政府")
    assert code == 2 and "bad" in output and "不是普通文件" in output, output
    assert not (tmp_path / "gov").exists()


# --- the Word read-back: draft.docx or the exports record is a device ---------------------------


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_a_draft_docx_that_is_a_device_or_pipe_is_not_copied(tmp_path: Path, kind: str) -> None:
    ws = copy_example(tmp_path / "ws")
    special(ws / "draft.docx", kind)
    code, output = run_cli("build", ws, "--format", "docx", timeout=60)
    assert code == 2 and "draft.docx" in output and "不是普通文件" in output, output
    backups = list((ws / ".report-writer").glob("draft-*.docx"))
    assert backups == []


def test_an_exports_record_that_is_a_device_is_not_read(tmp_path: Path) -> None:
    ws = copy_example(tmp_path / "ws")
    assert run_cli("build", ws, "--format", "docx")[0] in (0, 1)
    record = ws / ".report-writer" / "exports.json"
    record.unlink()
    special(record, "zero")
    code, output = run_cli("build", ws, "--format", "docx", timeout=60)
    assert code in (0, 1), output


# --- interview --answers: numbers no cell can hold ----------------------------------------------


def test_a_huge_amount_in_wan_yuan_builds_and_is_questioned(tmp_path: Path) -> None:
    ws = copy_example(tmp_path / "ws")
    answers = tmp_path / "a.yaml"
    answers.write_text("tables:\n  proactive:\n    fees: {amount: 1e308}\n", encoding="utf-8")
    code, output = invoke("interview", ws, "--answers", answers)
    assert code in (0, 1) and "H7" in output, output  # was 内部错误：InvalidOperation


def test_a_number_of_a_hundred_thousand_digits_is_told_in_chinese(tmp_path: Path) -> None:
    ws = copy_example(tmp_path / "ws")
    answers = tmp_path / "a.yaml"
    answers.write_text(f"answers:\n  leadership: {{staff: {'9' * 100_000}}}\n", encoding="utf-8")
    code, output = invoke("interview", ws, "--answers", answers)
    assert code == 2 and "a.yaml" in output and "4300 位" in output, output
    assert "Exceeds" not in output


# --- overview: agency and folder names are text, never markup -----------------------------------


def test_an_agency_named_like_a_script_is_shown_as_text(tmp_path: Path) -> None:
    agency = '"</script><script>alert(1)</script><img src=x onerror=alert(2)>"'
    copy_example(tmp_path / "units" / "<svg onload=alert(3)>", agency)
    code, output = invoke("overview", tmp_path / "units", "--to", tmp_path / "o.html")
    assert code == 0, output
    doc = lxml_html.fromstring((tmp_path / "o.html").read_bytes())
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and "alert" not in scripts[0].text_content()
    assert not doc.xpath("//img | //*[@onerror] | //*[@onload]")
    shown = doc.xpath("//td[@class='agency']")[0].text_content()
    assert shown == agency.strip('"')


# --- aggregate: one agency spelt two ways, and the hint it prints -------------------------------


def test_an_agency_spelt_with_full_width_letters_or_spaces_is_not_summed_twice(
    tmp_path: Path,
) -> None:
    units = tmp_path / "units"
    copy_example(units / "a", "某某局Ａ")
    copy_example(units / "b", '"某某 局A "')
    code, output = invoke("aggregate", units, "-o", tmp_path / "gov", "--agency", "某某区人民政府")
    assert code == 2 and "重复计算" in output and "units/a" in output and "units/b" in output
    assert not (tmp_path / "gov").exists()
    # nor is a unit the government itself under another spelling
    shutil.rmtree(units / "b")
    code, output = invoke("aggregate", units, "-o", tmp_path / "gov", "--agency", " 某某局A")
    assert code == 2 and "不能计入自己的汇总" in output, output


def test_the_next_step_after_aggregate_quotes_its_path(tmp_path: Path) -> None:
    units = tmp_path / "units"
    copy_example(units / "a", "某某局")
    out = tmp_path / "gov $(touch PWNED)"
    code, output = invoke(
        "aggregate", units, "-o", out, "--agency", "某某区人民政府", "--include-errors"
    )
    assert code in (0, 1), output
    line = next(x for x in output.splitlines() if x.startswith("下一步："))
    subprocess.run(
        ["bash", "-c", f"report-writer() {{ :; }}; {line.removeprefix('下一步：')}"],
        cwd=tmp_path,
        check=False,
    )
    assert not (tmp_path / "PWNED").exists(), line
