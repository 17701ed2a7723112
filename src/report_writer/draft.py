"""draft.md: the editable draft, each part between markers carrying the hash of its generated text.

A part ("region") is the opening (title and opening paragraph, number 开头) or one section 一 to
六. The start marker holds the hash of the text as the tool last generated it; the folder of
draft.md (the workspace, or build's `--out`) keeps that text in `.report-writer/generated.json`,
with the provenance of each sentence. Answer text is escaped (`&`, `<`, `>`). A region
whose text no longer has its marker's hash was edited by hand. Regenerating an edited region
merges 3-way by sentence: base = the last generated text, ours = the reviewer's, theirs = new.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from report_writer.document import Document, Heading, Paragraph, Section, Sentence
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


@dataclass(frozen=True)
class Source:
    phrase_id: str | None
    layer: str | None
    uses: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
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
                {"text": t, "sources": [s.__dict__ | {"uses": list(s.uses)} for s in srcs]}
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


@dataclass(frozen=True)
class Region:
    number: str
    hash: str  # from the start marker: the hash of the text as last generated
    text: str  # between the marker lines, as in the file but with \n line ends
    start: int  # offsets of the region in the file, marker lines included
    end: int
    line: int  # 1-based line of the start marker

    @property
    def edited(self) -> bool:
        return text_hash(self.text) != self.hash


@dataclass(frozen=True)
class Draft:
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
        data = json.loads(path.read_text(encoding="utf-8"))
        return {n: [Generated.from_json(g) for g in gs] for n, gs in data["regions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # unreadable: edited regions then cannot be merged, only kept or replaced


def dump_state(state: State) -> str:
    regions = {n: [g.to_json() for g in gs] for n, gs in state.items()}
    return json.dumps({"version": 1, "regions": regions}, ensure_ascii=False, indent=1) + "\n"


def base_of(state: State, number: str, marker_hash: str) -> Generated | None:
    """The text last generated for a region, as named by the hash in its start marker."""
    return next((g for g in state.get(number, []) if g.hash == marker_hash), None)


def remember(state: State, number: str, generated: Generated, marker_hash: str) -> None:
    """Record a new generation of a region, keeping the one its marker in draft.md still names
    (the state is saved before draft.md: a crash between the two loses no base)."""
    kept = base_of(state, number, marker_hash)
    state[number] = [generated] + ([kept] if kept and kept.hash != generated.hash else [])


# --- 3-way merge by sentence -----------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    ours: str
    theirs: str


def merge3(base: str, ours: str, theirs: str) -> list[str | Conflict]:
    """Merge two changed versions of `base`, sentence by sentence. A sentence changed on one
    side only takes that change; a conflict only where both sides changed the same sentences."""
    b, o, t = units(base), units(ours), units(theirs)
    in_ours = _matches(b, o)
    in_theirs = _matches(b, t)
    pieces: list[str | Conflict] = []
    i = j = k = 0
    for s in range(len(b) + 1):
        if s < len(b) and not (s in in_ours and s in in_theirs):
            continue
        end_o = in_ours[s] if s < len(b) else len(o)
        end_t = in_theirs[s] if s < len(b) else len(t)
        pieces.extend(_resolve(b[i:s], o[j:end_o], t[k:end_t]))
        if s < len(b):
            pieces.append(b[s])
        i, j, k = s + 1, end_o + 1, end_t + 1
    return _joined(pieces)


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return {x + n: y + n for x, y, size in matcher.get_matching_blocks() for n in range(size)}


def _resolve(b: list[str], o: list[str], t: list[str]) -> list[str | Conflict]:
    if o == t or t == b:
        return list(o)
    if o == b:
        return list(t)
    if len(b) == len(o) == len(t) > 1:  # the same sentences replaced: decide one by one
        result: list[str | Conflict] = []
        for x, y, z in zip(b, o, t, strict=True):
            result.extend(_resolve([x], [y], [z]))
        return result
    return [Conflict("".join(o), "".join(t))]


def _joined(pieces: list[str | Conflict]) -> list[str | Conflict]:
    """Adjacent conflicts become one; adjacent text becomes one string."""
    result: list[str | Conflict] = []
    for piece in pieces:
        last = result[-1] if result else None
        if isinstance(piece, Conflict) and isinstance(last, Conflict):
            result[-1] = Conflict(last.ours + piece.ours, last.theirs + piece.theirs)
        elif isinstance(piece, str) and isinstance(last, str):
            result[-1] = last + piece
        else:
            result.append(piece)
    return result


def merged_text(pieces: list[str | Conflict]) -> tuple[str, list[int]]:
    """The merged text with conflict markers on lines of their own, and the 1-based line (within
    the text) of each conflict."""
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
            f"{OURS}\n{piece.ours.strip(chr(10))}\n{SPLIT}\n{piece.theirs.strip(chr(10))}\n{THEIRS}"
        )
        following = pieces[n + 1] if n + 1 < len(pieces) else ""
        if not (isinstance(following, str) and following.startswith("\n")):
            out += "\n"
    return out, lines


# --- reading the narrative back --------------------------------------------------------------

HEADING_LEVELS = {"##": 1, "###": 2, "####": 3}


def parse_blocks(text: str) -> tuple[str | None, list[Heading | Paragraph]]:
    """A region's Markdown as (its `#` title if any, headings and paragraphs), its text unescaped
    as draft.md escapes it. The section's own `##` heading is left out: the format names the
    sections."""
    title = None
    blocks: list[Heading | Paragraph] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(tuple(Sentence(u) for u in units(unescape("".join(lines))))))
            lines.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        mark, _, rest = line.partition(" ")
        if not line or line.startswith("<!--"):
            flush()
        elif mark == "#":
            flush()
            title = unescape(rest.strip())
        elif mark in HEADING_LEVELS:
            flush()
            if HEADING_LEVELS[mark] > 1:
                blocks.append(Heading(HEADING_LEVELS[mark], unescape(rest.strip())))
        else:
            lines.append(line)
    flush()
    return title, blocks


def apply_edits(doc: Document, draft: Draft, table_keys: set[str]) -> Document:
    """The document with each hand-edited region taken from draft.md. Tables always come from
    report.yaml: a hand edit of a table region stays in draft.md only."""
    title, opening = doc.title, doc.opening
    region = draft.regions[OPENING]
    if region.edited:
        parsed_title, blocks = parse_blocks(region.text)
        title = parsed_title or title
        opening = [b for b in blocks if isinstance(b, Paragraph)]
    sections = []
    for section in doc.sections:
        region = draft.regions[section.number]
        if region.edited and section.key not in table_keys:
            _, blocks = parse_blocks(region.text)
            section = Section(section.key, section.number, section.title, list(blocks))
        sections.append(section)
    return Document(title, opening, sections)
