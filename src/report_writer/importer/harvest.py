"""`phrasebank harvest`: the sentences of a published report's sections 一 and 五 as draft phrases.

Each sentence gets a guessed slot; figures that are the report's own table cells become
placeholders (`{{ tables.applications.new.total }}`), the year `{{ meta.year }}`, the agency
`{{ meta.agency }}` and 「我局」 `{{ meta.we }}`. Every candidate is written with `draft: true`, so
it is never selected until a person has read it and removed that mark. Candidates that would not
pass `phrasebank lint` are left out and counted.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.chinese import full_width
from report_writer.errors import InputError, WorkspaceError
from report_writer.model import Report
from report_writer.resources import load_data
from report_writer.yamlio import dump_yaml

_DATA = Path(__file__).resolve().parent / "harvest.yaml"
_ENDS = "。！？"
_SUBHEADING = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
_ITEM = re.compile(r"[一二三四五六七八九十]是")


@cache
def _rules() -> dict[str, Any]:
    data: dict[str, Any] = load_data(_DATA)
    return data


class Candidate(Struct):
    slot: str
    text: str
    section: str  # 一 or 五
    literal: list[str] = field(default_factory=list)  # figures left as printed


class Harvest(Struct, frozen=True):
    path: Path
    written: int
    left_out: list[str]  # why each sentence that is not in the file was left out


def sentences(paragraph: str) -> list[str]:
    found = re.findall(rf"[^{_ENDS}]+[{_ENDS}]?", paragraph)
    return [s.strip() for s in found if s.strip()]


class _Templater:
    """Figures, year, agency and 「我局」 of one report replaced by placeholders."""

    def __init__(self, report: Report) -> None:
        from report_writer.context import template_context

        self.report = report
        self.values = report.figures.as_dict()
        self.we = template_context(report)["meta"]["we"]
        units = "|".join(re.escape(u) for u in _rules()["units"])
        self.figure = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:{units}))")
        self.year = re.compile(r"(?<!\d)(\d{4})(?=年)")

    def apply(self, sentence: str) -> tuple[str, list[str]]:
        literal: list[str] = []
        text = sentence.replace(self.report.meta.agency, "\0agency\0")
        if self.we != "本机关":
            text = text.replace(self.we, "\0we\0")
        text = self.year.sub(self._year, text)
        pieces: list[str] = []
        last = 0
        for m in self.figure.finditer(text):
            pieces.append(text[last : m.start()])
            cell = self._cell(text[: m.start()], m.group(1))
            if cell is None:
                literal.append(m.group(1) + text[m.end() : m.end() + 1])
                pieces.append(m.group(1))
            else:
                pieces.append("{{ tables." + cell + " }}")
            last = m.end()
        pieces.append(text[last:])
        text = "".join(pieces)
        text = text.replace("\0agency\0", "{{ meta.agency }}").replace("\0we\0", "{{ meta.we }}")
        return text, literal

    def _year(self, m: re.Match[str]) -> str:
        offset = int(m.group(1)) - self.report.meta.year
        if offset == 0:
            return "{{ meta.year }}"
        if abs(offset) == 1:
            return "{{ meta.year %s 1 }}" % ("+" if offset > 0 else "-")
        return m.group(1)

    def _cell(self, before: str, printed: str) -> str | None:
        clause = re.split(r"[，。；：、,;:]", before)[-1]
        if not printed.isdigit():
            return None
        for rule in _rules()["figures"]:
            if not any(w in clause for w in rule["words"]):
                continue
            for path in rule["cells"]:
                table, row, col = path.split(".")
                if self.values[table][row][col] == int(printed):
                    return str(path)
        return None


def _overview_slot(sentence: str, subheading: str | None) -> str:
    rules = _rules()["overview"]
    for text in (sentence, subheading or ""):
        for rule in rules:
            if any(w in text for w in rule["words"]):
                return str(rule["slot"])
    return "overview.opening"


def _item_key(item: str) -> str | None:
    for rule in _rules()["items"]:
        if any(w in item for w in rule["words"]):
            return str(rule["key"])
    return None


def candidates(report: Report, narrative: dict[str, str]) -> tuple[list[Candidate], list[str]]:
    """(candidates, reasons for the sentences left out) of sections 一 and 五."""
    templater = _Templater(report)
    found: list[Candidate] = []
    left_out: list[str] = []

    def add(slot: str, text: str, section: str) -> None:
        body, literal = templater.apply(text)
        found.append(Candidate(slot, body, section, literal))

    subheading: str | None = None
    for paragraph in narrative.get("overview", "").split("\n"):
        paragraph = full_width(paragraph.strip())
        if not paragraph:
            continue
        if _SUBHEADING.match(paragraph) and paragraph[-1] not in _ENDS:
            subheading = paragraph
            continue
        for s in sentences(paragraph):
            slot = "overview.opening" if subheading is None else _overview_slot(s, subheading)
            add(slot, s if s[-1] in _ENDS else s + "。", "一")
    rules = _rules()
    for paragraph in narrative.get("problems", "").split("\n"):
        paragraph = full_width(paragraph.strip())
        if not paragraph:
            continue
        lead, colon, rest = paragraph.partition("：")
        if colon and _ITEM.search(rest):
            kind = "measures" if any(w in lead for w in rules["measures_words"]) else "problems"
            add(f"{kind}.intro", lead.split("。")[-1] + "：", "五")
            for item in _ITEM.split(rest)[1:]:
                item = item.strip().rstrip("；;。，,")
                key = _item_key(item)
                if key is None:
                    left_out.append(f"第五部分“{item}”：猜不出属于哪一类问题或措施")
                else:
                    add(f"{kind}.{key}", item, "五")
            continue
        for s in sentences(paragraph):
            if any(w in s for w in rules["last_year_words"]):
                add("problems.last_year", s, "五")
            else:
                left_out.append(f"第五部分“{s}”：不是问题或措施的列举，无对应段落")
    return found, left_out


def harvest(source: Path, to: Path) -> Harvest:
    """Write the draft phrases of `source` (a published file, or a workspace with imported.yaml)
    into a new file of the team folder `to`."""
    from report_writer.importer.previous import load_narrative
    from report_writer.narrative import vocabulary
    from report_writer.phrasebank import Phrase, lint_phrase

    report, narrative, origin = load_narrative(source)
    if not (narrative.get("overview") or narrative.get("problems")):
        raise InputError(
            f"{source} 中没有第一、五部分的原文（导入的工作区应有 imported.yaml），无可采集的句子"
        )
    found, left_out = candidates(report, narrative)
    digest = hashlib.sha1(f"{report.meta.agency}{report.meta.year}".encode()).hexdigest()[:6]
    path = Path(to) / f"harvest-{report.meta.year}-{digest}.yaml"
    if path.exists():
        raise WorkspaceError(f"{path} 已存在（已采集过这份报告），未做改动")
    vocab = vocabulary()
    phrases: list[dict[str, Any]] = []
    for n, c in enumerate(found, 1):
        pid = f"harvest.{report.meta.year}.{digest}.{n}"
        note = f"采自第{c.section}部分"
        if c.literal:
            note += f"；含本机关的具体数字（{'、'.join(c.literal)}），采用前请改写"
        phrase = Phrase(
            id=pid, slot=c.slot, text=c.text, layer="harvest", file=path, note=note, draft=True
        )
        problems = lint_phrase(phrase, vocab)
        if problems:
            left_out.append(f"“{c.text}”：{problems[0].message}")
            continue
        phrases.append({"id": pid, "slot": c.slot, "text": c.text, "draft": True, "note": note})
    header = (
        f"# 采集自：{report.meta.title}（{origin}）\n"
        "# 以下表述都是草稿（draft: true），不会被选用；逐条审阅、修改后删去 draft 一行即可使用。\n"
    )
    body = dump_yaml({"phrases": phrases})
    from report_writer.files import make_dir, write_atomic

    make_dir(path.parent)
    write_atomic(path, header + body)
    return Harvest(path, len(phrases), left_out)
