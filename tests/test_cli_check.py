"""`init` and `check` as a user runs them, through typer's CliRunner; and help for every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from cli_runner import run, runner
from conftest import EXAMPLE, base_report
from report_writer.cli import app


def test_example_reports_exactly_the_review_error() -> None:
    code, out, _ = run("check", EXAMPLE)
    assert code == 1
    assert "东丽区应急管理局2023年政府信息公开工作年度报告" in out
    assert "错误 C4  表四 行政复议：结果维持0＋结果纠正0＋其他结果0＋尚未审结1＝1，但总计为0" in out
    assert "共 1 处错误，0 处提示。" in out


def test_example_json_findings() -> None:
    code, out, _ = run("check", EXAMPLE, "--json")
    assert code == 1
    (finding,) = json.loads(out)
    assert finding["code"] == "C4"
    assert finding["severity"] == "error"
    assert (finding["table"], finding["row"], finding["column"]) == ("reviews", "review", "total")
    assert finding["values"]["sum"] == 1 and finding["values"]["total"] == 0


def test_example_with_corrected_total_passes(example_ws: Path) -> None:
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("pending: 1, total: 0}", "pending: 1, total: 1}"), encoding="utf-8"
    )
    code, out, _ = run("check", example_ws)
    assert code == 0, out
    assert "✓ 各项勾稽关系核对无误" in out


def test_init_writes_every_cell_with_labels(tmp_path: Path) -> None:
    ws = tmp_path / "new"
    code, out, _ = run(
        "init", ws, "--agency", "某某街道办事处", "--year", "2024", "--level", "township"
    )
    assert code == 0
    assert str(ws) in out
    text = (ws / "report.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["meta"] == {
        "agency": "某某街道办事处",
        "year": 2024,
        "level": "township",
        "format": "gov2021",
    }
    apps = data["tables"]["applications"]
    assert len(apps) == 24  # 25 rows less the computed （七）总计
    assert all(
        set(row)
        == {"natural_person", "business", "research", "public_interest", "legal_service", "other"}
        for row in apps.values()
    )
    assert all(v == 0 for row in apps.values() for v in row.values())
    assert "# 一、本年新收政府信息公开申请数量" in text
    assert "other_unpaid_fee: {natural_person: 0, " in text
    assert (
        "# （六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        in text
    )
    assert "total（总计）自动计算，不必填写；如填写，将核对是否等于各项之和" in text
    assert data["tables"]["reviews"]["review"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 0,
    }
    assert run("check", ws)[0] == 0


def test_init_refuses_an_existing_workspace() -> None:
    code, _, err = run("init", EXAMPLE, "--agency", "甲", "--year", "2024")
    assert code == 2
    assert "已是工作区" in err


def test_yaml_syntax_error_names_file_and_line(write_ws) -> None:  # type: ignore[no-untyped-def]
    ws = write_ws(
        "meta:\n  agency: 甲局\n  year: 2024\ntables:\n  applications:\n    new: {natural_person: 1\n"
    )
    code, out, err = run("check", ws)
    assert code == 2
    assert str(ws / "report.yaml") in err
    assert re.search(r"第\d+行第\d+列有 YAML 语法错误", err)
    assert "Traceback" not in out + err


def test_unclosed_quote_is_named_where_it_opens(write_ws) -> None:  # type: ignore[no-untyped-def]
    ws = write_ws('meta:\n  agency: "甲局\n  year: 2024\ntables: {}\n')
    code, _, err = run("check", ws)
    assert code == 2
    assert f"{ws / 'report.yaml'} 第2行第11列有 YAML 语法错误：引号没有闭合" in err


def test_missing_year_is_named(write_ws) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("check", write_ws({"meta": {"agency": "甲局"}}))
    assert code == 2
    assert "meta.year：缺少报告年度（四位年份，如 2024）" in err
    assert "None" not in err


def test_unknown_key_is_named_with_a_suggestion(write_ws) -> None:  # type: ignore[no-untyped-def]
    data = base_report(applications={"new": {"natral_person": 3}, "grnted": {"business": 1}})
    ws = write_ws(data)
    code, _, err = run("check", ws)
    assert code == 2
    assert (
        "tables.applications.new.natral_person：一、本年新收政府信息公开申请数量没有这一列，是否应为“natural_person”？"
        in err
    )
    assert "tables.applications.grnted：未知的行，是否应为“granted”？" in err
    assert re.search(r"第\d+行 tables\.applications\.grnted", err)


def test_letter_in_a_count_cell_is_an_error_with_path_and_label(write_ws) -> None:  # type: ignore[no-untyped-def]
    ws = write_ws(base_report(applications={"new": {"natural_person": "九"}}))
    code, out, _ = run("check", ws)
    assert code == 1
    assert (
        "错误 C0  表三 一、本年新收政府信息公开申请数量 · 自然人（tables.applications.new.natural_person）应为不小于0的整数，现为“九”"
        in out
    )


def test_missing_workspace(tmp_path: Path) -> None:
    code, _, err = run("check", tmp_path / "nowhere")
    assert code == 2
    assert "找不到工作区" in err and "report-writer init" in err
    code, _, err = run("check", tmp_path)
    assert code == 2
    assert "不是工作区" in err


def test_bad_meta_is_refused(write_ws) -> None:  # type: ignore[no-untyped-def]
    ws = write_ws({"meta": {"agency": "甲局", "year": "二〇二四", "level": "bureau"}})
    code, _, err = run("check", ws)
    assert code == 2
    assert "meta.year：报告年度应为四位年份，现为“二〇二四”" in err
    assert "meta.level：机关类型应为" in err


def test_previous_and_strict(write_ws) -> None:  # type: ignore[no-untyped-def]
    last = write_ws(
        base_report(
            applications={"new": {"natural_person": 2}, "carried_forward": {"natural_person": 2}}
        )
    )
    data = base_report(
        applications={"new": {"natural_person": 1}, "granted": {"natural_person": 1}}
    )
    data["answers"] = {"problems": {"selected": ["depth"]}, "fees": {"notices": 0}}  # no H8, H9
    this = write_ws(data)
    code, out, _ = run("check", this, "--previous", last)
    assert code == 0
    assert "提示 H1" in out
    assert run("check", this, "--previous", last, "--strict")[0] == 1
    assert run("check", this, "--strict")[0] == 0


def test_every_command_has_help() -> None:
    root = get_command(app)

    def walk(group: Any, prefix: list[str]) -> list[list[str]]:
        paths = []
        for name, cmd in group.commands.items():
            paths.append([*prefix, name])
            if hasattr(cmd, "commands"):  # a command group
                paths.extend(walk(cmd, [*prefix, name]))
        return paths

    paths = walk(root, [])
    assert ["check"] in paths and ["init"] in paths
    for path in paths:
        cmd: Any = root
        for name in path:
            cmd = cmd.commands[name]
        assert cmd.help and re.search(r"[\u4e00-\u9fff]", cmd.help), (
            f"{' '.join(path)} has no Chinese help"
        )
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        # every value placeholder is named in Chinese, not by click's type (<str>, <path>)
        assert not re.search(r"<(str|int|integer|float|path|text|file)>", result.output), path


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"]])
def test_python_dash_m(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "report_writer", *args], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "报告起草助手" in proc.stdout or "核对" in proc.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check"], "错误：缺少参数“工作区”"),
        (["chek", "x"], "错误：没有命令“chek”，是否应为“check”？"),
        (["init", "x", "--year", "abc"], "错误：--year 应为整数，现为“abc”"),
        (["build", "x", "--bogus"], "错误：没有选项 --bogus，是否应为 --out？"),
    ],
)
def test_usage_errors_are_in_chinese(args: list[str], expected: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "report_writer", *args], capture_output=True, text=True
    )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[0] == expected
    assert lines[1].startswith("用法：report-writer ")
    assert lines[2].startswith("查看说明：report-writer") and lines[2].endswith(" --help")
    assert "Error" not in proc.stderr and "Usage" not in proc.stderr


def test_exit_codes_pass_through_the_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "report_writer", "check", str(EXAMPLE)], capture_output=True
    )
    assert proc.returncode == 1
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "report_writer",
            "init",
            str(tmp_path / "w"),
            "--agency",
            "甲",
            "--year",
            "2024",
        ],
        capture_output=True,
    )
    assert proc.returncode == 0


def test_help_pages_are_labelled_in_chinese() -> None:
    for args in (["--help"], ["check", "--help"], ["phrasebank", "lint", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert result.output.startswith("用法：report-writer")
        assert "显示本说明并退出。" in result.output
        for english in ("Usage", "Options", "Show this message", "[required]", "default:"):
            assert english not in result.output, (args, english)


TOP_COMMANDS = [
    "init",
    "check",
    "import",
    "interview",
    "build",
    "regenerate",
    "explain",
    "aggregate",
    "overview",
]


def test_main_runs_one_command_as_the_whole_app_does() -> None:
    # main() gives typer only the command asked for (its start-up then builds one command's
    # parameters, not all of them); what the officer sees must not change
    assert sorted(TOP_COMMANDS) == sorted(
        name for name, cmd in get_command(app).commands.items() if not hasattr(cmd, "commands")
    )
    for name in TOP_COMMANDS:
        for args in ([name, "--help"], [name, "--bogus"]):
            proc = subprocess.run(
                [sys.executable, "-m", "report_writer", *args], capture_output=True, text=True
            )
            whole = runner.invoke(app, args, prog_name="report-writer")
            if args[1] == "--help":
                assert proc.returncode == whole.exit_code == 0
                assert proc.stdout == whole.output, name
            else:
                assert proc.returncode == 2
                usage = runner.invoke(app, [name, "--help"], prog_name="report-writer").output
                assert proc.stderr.splitlines()[1] == usage.splitlines()[0]
