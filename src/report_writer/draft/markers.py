"""Draft layer: draft.md's markers and the draft folder's saved state.

Each part ("region") of draft.md sits between markers; the start marker holds the hash of the text
as the tool last generated it (the opening, number 开头, or a section 一 to 六). The folder of
draft.md (the workspace, or build's `--out`) keeps that text in `.report-writer/generated.json`,
with the provenance of each sentence. Answer text is escaped (`&`, `<`, `>`). A region whose text
no longer has its marker's hash was edited by hand. Must not import render except markdown's
region text, nor anything above the draft layer.
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
    Document,
    Paragraph,
    Sentence,
)
from report_writer.errors import InputError
from report_writer.files import read_bytes
from report_writer.render.markdown import render_opening, render_section

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
    conflict = conflict_line(text)
    if conflict:
        raise InputError(
            f"{path} 第{conflict}行仍有未解决的冲突标记（<<<<<<<、=======、>>>>>>>）："
            "请保留要用的文字，删去另一段和标记行后重试"
        )
    return Draft(path, text, regions)


def conflict_line(text: str) -> int | None:
    """The 1-based line where a whole conflict block starts: `<<<<<<<` … `=======` … `>>>>>>>`,
    each on a line of its own, as merged_text (or git) writes it. A lone `=======` (a Markdown
    setext underline) or a line that merely starts with `<<<<<<< ` is the reviewer's text."""
    start = split = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line == "<<<<<<<" or line.startswith("<<<<<<< "):
            start, split = number, None
        elif start is not None and line == "=======":
            split = number
        elif split is not None and (line == ">>>>>>>" or line.startswith(">>>>>>> ")):
            return start
    return None


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
        data = msgspec.json.decode(read_bytes(path))
        return {n: [Generated.from_json(g) for g in gs] for n, gs in data["regions"].items()}
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
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
