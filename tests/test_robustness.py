"""Nothing lost, nothing torn: atomic saves under kill -9, hand edits kept, hostile input refused."""

from __future__ import annotations

import difflib
import os
import random
import re
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from report_writer.cli import app
from report_writer.errors import InputError, WorkspaceError
from report_writer.files import read_text, write_atomic
from report_writer.limits import MAX_FILE_BYTES, MAX_YAML_DEPTH
from report_writer.phrasebank import MAX_OUTPUT_CHARS
from report_writer.workspace import edit_report, load_report, open_workspace

runner = CliRunner()


# --- atomic saves ---------------------------------------------------------------------------


def kill_while_saving(
    save: Callable[[int], None], report: Path, versions: set[bytes], rounds: int, longest: float
) -> set[bytes]:
    """`rounds` times: fork a child that calls save(0), save(1), ... ; once it has saved at least
    once, kill it with SIGKILL at a random moment within `longest` seconds. After each kill the
    file must be one whole version. Returns the versions seen."""
    seen: set[bytes] = set()
    rng = random.Random(7)
    for _ in range(rounds):
        inode = report.stat().st_ino
        pid = os.fork()
        if pid == 0:  # the child
            try:
                for i in range(100_000):
                    save(i)
            finally:
                os._exit(0)
        deadline = time.monotonic() + 30
        while report.stat().st_ino == inode and time.monotonic() < deadline:
            time.sleep(0.001)  # a save replaces the file: a new inode
        time.sleep(rng.uniform(0.0, longest))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        now = report.read_bytes()
        assert now in versions, f"torn file of {len(now)} bytes"
        seen.add(now)
    return seen


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_kill_during_saves_leaves_old_or_new_report_never_torn(tmp_path: Path) -> None:
    """kill -9 during saves, many times: report.yaml is always one whole version, and loads.

    First through edit_report, the way the interview saves after each answer (10 kills), then
    through write_atomic with two 1 MB versions (25 kills)."""
    (tmp_path / "report.yaml").write_text(HAND_EDITED, encoding="utf-8")
    ws = open_workspace(tmp_path)
    report = ws.report_path
    original = report.read_bytes()
    texts = []
    for value in ["甲", "乙", "甲"]:
        with edit_report(ws) as doc:
            doc["meta"]["contact"] = value
        texts.append(report.read_bytes())
    assert texts[0] == texts[2]  # saving is deterministic: a version is known by its bytes
    write_atomic(report, original)

    def save_edit(i: int) -> None:
        with edit_report(ws) as doc:
            doc["meta"]["contact"] = ["甲", "乙"][i % 2]

    seen = kill_while_saving(save_edit, report, {original, *texts}, 10, 0.03)
    assert seen <= set(texts[:2])
    load_report(ws)

    big = [text + b"#" * 1_000_000 for text in texts[:2]]

    def save_big(i: int) -> None:
        write_atomic(report, big[i % 2])

    seen = kill_while_saving(save_big, report, {*texts, *big}, 25, 0.01)
    assert seen <= set(big)


def test_write_atomic_keeps_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "draft.md"
    target.write_text("旧稿", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "新稿")
    assert target.read_text(encoding="utf-8") == "新稿"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["draft.md"]


def test_write_atomic_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="这是一个文件夹"):
        write_atomic(tmp_path, "正文")


def test_write_atomic_under_a_file_says_why_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(WorkspaceError, match="路径中有一部分不是文件夹"):
        write_atomic(tmp_path / "a-file" / "draft.md", "正文")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_write_atomic_into_a_read_only_folder_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "draft.md"
    target.write_text("旧稿", encoding="utf-8")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(WorkspaceError, match="没有权限"):
            write_atomic(target, "新稿")
    finally:
        tmp_path.chmod(0o755)
    assert target.read_text(encoding="utf-8") == "旧稿"


def test_init_under_a_file_is_refused_cleanly(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    result = runner.invoke(
        app, ["init", str(tmp_path / "a-file" / "ws"), "--agency", "某局", "--year", "2024"]
    )
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("错误：")
    assert "不是文件夹" in result.stderr or "是一个文件" in result.stderr


# --- hand edits survive the tool's saves ------------------------------------------------------

HAND_EDITED = """\
# 审核人批注：表四数字已与复议机关核实（王科长，3月2日）

meta:
  year: 2023            # 年度放在前面，是审核人的习惯
  agency: "东丽区应急管理局"
  level: department


  tier: county

tables:
  reviews:
    # 行政复议：1件尚未审结
    review: {upheld: 0, corrected: 0, other: 0, pending: 1, total: 0}  # 原文如此

    litigation_direct: {upheld: 0, corrected: 0, other: 0, pending: 0, total: 0}

answers:
  leadership:
    office: '办公室'   # 单引号保留
    staff: 1
phrases: {}
"""


def test_tool_save_keeps_comments_key_order_blank_lines_and_quotes(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "report.yaml").write_text(HAND_EDITED, encoding="utf-8")
    ws = open_workspace(folder)
    with edit_report(ws) as doc:
        doc["tables"]["reviews"]["review"]["total"] = 1
        doc["answers"]["leadership"]["staff"] = 2
    after = ws.report_path.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.ndiff(HAND_EDITED.splitlines(), after.splitlines())
        if line[:1] in "+-"
    ]
    assert changed == [
        "-     review: {upheld: 0, corrected: 0, other: 0, pending: 1, total: 0}  # 原文如此",
        "+     review: {upheld: 0, corrected: 0, other: 0, pending: 1, total: 1}  # 原文如此",
        "-     staff: 1",
        "+     staff: 2",
    ]
    assert load_report(ws).figures.values[("reviews", "review", "total")] == 1


def test_tool_save_of_an_invalid_result_writes_nothing(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    before = ws.report_path.read_bytes()
    with pytest.raises(InputError), edit_report(ws) as doc:
        doc["meta"]["year"] = "去年"
    assert ws.report_path.read_bytes() == before


# --- hostile and broken input, through the CLI -------------------------------------------------

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def hostile_inputs() -> dict[str, tuple[bytes, str]]:
    """name -> (content of report.yaml, what the message must say)."""
    gbk = "meta:\n  agency: 东丽区应急管理局\n  year: 2023\n".encode("gbk")
    deep_flow = "meta: " + "[" * 200 + "]" * 200 + "\n"
    deep_block = (
        "answers:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 60)) + "  " * 60 + "x: 1\n"
    )
    return {
        "alias bomb": (f"meta: {{agency: 某局, year: 2023}}\n{BOMB}".encode(), "别名引用"),
        "deep flow nesting": (deep_flow.encode(), f"嵌套超过 {MAX_YAML_DEPTH} 层"),
        "deep block nesting": (deep_block.encode(), f"嵌套超过 {MAX_YAML_DEPTH} 层"),
        "libyaml nesting limit": (("[" * 5000).encode(), "YAML 语法错误"),
        "binary garbage": (random.Random(1).randbytes(4096), "不是文本文件"),
        "NUL bytes": (b"meta:\n  agency: \x00\x00\n", "不是文本文件"),
        "GBK": (gbk, "GBK"),
        "UTF-16": ("meta:\n  agency: 某局\n".encode("utf-16"), "UTF-16"),
        "control character": (
            "meta:\n  agency: 某\x07局\n".encode(),
            "第2行含有不可见的控制字符（#x0007）",
        ),
        "5,000-digit number": (f"meta:\n  year: {'9' * 5000}\n".encode(), "无法识别的数值"),
        "impossible date": (b"meta:\n  agency: x\n  year: 2023-02-30\n", "无法识别的数值或日期"),
        "python tag": (b"meta: !!python/object/apply:os.system [echo hi]\n", "YAML 语法错误"),
    }


@pytest.mark.parametrize("name", list(hostile_inputs()))
def test_hostile_report_is_refused_with_a_chinese_message(tmp_path: Path, name: str) -> None:
    content, expected = hostile_inputs()[name]
    (tmp_path / "report.yaml").write_bytes(content)
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")
    assert expected in result.stderr
    assert str(tmp_path / "report.yaml") in result.stderr
    assert (tmp_path / "report.yaml").read_bytes() == content  # nothing lost


def test_fifty_megabyte_report_is_refused_by_size_before_reading(tmp_path: Path) -> None:
    report = tmp_path / "report.yaml"
    with report.open("wb") as handle:  # 50 MB of valid YAML, written sparsely: quick to create
        handle.write(b"meta:\n  agency: x\n")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "太大（50.0 MB）" in result.stderr
    assert f"不超过 {MAX_FILE_BYTES // 1024 // 1024} MB" in result.stderr


def test_reading_a_folder_as_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="无法读取"):
        read_text(tmp_path)


def test_aliases_within_limits_are_fine(tmp_path: Path) -> None:
    (tmp_path / "report.yaml").write_text(
        "meta: {agency: 某局, year: 2023}\n"
        "answers:\n"
        "  problems:\n"
        "    measures: &m [加强培训, 完善制度]\n"
        "    other: *m\n",
        encoding="utf-8",
    )
    report = load_report(open_workspace(tmp_path))
    assert report.answers["problems"]["other"] == ["加强培训", "完善制度"]


# --- hostile phrases: the phrasebank sandbox, through the CLI ----------------------------------

HOSTILE_PHRASES = """\
phrases:
  - id: team.giga
    slot: overview.opening
    text: "{{ meta.we }}{{ 'x' * 100 * 100 * 100 * 100 * 100 }}"
  - id: team.long
    slot: overview.opening
    text: "{% for a in problems.measures %}{% for b in problems.measures %}{{ a ~ b ~ a ~ b ~ a ~ b ~ a ~ b }}{% endfor %}{% endfor %}"
  - id: team.format
    slot: overview.opening
    text: "{{ '%999999999s' % meta.we }}"
  - id: team.loops
    slot: overview.opening
    text: "{% for a in [1] * 100 %}{% for b in [1] * 100 %}{{ meta.we }}{% endfor %}{% endfor %}"
  - id: team.dunder
    slot: overview.opening
    text: "{{ ''.__class__.__mro__ }}"
  - id: team.call
    slot: overview.opening
    text: "{{ meta.we.zfill(999999999) }}"
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "team.yaml").write_text(HOSTILE_PHRASES, encoding="utf-8")
    return folder


def test_lint_refuses_unsafe_phrases_naming_id_and_file(team: Path) -> None:
    result = runner.invoke(app, ["phrasebank", "lint", str(team)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    out = result.stdout + result.stderr
    for phrase_id, reason in [
        ("team.loops", "循环只能遍历答案中的列表"),
        ("team.dunder", "不允许访问以“_”开头的属性"),
        ("team.call", "不允许使用函数或方法调用"),
    ]:
        assert f"{team / 'team.yaml'}：{phrase_id}：{reason}" in out


@pytest.mark.parametrize(
    ("phrase_id", "reason"),
    [
        ("team.giga", "不安全的写法"),  # 10 GB: refused before it is made
        ("team.long", f"生成的文字超过{MAX_OUTPUT_CHARS}个字符，已停止"),
        ("team.format", "不允许用 % 格式化文字"),
        ("team.loops", "循环只能遍历答案中的列表"),
    ],
)
def test_build_refuses_a_phrase_that_would_produce_megabytes_or_more(
    example_ws: Path, tmp_path: Path, phrase_id: str, reason: str
) -> None:
    team = tmp_path / "one"  # a folder with just this phrase: a build names every bad one
    team.mkdir()
    (phrase,) = [p for p in yaml.safe_load(HOSTILE_PHRASES)["phrases"] if p["id"] == phrase_id]
    (team / "team.yaml").write_text(
        yaml.safe_dump({"phrases": [phrase]}, allow_unicode=True), encoding="utf-8"
    )
    report = example_ws / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "phrases: {}", f"phrases: {{overview.opening: {phrase_id}}}"
        ),
        encoding="utf-8",
    )
    before = report.read_bytes()
    result = runner.invoke(
        app, ["build", str(example_ws), "--phrasebank", str(team), "--format", "md"]
    )
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert f"表述 {phrase_id}（{team / 'team.yaml'}）" in result.stderr
    assert reason in result.stderr
    assert report.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alias bomb", "team.yaml："),  # its top-level keys are refused before any expansion
        ("GBK", "GBK"),
        ("NUL bytes", "不是文本文件"),
        ("deep flow nesting", "嵌套超过"),
    ],
)
def test_lint_refuses_a_hostile_phrase_file(tmp_path: Path, name: str, expected: str) -> None:
    content, _ = hostile_inputs()[name]
    (tmp_path / "team.yaml").write_bytes(content)
    result = runner.invoke(app, ["phrasebank", "lint", str(tmp_path)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    out = result.stdout + result.stderr
    assert str(tmp_path / "team.yaml") in out and expected in out


# --- output paths that cannot be written, through build ------------------------------------------


def test_build_into_a_file_is_refused(example_ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["build", str(example_ws), "--out", str(target), "--format", "md"])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert f"错误：无法输出到 {target}" in result.stderr


def test_build_over_a_folder_named_like_the_draft_is_refused(example_ws: Path) -> None:
    (example_ws / "draft.md").mkdir()
    result = runner.invoke(app, ["build", str(example_ws), "--format", "md"])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert f"无法写入 {example_ws / 'draft.md'}：这是一个文件夹" in result.stderr


def test_every_file_the_tool_writes_goes_through_write_atomic() -> None:
    """Only files.write_atomic (and the lock, created exclusively) open files for writing."""
    source = Path(__file__).resolve().parent.parent / "src" / "report_writer"
    writes = re.compile(
        r"\.write_text\(|\.write_bytes\(|open\([^)]*[\"'][wax]b?\+?[\"']|os\.fdopen"
    )
    found = [
        f"{path.relative_to(source)}:{number}: {line.strip()}"
        for path in sorted(source.rglob("*.py"))
        if path.name not in ("files.py", "lock.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
