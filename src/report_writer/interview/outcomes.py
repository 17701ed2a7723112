"""Interview layer: 表三's outcome typed by name: the official row it names (its label, part of
it, its key, or a common wording from outcome_words.yaml, with the line that explains where that
wording is counted), and a count typed after it (「撤回申请 2」).

Pure functions; must not import anything that asks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from msgspec import Struct

from report_writer.errors import InputError
from report_writer.formats.spec import Row
from report_writer.interview.parse import TRAILING_COUNT, normalize, parse_number
from report_writer.resources import load_data

WORDS_FILE = Path(__file__).resolve().parent / "outcome_words.yaml"


class Wording(Struct, frozen=True):
    word: str  # as typed, plain (see `plain`)
    row: str
    why: str


def plain(text: str) -> str:
    """Text compared without spaces, bracket widths alike."""
    return "".join(normalize(text).split())


@cache
def wordings() -> tuple[Wording, ...]:
    """Every common wording, longest first (the most specific wins)."""
    raw = load_data(WORDS_FILE)
    if not isinstance(raw, list):
        raise InputError(f"{WORDS_FILE} 应为列表，每项含 words、row、why")
    found = []
    for entry in raw:
        if not isinstance(entry, dict) or not {"words", "row", "why"} <= set(entry):
            raise InputError(f"{WORDS_FILE} 中的“{entry}”应含 words、row、why")
        found += [
            Wording(plain(str(w)), str(entry["row"]), str(entry["why"])) for w in entry["words"]
        ]
    return tuple(sorted(found, key=lambda w: -len(w.word)))


def resolve_outcome(text: str, rows: list[Row]) -> tuple[Row, str | None]:
    """The outcome row `text` names, and the explanation when a common wording was taken
    (None when the official label was typed). ValueError with the message to show."""
    typed = plain(text)
    by_key = {r.key: r for r in rows}
    for row in rows:
        if typed in (plain(row.display), plain(row.label), row.key):
            return row, None
    exact = [w for w in wordings() if w.word == typed and w.row in by_key]
    if exact:
        return by_key[exact[0].row], exact[0].why
    found = [row for row in rows if typed and typed in plain(row.display)]
    if len(found) == 1:
        return found[0], None
    within = [w for w in wordings() if w.word in typed and w.row in by_key]
    if within:
        return by_key[within[0].row], within[0].why
    if found:
        names = "、".join(r.display for r in found[:3]) + ("等" if len(found) > 3 else "")
        raise ValueError(f"“{text.strip()}”可指：{names}，请再具体一些")
    raise ValueError(
        f"没有找到“{text.strip()}”这类办理结果：可输入官方栏目名称的一部分（如 不掌握），"
        "或常见说法（如 撤回申请、信访件、不属于本机关），按 Tab 查看全部"
    )


def split_count(text: str) -> tuple[str, int | None]:
    """「撤回申请 2」 → ("撤回申请", 2); without a count after the name, (text, None)."""
    stripped = text.strip()
    name, space, count = stripped.replace("\u3000", " ").rpartition(" ")
    if not space:
        glued = TRAILING_COUNT.fullmatch(stripped)
        if glued is None:
            return stripped, None
        name, count = glued.groups()
    try:
        return name.strip(), int(parse_number("integer", count))
    except ValueError:
        return stripped, None
