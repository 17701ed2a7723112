"""draft.md: the editable draft, each part between markers carrying the hash of its generated text.

A part ("region") is the opening (title and opening paragraph, number 开头) or one section 一 to
六. The start marker holds the hash of the text as the tool last generated it; the folder of
draft.md (the workspace, or build's `--out`) keeps that text in `.report-writer/generated.json`,
with the provenance of each sentence. Answer text is escaped (`&`, `<`, `>`). A region
whose text no longer has its marker's hash was edited by hand. Regenerating an edited region
merges 3-way by sentence: base = the last generated text, ours = the reviewer's, theirs = new;
the blanks and paragraph breaks between sentences merge on their own. Reading a region back
(`parse_blocks`) gives what HTML and Word carry; `unexported` names what they leave out.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct, field
from msgspec.structs import asdict

from report_writer.document import (
    Block,
    Cell,
    Document,
    Heading,
    Paragraph,
    Section,
    Sentence,
    Table,
)
from report_writer.errors import InputError
from report_writer.render.markdown import render_opening, render_section, unescape

DRAFT_FILE = "draft.md"
STATE_FILE = Path(".report-writer") / "generated.json"
OPENING = "开头"
HEADER = (
    "<!-- 报告起草助手生成的草稿。可直接修改正文，修改会被保留；请勿删改“report-writer 开始/结束”"
    "标记行。统计表的数字请在 report.yaml 中修改。 -->\n"
)
BEGIN = "<!-- report-writer 开始 {number} {hash} 请勿改动本行 -->"
END = "<!-- report-writer 结束 {number} -->"
MARKER_RE = re.compile(
    r"^<!-- report-writer (?P<kind>开始|结束) (?P<number>\S+)(?: (?P<hash>[0-9a-f]{12}))?.*-->[ \t]*(?=\r?$)",
    re.MULTILINE,
)
CONFLICT_RE = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
OURS = "<<<<<<< 审阅人修改的文字"
SPLIT = "======="
THEIRS = ">>>>>>> 重新生成的文字"
# A sentence ends at 。！？； (with closing quotes or brackets after it) or at a line break.
UNIT_RE = re.compile(r"[^。！？；!?\n]*[。！？；!?]+[”’」』）)]*|[^。！？；!?\n]+|\n")


def text_hash(text: str) -> str:
    """The hash of a region's text, blind to line endings and trailing blanks."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    normal = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def units(text: str) -> list[str]:
    """The text cut into sentences and line breaks; joined again they give the text back."""
    return UNIT_RE.findall(text)


# --- provenance ------------------------------------------------------------------------------


class Source(Struct, frozen=True):
    phrase_id: str | None
    layer: str | None
    uses: tuple[str, ...]


class Generated(Struct, frozen=True):
    """A region as last generated: its text and where each sentence came from."""

    text: str
    sources: dict[str, tuple[Source, ...]] = field(default_factory=dict)  # sentence -> sources

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "text": self.text,
            "sentences": [
                {"text": t, "sources": [asdict(s) | {"uses": list(s.uses)} for s in srcs]}
                for t, srcs in self.sources.items()
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Generated:
        sources = {
            item["text"]: tuple(
                Source(s["phrase_id"], s["layer"], tuple(s["uses"])) for s in item["sources"]
            )
            for item in data.get("sentences", [])
        }
        return cls(data["text"], sources)


def paragraph_sources(paragraph: Paragraph) -> dict[str, tuple[Source, ...]]:
    """Each sentence (as `units` cuts the text) and the generated Sentences it overlaps."""
    spans: list[tuple[int, int, Sentence]] = []
    at = 0
    for s in paragraph.sentences:
        spans.append((at, at + len(s.text), s))
        at += len(s.text)
    result: dict[str, tuple[Source, ...]] = {}
    at = 0
    for unit in units(paragraph.text):
        start, end = at, at + len(unit)
        at = end
        if not unit.strip():
            continue
        result[unit] = tuple(
            Source(s.phrase_id, s.layer, s.uses) for a, b, s in spans if a < end and b > start
        )
    return result


def region_texts(doc: Document) -> dict[str, Generated]:
    """Every region of the document as Markdown, keyed by its number (开头, 一 … 六)."""
    opening: dict[str, tuple[Source, ...]] = {}
    for p in doc.opening:
        opening.update(paragraph_sources(p))
    regions = {OPENING: Generated(render_opening(doc), opening)}
    for section in doc.sections:
        sources: dict[str, tuple[Source, ...]] = {}
        for block in section.blocks:
            if isinstance(block, Paragraph):
                sources.update(paragraph_sources(block))
        regions[section.number] = Generated(render_section(section), sources)
    return regions


# --- the file --------------------------------------------------------------------------------


class Region(Struct, frozen=True):
    number: str
    hash: str  # from the start marker: the hash of the text as last generated
    text: str  # between the marker lines, as in the file but with \n line ends
    start: int  # offsets of the region in the file, marker lines included
    end: int
    line: int  # 1-based line of the start marker

    @property
    def edited(self) -> bool:
        return text_hash(self.text) != self.hash


class Draft(Struct, frozen=True):
    path: Path
    text: str
    regions: dict[str, Region]

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def region_block(number: str, generated_hash: str, text: str) -> str:
    begin = BEGIN.format(number=number, hash=generated_hash)
    return f"{begin}\n{text.strip(chr(10))}\n{END.format(number=number)}"


def compose(regions: dict[str, tuple[str, str]]) -> str:
    """A new draft.md: the header, then each region (number -> (hash, text)) in order."""
    blocks = [region_block(n, h, t) for n, (h, t) in regions.items()]
    return HEADER + "\n" + "\n\n".join(blocks) + "\n"


def parse_draft(path: Path, text: str, numbers: list[str]) -> Draft:
    """The regions of draft.md; a missing, doubled or unpaired marker is an error naming the line."""
    regions: dict[str, Region] = {}
    open_marker: re.Match[str] | None = None

    def line(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for m in MARKER_RE.finditer(text):
        number = m.group("number")
        if number not in numbers:
            raise InputError(f"{path} 第{line(m.start())}行：标记中的“{number}”不是报告的一部分")
        if m.group("kind") == "开始":
            if open_marker is not None:
                raise InputError(
                    f"{path} 第{line(open_marker.start())}行：“{open_marker.group('number')}”"
                    f"的开始标记没有对应的结束标记（第{line(m.start())}行又开始了“{number}”）"
                )
            if number in regions:
                raise InputError(f"{path} 第{line(m.start())}行：“{number}”出现了两次")
            if not m.group("hash"):
                raise InputError(f"{path} 第{line(m.start())}行：“{number}”的开始标记缺少校验值")
            open_marker = m
            continue
        if open_marker is None or open_marker.group("number") != number:
            raise InputError(
                f"{path} 第{line(m.start())}行：“{number}”的结束标记没有对应的开始标记"
            )
        body_start = text.find("\n", open_marker.end()) + 1
        body = text[body_start : m.start()].replace("\r\n", "\n")
        regions[number] = Region(
            number=number,
            hash=open_marker.group("hash"),
            text=body[:-1] if body.endswith("\n") else body,
            start=open_marker.start(),
            end=m.end(),
            line=line(open_marker.start()),
        )
        open_marker = None
    if open_marker is not None:
        raise InputError(
            f"{path} 第{line(open_marker.start())}行：“{open_marker.group('number')}”"
            "的开始标记没有对应的结束标记"
        )
    missing = [n for n in numbers if n not in regions]
    if missing:
        raise InputError(
            f"{path} 中找不到“{'”“'.join(missing)}”的标记。请恢复标记行，"
            f"或把 {path.name} 改名保存后重新运行 build 生成新稿"
        )
    conflict = CONFLICT_RE.search(text)
    if conflict:
        raise InputError(
            f"{path} 第{line(conflict.start())}行仍有未解决的冲突标记（<<<<<<<、=======、>>>>>>>）："
            "请保留要用的文字，删去另一段和标记行后重试"
        )
    return Draft(path, text, regions)


def replace_regions(draft: Draft, new: dict[str, tuple[str, str]]) -> str:
    """draft.md with the regions in `new` (number -> (hash, text)) replaced; all else unchanged.
    A draft saved with Windows line ends (\r\n) keeps them."""
    newline = "\r\n" if "\r\n" in draft.text else "\n"
    pieces = []
    at = 0
    for region in sorted(draft.regions.values(), key=lambda r: r.start):
        if region.number not in new:
            continue
        pieces.append(draft.text[at : region.start])
        pieces.append(region_block(region.number, *new[region.number]).replace("\n", newline))
        at = region.end
    pieces.append(draft.text[at:])
    return "".join(pieces)


# --- the draft folder's record of generated text ---------------------------------------------


State = dict[str, list[Generated]]  # per region, the texts generated for it, newest first


def load_state(ws_path: Path) -> State:
    path = ws_path / STATE_FILE
    if not path.is_file():
        return {}
    try:
        data = msgspec.json.decode(path.read_bytes())
        return {n: [Generated.from_json(g) for g in gs] for n, gs in data["regions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # unreadable: edited regions then cannot be merged, only kept or replaced


def dump_state(state: State) -> str:
    regions = {n: [g.to_json() for g in gs] for n, gs in state.items()}
    encoded = msgspec.json.encode({"version": 1, "regions": regions})
    return msgspec.json.format(encoded, indent=1).decode() + "\n"  # readable in a diff


def base_of(state: State, number: str, marker_hash: str) -> Generated | None:
    """The text last generated for a region, as named by the hash in its start marker."""
    return next((g for g in state.get(number, []) if g.hash == marker_hash), None)


def remember(state: State, number: str, generated: Generated, marker_hash: str) -> None:
    """Record a new generation of a region, keeping the one its marker in draft.md still names
    (the state is saved before draft.md: a crash between the two loses no base)."""
    kept = base_of(state, number, marker_hash)
    state[number] = [generated] + ([kept] if kept and kept.hash != generated.hash else [])


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


# --- reading the narrative back --------------------------------------------------------------

HEADING_RE = re.compile(r"^(#{1,4})(?!#)\s*(.*)$")
HEADING_LEVELS = {"#": 1, "##": 1, "###": 2, "####": 3}
# A line that starts an item of a list: "- ", "* ", "1. ", "1、", "（一）", "(1)", "一、".
# (A string: compiled by re's own cache on first use, which only a paragraph of several lines
# needs; its classes of Chinese characters take a millisecond to compile.)
LIST_ITEM = r"^(?:[-*+•·]\s|\d+(?:[.．](?!\d)|、)|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)"
TABLE_START_RE = re.compile(r'^<table(?:\s+data-table="([^"]*)")?[^>]*>')
ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.DOTALL)
CELL_RE = re.compile(r"<(th|td)((?:\s[^>]*)?)>(.*?)</t[hd]>", re.DOTALL)
SPAN_RE = re.compile(r'(rowspan|colspan)="(\d+)"')


class Parsed(Struct, frozen=True):
    """A region of draft.md read back: its own title (the `#` line of the opening, the `##`
    line of a section) and its blocks, each with the 1-based line (within the region's text)
    where it starts; a table also with the line of each of its rows."""

    title: str | None
    title_line: int
    blocks: list[Block]
    lines: list[int]
    row_lines: dict[int, list[int]]  # block index -> the line of each row of that table


def parse_blocks(text: str, opening: bool = False, tables: bool = True) -> Parsed:
    """A region's Markdown read back, its text unescaped as draft.md escapes it. The region's
    own title is its first `#` line (the opening) or `##` line (a section); any other heading
    line is a heading block. Lines of one paragraph join (wrapped Chinese without a space);
    a line that starts a list item ("- ", "1. ", "（一）") starts a paragraph of its own.
    Without `tables`, tables are passed over unread (for a caller that needs no figures)."""
    own = "#" if opening else "##"
    title: str | None = None
    title_line = 0
    blocks: list[Block] = []
    starts: list[int] = []
    row_lines: dict[int, list[int]] = {}
    lines: list[str] = []
    table: list[str] = []

    def add(block: Block, line: int) -> None:
        blocks.append(block)
        starts.append(line)

    def flush(line: int) -> None:
        if lines:
            sentences = tuple(Sentence(u) for u in units(unescape(_joined_lines(lines))))
            add(Paragraph(sentences), line - len(lines))
            lines.clear()

    def close_table(line: int) -> None:
        start = line - len(table) + 1
        parsed, rows = _parse_table(table, start) if tables else (None, [])
        if parsed and parsed.rows:
            row_lines[len(blocks)] = rows
            add(parsed, start)
        table.clear()

    all_lines = text.replace("\r\n", "\n").split("\n")
    for n, raw in enumerate(all_lines, 1):
        line = raw.strip()
        if table:
            table.append(line)
            if "</table>" in line:
                close_table(n)
            continue
        heading = HEADING_RE.match(line)
        if TABLE_START_RE.match(line):
            flush(n)
            table.append(line)
            if "</table>" in line:
                close_table(n)
        elif not line or (line.startswith("<!--") and line.endswith("-->")):
            flush(n)
        elif heading:
            flush(n)
            words = unescape(heading.group(2).strip())
            if heading.group(1) == own and title is None:
                title, title_line = words, n
            elif words:
                add(Heading(HEADING_LEVELS[heading.group(1)], words), n)
        else:
            if lines and re.match(LIST_ITEM, line):
                flush(n)
            lines.append(line)
    flush(len(all_lines) + 1)
    if table:
        close_table(len(all_lines))
    return Parsed(title, title_line, blocks, starts, row_lines)


def _joined_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one text: wrapped Chinese joins as it is, Latin words
    keep a space between them."""
    text = lines[0]
    for line in lines[1:]:
        wide = not (text[-1:].isascii() and line[:1].isascii())
        text += line if wide else " " + line
    return text


def _parse_table(lines: list[str], start: int) -> tuple[Table, list[int]]:
    """A table as draft.md writes it (`<table data-table=…>`, `<tr>`, `<th>`/`<td>` with spans),
    and the line of each row."""
    text = "\n".join(lines)
    found = TABLE_START_RE.match(text)
    key = found.group(1) if found and found.group(1) else ""
    rows: list[tuple[Cell, ...]] = []
    at: list[int] = []
    for row in ROW_RE.finditer(text):
        cells = []
        for cell in CELL_RE.finditer(row.group(1)):
            spans = {name: int(value) for name, value in SPAN_RE.findall(cell.group(2))}
            cells.append(
                Cell(
                    unescape(cell.group(3).strip()),
                    rowspan=max(spans.get("rowspan", 1), 1),
                    colspan=max(spans.get("colspan", 1), 1),
                    header=cell.group(1) == "th",
                )
            )
        if cells:
            rows.append(tuple(cells))
            at.append(start + text.count("\n", 0, row.start()))
    return Table(key, tuple(rows)), at


def unexported(draft: Draft) -> list[tuple[int, str, bool]]:
    """The lines of draft.md that HTML and Word do not carry, as (line, text, in the opening):
    text outside the regions' markers, and headings or tables in the opening (it holds only the
    title and paragraphs). Comments and blank lines are left out."""
    found: list[tuple[int, str, bool]] = []
    at = 0
    for region in sorted(draft.regions.values(), key=lambda r: r.start):
        found.extend((n, t, False) for n, t in _outside(draft, at, region.start))
        at = region.end
    found.extend((n, t, False) for n, t in _outside(draft, at, len(draft.text)))
    region = draft.regions[OPENING]
    parsed = parse_blocks(region.text, opening=True)
    body = region.text.split("\n")
    for block, line in zip(parsed.blocks, parsed.lines, strict=True):
        if not isinstance(block, Paragraph):
            found.append((region.line + line, body[line - 1].strip(), True))
    return sorted(found)


def _outside(draft: Draft, start: int, end: int) -> list[tuple[int, str]]:
    first = draft.line_of(start)
    lines = draft.text[start:end].replace("\r\n", "\n").split("\n")
    return [
        (first + n, line.strip())
        for n, line in enumerate(lines)
        if line.strip() and not (line.strip().startswith("<!--") and line.strip().endswith("-->"))
    ]


def apply_edits(doc: Document, draft: Draft, table_keys: set[str]) -> Document:
    """The document with each hand-edited region taken from draft.md: its paragraphs,
    headings and its own title (an edited section heading is carried over). Tables of the
    format always come from report.yaml: in a table section, a table of draft.md stands only
    for the place of the table it names."""
    title, opening = doc.title, doc.opening
    region = draft.regions[OPENING]
    if region.edited:
        parsed = parse_blocks(region.text, opening=True)
        title = parsed.title or title
        opening = [b for b in parsed.blocks if isinstance(b, Paragraph)]
    sections = []
    for section in doc.sections:
        region = draft.regions[section.number]
        if region.edited:
            parsed = parse_blocks(region.text)
            blocks = parsed.blocks
            if section.key in table_keys:
                blocks = _with_tables(blocks, section.blocks)
            heading = parsed.title if parsed.title not in (None, section.heading) else None
            section = Section(section.key, section.number, section.title, blocks, heading)
        sections.append(section)
    return Document(title, opening, sections)


def _with_tables(blocks: list[Block], generated: list[Block]) -> list[Block]:
    """The blocks of draft.md with each table of the format in the place of the draft's table
    of the same key; a table the draft lost comes first."""
    tables = {b.key: b for b in generated if isinstance(b, Table)}
    placed = [tables.pop(b.key, b) if isinstance(b, Table) else b for b in blocks]
    return [*tables.values(), *placed]
