"""`report-writer import 全市2024/*.pdf --check -o 全市2024/`: a workspace for each file, one
summary table, the exit code the worst file earns, a progress bar only on a terminal."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE
from report_writer.cli import app
from report_writer.workspace import load_report, open_workspace
from test_import_flattened import FLATS, example_truth

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def reports(folder: Path) -> list[Path]:
    """Three text reports (one with a review total that does not add up) and a real PDF."""
    folder.mkdir()
    truth = example_truth()
    good = FLATS["one line, spaced"].render(truth)
    (folder / "甲局.txt").write_text(good, encoding="utf-8")
    (folder / "乙局.txt").write_text(FLATS["lines, run together"].render(truth), encoding="utf-8")
    shutil.copy(FIXTURES / "dongli-2023.pdf", folder / "甲局.pdf")  # same name, other suffix
    bad = dict(truth)
    bad[("reviews", "review", "total")] = 7
    (folder / "丙局.txt").write_text(FLATS["one line, spaced"].render(bad), encoding="utf-8")
    return sorted(folder.iterdir())


def test_many_files_a_workspace_each_and_one_summary_table(tmp_path: Path) -> None:
    files = reports(tmp_path / "全市2024")
    out = tmp_path / "工作区"
    result = CliRunner().invoke(app, ["import", *map(str, files), "--check", "-o", str(out)])
    assert result.exit_code == 1, result.output  # 丙局's published total does not add up
    assert sorted(p.name for p in out.iterdir()) == ["丙局", "乙局", "甲局-pdf", "甲局-txt"]
    pdf = load_report(open_workspace(out / "甲局-pdf"))
    assert pdf.figures.values == load_report(open_workspace(EXAMPLE)).figures.values
    lines = result.output.splitlines()
    assert lines[0].split() == ["文件", "机关", "年度", "读出单元格", "留空单元格", "错误"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:5]}
    assert rows["甲局.pdf"] == ["东丽区应急管理局", "2023", "200", "0", "1"]  # the example's C4
    assert rows["丙局.txt"][-1] != "0"
    assert rows["乙局.txt"][1:] == ["2024", rows["乙局.txt"][2], rows["乙局.txt"][3], "1"]
    assert int(rows["乙局.txt"][2]) + int(rows["乙局.txt"][3]) == 200
    assert "共导入 4 份报告" in lines[-1] and "核对有错误" in lines[-1]
    assert "导入中" not in result.output  # no progress bar outside a terminal


def test_a_file_that_cannot_be_read_is_named_and_the_rest_are_imported(tmp_path: Path) -> None:
    files = reports(tmp_path / "全市2024")
    junk = tmp_path / "说明.txt"
    junk.write_text("这不是年度报告。\n", encoding="utf-8")
    out = tmp_path / "工作区"
    result = CliRunner().invoke(app, ["import", str(junk), *map(str, files), "-o", str(out)])
    assert result.exit_code == 2
    assert "说明.txt" in result.output and "（无法导入）" in result.output
    assert "无法从" in result.output and "识别报告年度" in result.output
    assert "单独导入这一份" in result.output  # --year is refused with many files
    assert len(list(out.iterdir())) == 4
    assert "Traceback" not in result.output


def test_year_and_agency_are_for_one_file_only(tmp_path: Path) -> None:
    files = reports(tmp_path / "全市2024")
    result = CliRunner().invoke(app, ["import", *map(str, files), "--year", "2024"])
    assert result.exit_code == 2
    assert "只能用于导入单个文件" in result.output


def test_a_progress_bar_on_a_terminal_when_it_takes_a_while(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    folder = tmp_path / "pdf"
    folder.mkdir()
    for i in range(24):  # a real PDF takes a tenth of a second or more: well past one second
        shutil.copy(FIXTURES / "dongli-2023.pdf", folder / f"局{i}.pdf")
    command = str(Path(sys.executable).with_name("report-writer"))
    files = [str(p) for p in sorted(folder.iterdir())]
    child = pexpect.spawn(
        command,
        ["import", *files, "-o", str(tmp_path / "out")],
        env={**os.environ, "COLUMNS": "160"},
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )
    child.expect("导入中")
    child.expect("共导入 24 份报告")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_check_only_writes_nothing_and_the_default_is_beside_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = reports(tmp_path / "全市2024")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = CliRunner().invoke(app, ["import", *map(str, files), "--check"])
    assert result.exit_code == 1
    assert "仅核对，未写入工作区" in result.output
    assert list(here.iterdir()) == []
    result = CliRunner().invoke(app, ["import", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in here.iterdir()) == ["丙局", "乙局", "甲局-pdf", "甲局-txt"]
