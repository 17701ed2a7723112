"""Draft layer: the 3-way merge of a region by sentence.

Regenerating an edited region merges by sentence: base = the last generated text, ours = the
reviewer's, theirs = new; the blanks and paragraph breaks between sentences merge on their own.
Both sides changing one sentence leave conflict markers. Must not import anything above the draft
layer.
"""

from __future__ import annotations

from msgspec import Struct

from report_writer.draft.markers import OURS, SPLIT, THEIRS, units

# --- 3-way merge by sentence -----------------------------------------------------------------


class Conflict(Struct, frozen=True):
    ours: str
    theirs: str


class Piece(Struct, frozen=True):
    """A sentence (or a line without a sentence end) and the blanks and line breaks before it:
    the merge compares sentences, and a paragraph break is not part of any."""

    space: str
    text: str


def pieces(text: str) -> tuple[list[Piece], str]:
    """The text as sentences with the space before each, and the space after the last."""
    result: list[Piece] = []
    space = ""
    for unit in units(text):
        body = unit.strip()
        if not body:
            space += unit
            continue
        lead = len(unit) - len(unit.lstrip())
        result.append(Piece(space + unit[:lead], body))
        space = unit[lead + len(body) :]
    return result, space


def merge3(base: str, ours: str, theirs: str) -> list[str | Conflict]:
    """Merge two changed versions of `base`, sentence by sentence. A sentence changed on one
    side only takes that change; a conflict only where both sides changed the same sentences.
    Blanks and paragraph breaks between sentences merge on their own: a change of them on one
    side (a paragraph split in two) is kept and never conflicts; where both changed them, the
    reviewer's are kept."""
    (b, b_end), (o, o_end), (t, t_end) = pieces(base), pieces(ours), pieces(theirs)
    in_ours = _matches(b, o)
    in_theirs = _matches(b, t)
    merged: list[str | Conflict] = []
    i = j = k = 0
    for s in range(len(b) + 1):
        if s < len(b) and not (s in in_ours and s in in_theirs):
            continue
        end_o = in_ours[s] if s < len(b) else len(o)
        end_t = in_theirs[s] if s < len(b) else len(t)
        merged.extend(_resolve(b[i:s], o[j:end_o], t[k:end_t]))
        if s < len(b):
            merged.append(_space(b[s].space, o[end_o].space, t[end_t].space) + b[s].text)
        i, j, k = s + 1, end_o + 1, end_t + 1
    merged.append(_space(b_end, o_end, t_end))
    return _joined(merged)


def _space(base: str, ours: str, theirs: str) -> str:
    return theirs if ours == base else ours


def _matches(a: list[Piece], b: list[Piece]) -> dict[int, int]:
    from difflib import SequenceMatcher  # only a merge needs it

    matcher = SequenceMatcher(None, [p.text for p in a], [p.text for p in b], autojunk=False)
    return {x + n: y + n for x, y, size in matcher.get_matching_blocks() for n in range(size)}


def _resolve(b: list[Piece], o: list[Piece], t: list[Piece]) -> list[str | Conflict]:
    def texts(side: list[Piece]) -> list[str]:
        return [p.text for p in side]

    if texts(o) == texts(t) or texts(t) == texts(b):
        return _taken(o, b, o, t)
    if texts(o) == texts(b):
        return _taken(t, b, o, t)
    if len(b) == len(o) == len(t) > 1:  # the same sentences replaced: decide one by one
        result: list[str | Conflict] = []
        for x, y, z in zip(b, o, t, strict=True):
            result.extend(_resolve([x], [y], [z]))
        return result
    space = _space(*(side[0].space if side else "" for side in (b, o, t)))
    ours = "".join(p.space + p.text for p in o[1:])
    theirs = "".join(p.space + p.text for p in t[1:])
    conflict = Conflict(o[0].text + ours if o else "", t[0].text + theirs if t else "")
    return [space, conflict] if space else [conflict]


def _taken(
    chosen: list[Piece], b: list[Piece], o: list[Piece], t: list[Piece]
) -> list[str | Conflict]:
    """The sentences of one side; where no side added or removed any, the space before each
    merged on its own."""
    if len(b) == len(o) == len(t):
        spaces = [_space(x.space, y.space, z.space) for x, y, z in zip(b, o, t, strict=True)]
    else:
        spaces = [p.space for p in chosen]
    return [space + p.text for space, p in zip(spaces, chosen, strict=True)]


def _joined(parts: list[str | Conflict]) -> list[str | Conflict]:
    """Adjacent conflicts become one; adjacent text becomes one string; empty text goes."""
    result: list[str | Conflict] = []
    for piece in parts:
        last = result[-1] if result else None
        if piece == "":
            continue
        if isinstance(piece, Conflict) and isinstance(last, Conflict):
            result[-1] = Conflict(last.ours + piece.ours, last.theirs + piece.theirs)
        elif isinstance(piece, str) and isinstance(last, str):
            result[-1] = last + piece
        else:
            result.append(piece)
    return result


def merged_text(
    pieces: list[str | Conflict], ours: str = OURS, theirs: str = THEIRS
) -> tuple[str, list[int]]:
    """The merged text with conflict markers on lines of their own (`ours` and `theirs` the
    lines that open and close a conflict), and the 1-based line (within the text) of each
    conflict."""
    out = ""
    lines: list[int] = []
    for n, piece in enumerate(pieces):
        if isinstance(piece, str):
            out += piece
            continue
        if out and not out.endswith("\n"):
            out += "\n"
        lines.append(out.count("\n") + 1)
        out += (
            f"{ours}\n{piece.ours.strip(chr(10))}\n{SPLIT}\n{piece.theirs.strip(chr(10))}\n{theirs}"
        )
        following = pieces[n + 1] if n + 1 < len(pieces) else ""
        if not (isinstance(following, str) and following.startswith("\n")):
            out += "\n"
    return out, lines
