"""The phrasebank as read: Phrase, Layer, Phrasebank, and reading the layers from their folders.

Layers: the built-in folder, then each team folder in order (`--phrasebank`, then report.yaml's
`phrasebanks:`); a later layer adds phrases and may override an id. Reading collects every problem
of a file (YAML syntax, a phrase without id/slot/text, an id used twice) with its file and id.

Imports only the ground floor (errors, files, resources, yamlio, the parse cache); never the
sandbox, the narrative or anything that knows what a slot means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from report_writer import cache, resources
from report_writer.errors import InputError
from report_writer.yamlio import parse_strings

if TYPE_CHECKING:
    from report_writer.model import Report

BUILTIN = "builtin"  # the layer name of the shipped phrasebank


def layer_label(name: str | None) -> str:
    """A layer as the officer reads it: 内置 for the shipped one, else the folder as given."""
    return "内置" if name == BUILTIN else str(name)


def team_folders(
    report: Report, workspace_path: Path, extra_dirs: Sequence[Path] = ()
) -> list[Path]:
    """The folders layered over the built-in phrasebank for one report, in order."""
    return [*extra_dirs, *(workspace_path / p for p in report.phrasebanks)]


def layer_folders(team: Iterable[Path]) -> list[tuple[str, Path]]:
    """(layer name, folder) of the built-in phrasebank, then of each team folder."""
    return [(BUILTIN, resources.shipped_dir("phrasebank")), *((str(d), Path(d)) for d in team)]


PHRASE_KEYS = (
    "id",
    "slot",
    "text",
    "when",
    "asserts",
    "claims",
    "mirrors",
    "tags",
    "note",
    "draft",
)
# keys whose value is a list of words
LIST_KEYS = ("asserts", "claims", "mirrors", "tags")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")

MAX_FILE_DEPTH = 6  # nesting in a phrase file: phrases → phrase → tags → tag
# Phrase files longer than this (the built-in ones too) are cached parsed.
CACHE_MIN_CHARS = 2 * 1024


class Phrase(Struct, frozen=True):
    id: str
    slot: str
    text: str
    file: Path
    layer: str
    when: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    draft: bool = False  # written by a harvest: loaded and listed, never selected
    # what the phrase's own words state: the answers or cells behind each specific claim
    asserts: tuple[str, ...] = ()
    # the aspects (problems.selected keys) the phrase speaks well of: never beside that problem
    claims: tuple[str, ...] = ()
    # a measure: the problem phrases it answers one for one
    mirrors: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"表述 {self.id}（{self.file}）"

    @property
    def line(self) -> str:
        """One line for a listing: id, slot, layer, the start of the text."""
        draft = "（草稿）" if self.draft else ""
        preview = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return f"{self.id}  [{self.slot}]  {layer_label(self.layer)}{draft}  {preview}"


class Issue(Struct, frozen=True):
    """A lint finding: the file, the phrase id when known, the problem in Chinese."""

    file: Path
    phrase_id: str | None
    message: str

    def __str__(self) -> str:
        who = f"{self.phrase_id}：" if self.phrase_id else ""
        return f"{self.file}：{who}{self.message}"


class Layer(Struct):
    name: str  # BUILTIN, or the team folder as given
    path: Path
    phrases: list[Phrase] = field(default_factory=list)
    entries: int = 0  # entries in its files, broken and duplicate ones included (for lint)


class Phrasebank:
    """The layers as read, and the phrase in force for each id (a later layer overrides an
    earlier one in place; a new id is appended)."""

    def __init__(self, layers: list[Layer], issues: list[Issue] | None = None) -> None:
        self.layers = layers
        self.issues = issues or []  # problems found while reading the files
        self.phrases: dict[str, Phrase] = {}
        for layer in layers:
            for p in layer.phrases:
                self.phrases[p.id] = p
        self._by_slot: dict[str, list[Phrase]] = {}
        for p in self.phrases.values():
            self._by_slot.setdefault(p.slot, []).append(p)

    def get(self, phrase_id: str) -> Phrase | None:
        return self.phrases.get(phrase_id)

    def for_slot(self, slot: str) -> list[Phrase]:
        """The phrases in force for `slot`, drafts included, in layer and file order."""
        return self._by_slot.get(slot, [])

    def find(
        self, slot: str | None = None, tag: str | None = None, words: Sequence[str] = ()
    ) -> list[Phrase]:
        """Phrases in force filtered by slot, tag, and words all found in id, text, tags or note."""
        found = []
        for p in self.phrases.values():
            if slot and p.slot != slot:
                continue
            if tag and tag not in p.tags:
                continue
            hay = " ".join([p.id, p.slot, p.text, *p.tags, p.note or ""]).lower()
            if all(w.lower() in hay for w in words):
                found.append(p)
        return found


def load_phrasebank(extra_dirs: Sequence[Path] = ()) -> Phrasebank:
    """The built-in phrasebank with each team folder layered over it, in order.

    Raises InputError listing every problem (file and id) when a file cannot be used: YAML
    syntax, a phrase without id/slot/text, an id used twice in one layer.
    """
    bank = read_phrasebank(layer_folders(extra_dirs))
    if bank.issues:
        raise InputError(
            f"表述库有{len(bank.issues)}处问题，请修改后重试（可运行 report-writer phrasebank lint 查看）：",
            details=[str(i) for i in bank.issues],
        )
    return bank


def phrasebank_for(
    report: Report, workspace_path: Path, extra_dirs: Sequence[Path] = ()
) -> Phrasebank:
    """The layers for one report: built-in, the `--phrasebank` folders, then report.yaml's own
    `phrasebanks:` (paths relative to the workspace folder)."""
    return load_phrasebank(team_folders(report, workspace_path, extra_dirs))


def read_phrasebank(layers: Sequence[tuple[str, Path]]) -> Phrasebank:
    """Read the layers (name, folder), collecting problems instead of raising on them."""
    bank_layers: list[Layer] = []
    issues: list[Issue] = []
    below: dict[str, Phrase] = {}  # the phrase in force for each id in the layers read so far
    for name, folder in layers:
        layer = Layer(name, folder)
        if not folder.is_dir():
            raise InputError(f"找不到表述库文件夹“{folder}”")
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.yaml")):
            for phrase in _read_file(path, layer, issues):
                if phrase.id in seen:
                    issues.append(
                        Issue(path, phrase.id, f"编号与同一表述库中 {seen[phrase.id]} 的表述重复")
                    )
                    continue
                seen[phrase.id] = path
                overridden = below.get(phrase.id)
                if overridden is not None and overridden.slot != phrase.slot:
                    issues.append(Issue(path, phrase.id, moved(overridden, phrase.slot)))
                    continue
                layer.phrases.append(phrase)
        below.update((p.id, p) for p in layer.phrases)
        bank_layers.append(layer)
    return Phrasebank(bank_layers, issues)


def moved(overridden: Phrase, slot: str) -> str:
    return (
        f"与{overridden.where}编号相同（即替代它），但段落不同"
        f"（原为 {overridden.slot}，此处为 {slot}）：替代时段落须相同，新增表述请换一个编号"
    )


def _read_file(path: Path, layer: Layer, issues: list[Issue]) -> Iterator[Phrase]:
    try:
        data = _parsed(path)
    except InputError as exc:  # the issue names the file already: the message need not
        message = exc.message.replace(f" {path}", "").replace(f"{path} ", "该文件")
        issues.append(Issue(path, None, message))
        return
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("phrases"), list):
        issues.append(Issue(path, None, "应为键值映射，顶层键 phrases 下是表述的列表"))
        return
    for key in data:
        if key != "phrases":
            issues.append(Issue(path, None, f"未知的顶层键“{key}”（只应有 phrases）"))
    layer.entries += len(data["phrases"])
    for index, raw in enumerate(data["phrases"]):
        phrase = phrase_from(raw, path, layer.name, index, issues)
        if phrase is not None:
            yield phrase


def _parsed(path: Path) -> Any:
    """The data of a phrase file; a large one is parsed once per content (see cache.py), so that
    a team's 10,000 phrases load in a few ms."""
    from report_writer.files import read_text

    text = read_text(path)
    if len(text) < CACHE_MIN_CHARS:
        return parse_strings(text, path, MAX_FILE_DEPTH)[0]
    code = ("report_writer.phrasebank.bank", "report_writer.yamlio", "report_writer.limits", "yaml")
    return cache.parsed(
        "phrases", text, lambda t: parse_strings(t, path, MAX_FILE_DEPTH), code=code
    )


def phrase_from(raw: Any, path: Path, layer: str, index: int, issues: list[Issue]) -> Phrase | None:
    where = f"第{index + 1}条表述"
    if not isinstance(raw, dict):
        issues.append(Issue(path, None, f"{where}应为键值映射（id、slot、text 等）"))
        return None
    pid = raw.get("id")
    if not isinstance(pid, str) or not ID_PATTERN.match(pid):
        issues.append(
            Issue(path, None, f"{where}的编号 id“{pid}”无效：应为字母、数字、点、短横线或下划线")
        )
        return None
    ok = True
    for key in raw:
        if key not in PHRASE_KEYS:
            issues.append(Issue(path, pid, f"未知的键“{key}”（可用：{'、'.join(PHRASE_KEYS)}）"))
            ok = False
    for key in ("slot", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            issues.append(Issue(path, pid, f"缺少 {key} 或其值不是文字"))
            ok = False
    for key in ("when", "note"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            issues.append(Issue(path, pid, f"{key} 应为文字"))
            ok = False
    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_KEYS:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            issues.append(Issue(path, pid, f"{key} 应为文字的列表"))
            ok = False
        else:
            lists[key] = tuple(v.strip() for v in value)
    draft = raw.get("draft", False)
    if isinstance(draft, str) and draft.lower() in ("true", "false"):
        draft = draft.lower() == "true"
    if not isinstance(draft, bool):
        issues.append(Issue(path, pid, "draft 应为 true 或 false"))
        ok = False
    if not ok:
        return None
    return Phrase(
        id=pid,
        slot=raw["slot"].strip(),
        text=raw["text"].strip(),
        file=path,
        layer=layer,
        when=raw["when"].strip() if raw.get("when") else None,
        note=raw.get("note"),
        draft=draft,
        **lists,
    )
