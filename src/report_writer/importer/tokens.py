"""Lines of a published report as tokens: label text, figures, "/" marks and blank cells.

Every layout reader turns its source into `Line`s; this module turns a line into `Token`s the same
way for all of them, so the table reader never needs to know where the text came from.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

NULL_MARKS = {"/", "\\", "-", "--", "—", "——"}
# A label's own numbering ("1.属于国家秘密") is text, even when figures run into it ("00002.重复申请").
# Also at the end of a piece: a line may break between 「3.」 and 「其他」 (a figure never ends with a dot).
_LABEL_NUMBER = r"[1-9][.、](?=[\u3400-\u9fff]|$)"
# A date is text, never a cell, even glued to figures (「0000000000000002025年」).
_DATE = r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日"
_CJK = r"[\u3400-\u9fff]"
_PIECE = re.compile(
    rf"(?P<label>{_LABEL_NUMBER}|{_DATE})"
    rf"|(?P<num>\d+?(?={_LABEL_NUMBER}|{_DATE})|\d+(?:\.\d+)?)"
    # "/" between figures is an empty cell; between words ("本年增/减") it is part of a label.
    rf"|(?P<null>(?<!{_CJK})/|/(?!{_CJK}))"
    r"|(?P<text>[^\d/]+|/)"
)
_SIGNED = re.compile(r"[+-]\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234 is one figure
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


# Some PDF makers (Chromium's, some Word exports) print 「一」「工」「行」 as the look-alike Kangxi
# radicals 「⼀」「⼯」「⾏」 (U+2E80–U+2FDF): read as the characters they stand for.
_RADICALS = str.maketrans(
    {
        cp: unicodedata.normalize("NFKC", chr(cp))
        for cp in range(0x2E80, 0x2FE0)
        if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    }
)


def plain(text: str) -> str:
    """`text` with look-alike radicals replaced by the characters they stand for."""
    return text.translate(_RADICALS)


def norm(text: str) -> str:
    """Text as matched against labels: NFKC (full-width to half-width), no spaces, no quotes."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_QUOTES)


class Line(Struct, frozen=True):
    """One line of the source. `grid` lines are rows of a real table (HTML, Word, Markdown, or the
    cell-a-line text), whose empty cells are blank figures; other lines are free text."""

    cells: tuple[str, ...]
    number: int  # 1-based line (or table row) in the source, for the log
    grid: bool = False

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c.strip())


class Token(Struct, frozen=True):
    kind: str  # "text", "num" (digits, maybe several figures run together), "null" ("/"), "blank"
    text: str
    line: int

    @property
    def is_value(self) -> bool:
        return self.kind != "text"


def tokenize(line: Line) -> list[Token]:
    tokens: list[Token] = []
    for cell in line.cells:
        content = unicodedata.normalize("NFKC", cell).strip()
        if not content:
            if line.grid:
                tokens.append(Token("blank", "", line.number))
            continue
        for piece in content.split():
            tokens.extend(_piece(piece, line.number))
    return tokens


def _piece(piece: str, number: int) -> list[Token]:
    if piece in NULL_MARKS:
        return [Token("null", piece, number)]
    if _SIGNED.fullmatch(piece):
        return [Token("num", piece, number)]
    if _GROUPED.fullmatch(piece):
        return [Token("num", piece.replace(",", ""), number)]
    out: list[Token] = []
    for m in _PIECE.finditer(piece):
        kind = m.lastgroup if m.lastgroup in ("num", "null") else "text"
        text = m.group()
        if kind == "text" and out and out[-1].kind == "text":
            out[-1] = Token("text", out[-1].text + text, number)
        else:
            out.append(Token(kind, text, number))
    return out
