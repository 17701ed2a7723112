"""The interview in a real pseudo-terminal (pexpect): a whole interview that reproduces
examples/dongli-2023's figures from scratch, with Ctrl-C in the middle, a resume, one /back,
then the draft. Every step waits for the question it answers; nothing waits by the clock."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE
from interview_script import DONGLI, MULTILINE
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


def answer(child: pexpect.spawn, piece: str, typed: str) -> None:
    """Wait for the question containing `piece`, answering any suggestion with Enter on the way,
    then type: a multi-line answer line by line, ended by Enter on an empty line."""
    target = r"[?→] [^\r\n]*" + re.escape(piece)
    # A prompt is drawn more than once; the line before the suggestions is printed once, so it
    # marks a new suggestion prompt without matching the redraw of one already answered.
    while child.expect([target, re.escape(SUGGESTIONS)]) == 1:
        child.expect(re.escape(PICK_PROMPT))
        child.send("\r")
    if piece in MULTILINE:
        child.send("".join(f"{line}\r" for line in typed.split("\n") if typed) + "\r")
    else:
        child.send(typed + "\r")


def run_steps(child: pexpect.spawn, steps: list[tuple[str, str]]) -> None:
    for piece, typed in steps:
        answer(child, piece, typed)


def test_whole_interview_in_a_terminal(tmp_path: Path) -> None:
    ws = tmp_path / "dongli"
    cut = DONGLI.index(("本年新收申请：自然人", "9")) + 1

    first = spawn(ws)
    first.expect("新建工作区")
    run_steps(first, DONGLI[:cut])
    first.expect(r"\? [^\r\n]*上年结转的申请：自然人")  # the next question: press Ctrl-C there
    first.sendcontrol("c")
    first.expect("继续填写请运行：report-writer interview")
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 130
    assert leaf_figures(ws)[("applications", "new", "natural_person")] == 9

    second = spawn(ws)
    second.expect("继续填写")  # no new workspace: it resumes
    second.expect(r"\? [^\r\n]*上年结转的申请：自然人")
    second.sendline("/back")
    second.expect(r"\? [^\r\n]*自然人多少件？ \[9\]")  # the answer given before Ctrl-C
    second.send("\r")
    measures = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "改进措施")
    run_steps(second, DONGLI[cut:measures])
    # Esc Enter ends a multi-line answer as well
    second.expect(r"\? [^\r\n]*改进措施")
    second.send("\r".join(DONGLI[measures][1].split("\n")) + "\x1b\r")
    run_steps(second, DONGLI[measures + 1 :])
    second.expect("初稿已生成")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0, second.before

    assert leaf_figures(ws) == leaf_figures(EXAMPLE)
    report = load_report(open_workspace(ws))
    assert len(report.answers["problems"]["measures"]) == 3
    draft = (ws / "draft.md").read_text(encoding="utf-8")
    assert "# 东丽区应急管理局2023年政府信息公开工作年度报告" in draft
    assert "474" in draft and "41" in draft
    assert (ws / "draft.docx").is_file()


def test_ctrl_c_after_the_agency_keeps_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    child = spawn(ws)
    run_steps(child, DONGLI[:1])
    child.expect(r"\? [^\r\n]*报告年度")
    child.sendcontrol("c")
    child.expect("已保存到")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert load_report(open_workspace(ws)).meta.agency == DONGLI[0][1]


def test_suggestions_are_picked_with_the_arrow_keys(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    child = spawn(ws)
    run_steps(child, DONGLI[:5])
    child.expect(re.escape(PICK_PROMPT))
    child.send("\x1b[B")  # ↓: the second sentence (the screen redraws only the marks that move)
    child.expect("❯")
    child.send("\r")
    child.expect(r"\? [^\r\n]*组织领导方面")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    from report_writer.interview.run import run_interview
    from test_interview import Officer

    typed = Officer([*DONGLI[:5], ("组织领导方面", "/quit")], picks=["2"])  # by its number
    run_interview(tmp_path / "typed", typed.ask, typed.say)
    picked = load_report(open_workspace(ws)).phrases["overview.opening"]
    assert picked == load_report(open_workspace(tmp_path / "typed")).phrases["overview.opening"]
    assert typed.prompts[5].options[1]  # the second of the sentences offered
