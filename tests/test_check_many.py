"""`report-writer check` over many workspaces: one summary table, exit codes, progress bar."""

from __future__ import annotations

import io
import json
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_runner import run
from conftest import EXAMPLE, base_report
from report_writer import check
from report_writer.cli.output import text_table, with_progress

# Answers for 五 and 六 as FORMAT.md requires them (else H9, H8 warn)
COMPLETE = {"answers": {"problems": {"selected": ["depth"]}, "fees": {"notices": 0}}}
CLEAN = base_report(applications={"new": {"natural_person": 1}, "granted": {"natural_person": 1}})
CLEAN |= COMPLETE
WARNED = base_report(proactive={"fees": {"amount": 5000}}) | COMPLETE  # H7: fees are in 万元


@pytest.fixture
def city(tmp_path: Path, write_ws: Callable[..., Path]) -> Path:
    """A folder of three workspaces: the example (one error), a clean one, and one with a
    warning; plus a folder that is no workspace (ignored) and a loose file."""
    shutil.copytree(EXAMPLE, tmp_path / "a-dongli")
    write_ws({**CLEAN, "meta": {**CLEAN["meta"], "agency": "甲区教育局"}}, name="b-clean")
    write_ws({**WARNED, "meta": {**WARNED["meta"], "agency": "乙区民政局"}}, name="c-warned")
    (tmp_path / "d-notes").mkdir()
    (tmp_path / "readme.txt").write_text("说明", encoding="utf-8")
    return tmp_path


def table_lines(out: str) -> list[str]:
    """The summary table, header first: it follows the findings of each workspace."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["工作区", "机关"])
    return lines[start:]


def rows(out: str) -> dict[str, list[str]]:
    """Table rows by workspace folder name, split on runs of spaces."""
    return {line.split()[0]: line.split()[1:] for line in table_lines(out)[1:] if "  " in line}


def test_folder_of_workspaces_gives_one_summary_table(city: Path) -> None:
    code, out, err = run("check", city)
    assert code == 1  # the example has an error
    lines = out.splitlines()
    # every finding first, under the report it belongs to
    assert lines[0] == f"东丽区应急管理局2023年报告（{city / 'a-dongli'}）"
    assert (
        lines[1]
        == "  错误 C4  表四 行政复议：结果维持0＋结果纠正0＋其他结果0＋尚未审结1＝1，但总计为0"
    )
    assert lines[2] == f"乙区民政局{rows(out)['c-warned'][1]}年报告（{city / 'c-warned'}）"
    assert lines[3].startswith("  提示 ")
    assert table_lines(out)[0].split() == ["工作区", "机关", "年度", "错误", "提示"]
    table = rows(out)
    assert table["a-dongli"] == ["东丽区应急管理局", "2023", "1", "0"]
    assert table["b-clean"] == ["甲区教育局", "2024", "0", "0"]
    assert table["c-warned"][2:] == ["0", "1"]
    assert "d-notes" not in table and "readme.txt" not in out
    assert lines[-1] == "共核对 3 个工作区：1 个有错误，1 个只有提示，0 个无法读取，1 个核对无误。"
    assert err == ""


def test_columns_line_up_with_chinese_names(city: Path) -> None:
    _, out, _ = run("check", city)
    table = table_lines(out)[:4]
    # the error column ends at the same display width on every line
    widths = {text_table_width(line) for line in table}
    assert len(widths) == 1


def text_table_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_many_paths_with_an_unusable_one(
    city: Path, write_ws: Callable[..., Path], tmp_path: Path
) -> None:
    broken = write_ws("meta: [不闭合\n", name="z-broken")
    code, out, err = run("check", city / "b-clean", broken, tmp_path / "missing")
    assert code == 2  # unusable input outranks check errors
    table = rows(out)
    assert table["z-broken"] == ["（无法读取）", "—", "—", "—"]
    assert table["missing"] == ["（无法读取）", "—", "—", "—"]
    assert "2 个无法读取" in out
    assert f"错误：{broken / 'report.yaml'} 第1行第7列有 YAML 语法错误：方括号 [ ] 没有闭合" in err
    assert "找不到工作区" in err


def test_all_clean_exits_zero_and_strict_counts_warnings(city: Path) -> None:
    assert run("check", city / "b-clean", city / "c-warned")[0] == 0
    assert run("check", city / "b-clean", city / "c-warned", "--strict")[0] == 1
    assert run("check", city / "b-clean", city / "b-clean", "--strict")[0] == 0


def test_json_lists_every_workspace(city: Path) -> None:
    code, out, _ = run("check", city, "--json")
    assert code == 1
    data = json.loads(out)
    assert [(d["agency"], d["errors"], d["warnings"], d["problem"]) for d in data] == [
        ("东丽区应急管理局", 1, 0, None),
        ("甲区教育局", 0, 0, None),
        ("乙区民政局", 0, 1, None),
    ]
    assert data[0]["path"] == str(city / "a-dongli")
    (finding,) = data[0]["findings"]
    assert (finding["code"], finding["row"], finding["column"]) == ("C4", "review", "total")
    assert data[1]["findings"] == []


def test_previous_is_only_for_one_workspace(city: Path) -> None:
    code, _, err = run("check", city, "--previous", city / "b-clean")
    assert code == 2
    assert "--previous 只能在核对单个工作区时使用" in err


def test_one_workspace_keeps_the_detailed_output(city: Path) -> None:
    code, out, _ = run("check", city / "a-dongli")
    assert code == 1
    assert out.splitlines()[0] == "东丽区应急管理局2023年政府信息公开工作年度报告"
    assert "错误 C4" in out


def test_many_workspaces_over_several_processes_come_back_in_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write_ws: Callable[..., Path]
) -> None:
    monkeypatch.setattr(check, "WORKSPACES_PER_PROCESS", 2)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    folders = [
        write_ws({**CLEAN, "meta": {**CLEAN["meta"], "agency": f"第{i}局"}}, name=f"ws{i}")
        for i in range(8)
    ]
    folders[5].joinpath("report.yaml").write_text("meta: 0\n", encoding="utf-8")
    results = list(check.check_workspaces(folders))
    assert [r.agency for r in results] == [*(f"第{i}局" for i in range(5)), None, "第6局", "第7局"]
    assert results[5].problem is not None and "meta" in results[5].problem


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_appears_only_on_a_terminal_after_the_delay() -> None:
    terminal = FakeTerminal()
    assert list(with_progress(iter(range(5)), 5, "核对中", stream=terminal, delay=0)) == [*range(5)]
    assert "核对中" in terminal.getvalue() and "100%" in terminal.getvalue()

    quick = FakeTerminal()
    list(with_progress(iter(range(5)), 5, "核对中", stream=quick, delay=60))
    assert quick.getvalue() == ""

    piped = io.StringIO()
    list(with_progress(iter(range(5)), 5, "核对中", stream=piped, delay=0))
    assert piped.getvalue() == ""


def test_text_table_right_aligns_numbers() -> None:
    assert text_table(["机关", "错误"], [["甲局", "1"], ["某某区局", "12"]], right=(1,)) == [
        "机关      错误",
        "甲局         1",
        "某某区局    12",
    ]


def test_each_workspace_is_checked_as_check_dir_checks_it(
    tmp_path: Path, write_ws: Callable[..., Path]
) -> None:
    """Its previous/ folder (last year) is compared, as `check DIR` alone would."""
    last = base_report(
        applications={"new": {"natural_person": 2}, "carried_forward": {"natural_person": 2}}
    )
    write_ws(last, name="city/with-last-year/previous")
    write_ws(CLEAN, name="city/with-last-year")
    write_ws(CLEAN, name="city/alone")
    code, out, _ = run("check", tmp_path / "city", "--strict")
    assert code == 1
    table = rows(out)
    assert table["with-last-year"][2:] == ["0", "2"]  # H1 twice: 上年结转 of 自然人 and of 总计
    assert table["alone"][2:] == ["0", "0"]
    assert "提示 H1" in run("check", tmp_path / "city" / "with-last-year")[1]
