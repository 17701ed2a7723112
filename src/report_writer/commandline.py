"""The command lines a message tells the user to run, every path in them shell-quoted.

A folder may be named after an imported file, and a file may be called `x$(touch PWNED);x`:
pasted unquoted, such a hint would run the embedded command.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

# Letters and digits of any script (Chinese included) and these marks mean nothing to a shell.
_PLAIN = re.compile(r"[\w@%+=:,./-]+")


def quote(word: str | Path) -> str:
    """`word` as one shell word: unchanged when plain, else in single quotes (shlex.quote)."""
    text = str(word)
    return text if _PLAIN.fullmatch(text) else shlex.quote(text)


def command_line(*words: str | Path) -> str:
    """「report-writer build 东丽区2023」: the tool's name and each word quoted as needed."""
    return " ".join(["report-writer", *(quote(w) for w in words)])
