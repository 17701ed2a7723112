"""Interview layer, the ground of the interview: one input line (`Prompt`), the `ask`/`say`
functions every front end implements, the commands and their in-place validation, the control
exceptions (/back, /skip, /quit) and a validation made from a parser.

Must not import the session or anything that asks: the terminal and the session both build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct

COMMANDS = {
    "/back": "回到上一题",
    "/skip": "跳过本题，以后可用 --revisit 补填",
    "/help": "显示本题说明和可用命令",
    "/preview": "预览本部分写成报告的样子",
    "/status": "查看还有哪些问题未回答",
    "/quit": "保存并退出（Ctrl-C、Ctrl-D 也会保存并退出）",
}
TOOLBAR_HINT = "/back 上一题 · /preview 预览 · /quit 保存退出"
MULTICHOICE_HOW = "输入编号，用空格分开，如 1 3；都没有请输入 无"


class Prompt(Struct, frozen=True):
    """One input line: the question, the default taken by an empty answer, the choices offered
    for Tab completion, the in-place validation, text placed in the line for editing, the
    bottom toolbar and the input marker."""

    text: str
    default: str = ""
    choices: tuple[str, ...] = ()
    check: Callable[[str], str | None] | None = None
    prefill: str = ""
    toolbar: str = ""
    marker: str = "> "  # where the input starts; lines of a list are numbered (「2> 」)
    multiline: bool = False  # several lines: Enter on an empty line, or Esc Enter, finishes
    options: tuple[str, ...] = ()  # sentences picked by number, or with ↑↓ and Enter


MULTILINE_HOW = "回车换行，在空行上回车（或按 Esc 再按回车）结束"


Ask = Callable[[Prompt], str]
Say = Callable[[str], None]


def validate(prompt: Prompt, text: str) -> str | None:
    """The message shown under the input, or None when it can be accepted (commands included)."""
    word = text.strip()
    if word.startswith("/"):
        if word in COMMANDS:
            return None
        return f"没有“{word}”这个命令，可用：{' '.join(COMMANDS)}"
    return prompt.check(text) if prompt.check else None


class Back(Exception):
    """/back: the question before."""


class Skip(Exception):
    """/skip: leave this question for later."""


class Quit(Exception):
    """/quit or Ctrl-D: save and leave."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C in a multi-line answer: the lines typed so far go with it, to be kept."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def checked(
    check: Callable[[str], Any], default: str, optional: bool = False
) -> Callable[[str], str | None]:
    """A validation from a parser: the parser's ValueError message, or None."""

    def run(text: str) -> str | None:
        value = text.strip() or default
        if not value:
            return None if optional else "请输入内容，或输入 /skip 跳过"
        try:
            check(value)
        except ValueError as exc:
            return str(exc)
        return None

    return run
