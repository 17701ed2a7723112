"""The interview in a real pseudo-terminal (pexpect): a whole interview that reproduces
examples/dongli-2023's figures from scratch, with Ctrl-C in the middle, a resume, one /back,
then the draft. Every step waits for the question it answers; nothing waits by the clock."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE
from interview_script import DONGLI
from report_writer.interview.phrases import PICK_PROMPT
from report_writer.interview.questions import SUGGESTIONS
from report_writer.workspace import load_report, open_workspace
from test_interview import leaf_figures

pexpect = pytest.importorskip("pexpect")
if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pexpect needs a POSIX pseudo-terminal", allow_module_level=True)

COMMAND = str(Path(sys.executable).with_name("report-writer"))
TIMEOUT = 30  # seconds for any one step: generous for a loaded CI machine


def spawn(ws: Path) -> pexpect.spawn:
    env = {
        **os.environ,
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # no cursor-position queries a test would have to answer
        "COLUMNS": "160",
        "LINES": "50",
    }
    child = pexpect.spawn(
        COMMAND,
        ["interview", str(ws)],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 160),
    )
    child.delaybeforesend = None  # every step waits for its question instead
    return child


def answer(child: pexpect.spawn, piece: str, line: int, typed: str) -> None:
    """Wait for the question containing `piece` (or the numbered line of a list), answering any
    suggestion with Enter on the way, then type."""
    target = re.escape(f"{line}>") if not piece else r"[?→] [^\r\n]*" + re.escape(piece)
    # A prompt is drawn more than once; the list of suggestions is printed once, so it marks a
    # new suggestion prompt without matching the redraw of one already answered.
    while child.expect([target, re.escape(SUGGESTIONS)]) == 1:
        child.expect(re.escape(PICK_PROMPT))
        child.sendline("")
    child.sendline(typed)


def run_steps(child: pexpect.spawn, steps: list[tuple[str, str]]) -> None:
    line = 1
    for piece, typed in steps:
        line = line + 1 if not piece else 1
        answer(child, piece, line, typed)


def test_whole_interview_in_a_terminal(tmp_path: Path) -> None:
    ws = tmp_path / "dongli"
    cut = DONGLI.index(("本年新收申请：自然人", "9")) + 1

    first = spawn(ws)
    first.expect("新建工作区")
    run_steps(first, DONGLI[:cut])
    first.expect(r"\? [^\r\n]*商业企业")  # the next question is on screen: press Ctrl-C there
    first.sendcontrol("c")
    first.expect("继续填写请运行：report-writer interview")
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 130
    assert leaf_figures(ws)[("applications", "new", "natural_person")] == 9

    second = spawn(ws)
    second.expect("继续填写")  # no new workspace: it resumes
    second.expect(r"\? [^\r\n]*商业企业")
    second.sendline("/back")
    second.expect(r"\? [^\r\n]*自然人多少件？ \[9\]")  # the answer given before Ctrl-C
    second.sendline("")
    run_steps(second, DONGLI[cut:])
    second.expect("初稿已生成")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0, second.before

    assert leaf_figures(ws) == leaf_figures(EXAMPLE)
    draft = (ws / "draft.md").read_text(encoding="utf-8")
    assert "# 东丽区应急管理局2023年政府信息公开工作年度报告" in draft
    assert "474" in draft and "41" in draft
    assert (ws / "draft.docx").is_file()


def test_a_killed_session_loses_only_the_answer_being_typed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    child = spawn(ws)
    run_steps(child, DONGLI[:6])  # up to the person in charge
    child.expect(r"\? [^\r\n]*牵头科室")
    child.send("办公")  # typed, not yet entered
    child.kill(signal.SIGKILL)
    child.close()
    report = load_report(open_workspace(ws))
    assert report.answers["leadership"] == {"lead": "分管领导"}
    again = spawn(ws)
    again.expect(r"\? [^\r\n]*牵头科室")  # resumes exactly there
    again.sendcontrol("d")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
