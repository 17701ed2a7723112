"""Lines of a PDF page rebuilt from its words and their positions (no PDF library here).

A PDF holds words at coordinates, not rows: a label that wraps over three lines, a figure row set
between them, the single characters of a vertical 「三、本年度办理结果」 column and a page footer
all come out of the text stream in an order that breaks rows. Here a page's words are grouped into
printed lines by their height on the page; in a table without rules, each row is rebuilt from the
line holding its figures and the label lines around it, cut where the gap between lines is widest
(the space between two rows is wider than the leading inside a cell).

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import itertools
import re
import statistics

from msgspec import Struct

_FIGURE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|/|\\|-{1,2}|—{1,2}")
_PAGE_NUMBER = re.compile(r"^(?:[-—－–]+\d+[-—－–]+|第\d+页(?:共\d+页)?)$")
_BARE_PAGE_NUMBER = re.compile(r"^\d+(?:/\d+)?$")  # 「3」「3/5」: only in the page's margins
MARGIN = 0.1  # of the page's height, at its top and its foot
_CJK = re.compile(r"[\u3400-\u9fff、，。（）()]")
MAX_LABEL_LINES = 8  # label-only lines between two figure lines of one table, at most


class Word(Struct, frozen=True):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


class _PrintedLine(Struct):
    words: list[Word]
    top: float
    bottom: float
    figures: list[Word] = []  # the cells of a table row the line ends with (`_mark_figures`)

    @property
    def trailing(self) -> list[Word]:
        """The figure-like words the line ends with."""
        out: list[Word] = []
        for word in reversed(self.words):
            if not _FIGURE.fullmatch(word.text):
                break
            out.append(word)
        out.reverse()
        return out

    @property
    def label(self) -> list[Word]:
        return self.words[: len(self.words) - len(self.figures)]


def _mark_figures(lines: list[_PrintedLine]) -> None:
    """Which lines end with table cells: two figures or more standing apart, or one that stands
    well apart from the words before it or in the column of another row's figure. A figure at
    the end of a sentence (「…行政处罚信息 20」) is none."""

    def apart(line: _PrintedLine, run: list[Word]) -> bool:
        if len(run) == len(line.words):
            return True
        before = line.words[len(line.words) - len(run) - 1]
        return run[0].x0 - before.x1 >= run[0].bottom - run[0].top

    runs = [line.trailing for line in lines]
    for line, run in zip(lines, runs, strict=True):
        if len(run) >= 2 or (run and apart(line, run)):
            line.figures = run
    columns = [w for line in lines for w in line.figures]
    for line, run in zip(lines, runs, strict=True):
        if len(run) == 1 and not line.figures:
            word = run[0]
            if any(abs(word.x0 - c.x0) <= 3 or abs(word.x1 - c.x1) <= 3 for c in columns):
                line.figures = run


def _text(words: list[Word]) -> str:
    """Words of a line joined: with a space where the gap between them is a real one, without
    where Chinese text meets a figure set in another font (「2023 年」 is 「2023年」)."""
    out = ""
    for before, word in zip([None, *words], words, strict=False):
        if before is not None:
            gap = word.x0 - before.x1
            cjk = _CJK.match(before.text[-1]) or _CJK.match(word.text[0])
            out += "" if cjk and gap < 0.6 * (word.bottom - word.top) else " "
        out += word.text
    return out


def printed_lines(words: list[Word]) -> list[_PrintedLine]:
    """Words grouped into lines: a word joins a line whose vertical middle it shares."""
    lines: list[_PrintedLine] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        for line in reversed(lines[-3:]):
            if line.top <= middle <= line.bottom:
                line.words.append(word)
                line.bottom = max(line.bottom, word.bottom)
                break
        else:
            lines.append(_PrintedLine([word], word.top, word.bottom))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _vertical(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """(words of vertical text columns, the rest): single characters stacked at one x, such as
    「三、本年度办理结果」 printed one character a line down a merged cell."""
    singles = [w for w in words if len(w.text) == 1 and _CJK.match(w.text)]
    columns: list[list[Word]] = []
    for word in sorted(singles, key=lambda w: (round(w.x0), w.top)):
        if columns and abs(columns[-1][0].x0 - word.x0) <= 2:
            columns[-1].append(word)
        else:
            columns.append([word])
    stacked: list[Word] = []
    for column in columns:
        column.sort(key=lambda w: w.top)
        height = statistics.median(w.bottom - w.top for w in column)
        run = [column[0]]
        for word in column[1:]:
            if word.top - run[-1].bottom <= 0.6 * height:  # stacked: no room for a row between
                run.append(word)
            else:
                stacked += run if len(run) >= 3 else []
                run = [word]
        stacked += run if len(run) >= 3 else []
    ids = {id(w) for w in stacked}
    return stacked, [w for w in words if id(w) not in ids]


def page_lines(words: list[Word], width: float, height: float) -> list[tuple[float, str]]:
    """The lines of one page (outside its ruled tables), rows of an unruled table rebuilt:
    (where on the page the line starts, its text)."""
    vertical, words = _vertical(words)
    lines = [line for line in printed_lines(words) if not _page_number(line, height)]
    _mark_figures(lines)
    groups = _rows(lines)
    if vertical:  # the column's words, read down, as one line before the rows they stand by
        top = min(w.top for w in vertical)
        column = "".join(w.text for w in sorted(vertical, key=lambda w: (w.x0, w.top)))
        at = next((i for i, g in enumerate(groups) if g[0].top >= top), len(groups))
        groups.insert(at, [_PrintedLine([Word(column, 0, 0, top, top)], top, top)])
    out: list[tuple[float, str]] = []
    for group in _paragraphs(groups, lines, width):
        figures = [w for line in group for w in line.figures]
        if not figures:
            out.append((group[0].top, " ".join(_text(line.words) for line in group)))
            continue
        label = " ".join(_text(cell) for cell in _cells([w for ln in group for w in ln.label]))
        out.append((group[0].top, f"{label} {_text(figures)}".strip()))
    return out


def _cells(words: list[Word]) -> list[list[Word]]:
    """A row's label words by the column they stand in, each read top down: the group label
    「（四）无法提供」 printed beside 「2.没有现成信息需要另行制作」 is not woven into it."""
    columns: list[list[Word]] = []
    right = -1.0
    for word in sorted(words, key=lambda w: w.x0):
        if columns and word.x0 < right:
            columns[-1].append(word)
            right = max(right, word.x1)
        else:
            columns.append([word])
            right = word.x1
    return [sorted(column, key=lambda w: (w.top, w.x0)) for column in columns]


def _paragraphs(
    groups: list[list[_PrintedLine]], lines: list[_PrintedLine], width: float
) -> list[list[_PrintedLine]]:
    """Lines of running text joined into paragraphs: a line that fills the text width, followed
    by one that is not indented, goes on in it. The text ends as far from the right edge of the
    page as it begins from the left (公文 margins differ by 2 mm), or further right."""
    if not lines:
        return groups
    left = min(line.words[0].x0 for line in lines)
    right = max(width - left, max(line.words[-1].x1 for line in lines))
    size = statistics.median(line.bottom - line.top for line in lines)
    out: list[list[_PrintedLine]] = []
    for group in groups:
        line = group[0]
        if out and len(group) == 1 and len(out[-1]) == 1 and not line.figures:
            before = out[-1][0]
            full = before.words[-1].x1 >= right - 1.5 * size and not before.figures
            if full and line.words[0].x0 <= left + size / 2:
                merged = _PrintedLine(before.words + line.words, before.top, line.bottom)
                out[-1] = [merged]
                continue
        out.append(group)
    return out


def _page_number(line: _PrintedLine, height: float) -> bool:
    """「- 3 -」, 「第3页」 anywhere; a lone 「3」 in the top or foot margin (elsewhere it is a
    table's figure set on a line of its own)."""
    text = "".join(w.text for w in line.words)
    if sum(1 for w in line.words if w.text.isdigit()) > 1:
        return False  # several figures: a row of a table
    in_margin = line.bottom < MARGIN * height or line.top > (1 - MARGIN) * height
    return bool(_PAGE_NUMBER.fullmatch(text) or (in_margin and _BARE_PAGE_NUMBER.fullmatch(text)))


def _rows(lines: list[_PrintedLine]) -> list[list[_PrintedLine]]:
    """Lines grouped into table rows: each figure line with the label lines that belong to it,
    split between two figure lines at the widest gap; other lines stay alone."""
    rows = [i for i, line in enumerate(lines) if line.figures]
    owner = list(range(len(lines)))  # the line each line is printed with
    for a, b in itertools.pairwise(rows):
        between = range(a + 1, b)
        # only label lines: left of both rows' figures (not a heading, not a table's header)
        edge = min(lines[a].figures[0].x0, lines[b].figures[0].x0)
        if len(between) > MAX_LABEL_LINES or any(lines[i].words[-1].x1 > edge for i in between):
            continue
        gaps = [lines[i + 1].top - lines[i].bottom for i in range(a, b)]
        cut = a + gaps.index(max(gaps))  # lines a+1..cut go with a, the rest with b
        for i in between:
            owner[i] = a if i <= cut else b
    groups: dict[int, list[_PrintedLine]] = {}
    order: list[int] = []
    for i, line in enumerate(lines):
        key = owner[i]
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(line)
    return [groups[k] for k in order]
