"""Sections 一、五、六 as headings and paragraphs, written from the answers and the phrasebank.

The structure (which aspects, in which order, which slots) is data in narrative.yaml. Each slot is
filled with one phrase: a recorded choice from report.yaml `phrases:`, else the best-ranked
candidate (see `ranked`: the phrases stating the most answers first, so every answer reaches the
draft), never a phrase already used, and, where the bank allows, never one that opens like the
sentence or paragraph before it. An aspect with something specific to say leaves out the generic
phrases (slogans). Every sentence keeps its provenance.

Floor: content. Imports context.py, the phrasebank, the output floor's Document types and the data
floor; never the draft, importer, interview, build or command-line modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer import chinese
from report_writer.answers import load_schema
from report_writer.context import names, sources, template_context
from report_writer.document import Heading, Narrative, Paragraph, Sentence
from report_writer.errors import InputError, ReportWriterError
from report_writer.model import LEVELS, Report
from report_writer.phrasebank import (
    Phrase,
    Phrasebank,
    Rendered,
    Scope,
    Vocabulary,
    analyse,
    applicable,
    rank,
    refusal,
    render,
)
from report_writer.resources import load_data
from report_writer.voice import (
    against_problems,
    doubled_time,
    is_team,
    layer_rank,
    repeats,
    said_in_five,
    selected_problems,
)

_PLAN = Path(__file__).resolve().parent / "narrative.yaml"
OPENING_CHARS = 4  # neighbouring sentences may not begin with the same this many characters
# Openings that count as the same however they go on (besides meta.we and "<year>年").
OPENING_WORDS = ("本年", "全年", "今年")
FORMS = ("sentence", "lead", "item")
PROBLEMS = "problems.selected"  # the answer naming this year's problems (the aspects of 五)
PROBLEM_ITEMS = "problems."  # the slots of this year's problems (problems.<aspect>)


class Slot(Struct, frozen=True):
    key: str
    section: str
    aspect: str  # "overview.proactive"
    label: str
    form: str  # sentence, lead or item
    list: str | None = None  # lead slots: the multichoice answer naming the item slots
    extra: str | None = None  # lead slots: the free-text list answer added (or substituted)
    extra_replaces: bool = False
    items: str | None = None  # lead slots: the prefix of the item slots


class Aspect(Struct, frozen=True):
    key: str  # "overview.proactive"
    heading: str | None = None
    levels: tuple[str, ...] = ()
    fallback: bool = False
    required: bool = False  # its heading is printed even when no phrase applies


class Plan(Struct, frozen=True):
    sections: dict[str, tuple[Aspect, ...]]
    headings_for: dict[str, tuple[str, ...]]
    slots: dict[str, Slot]

    def aspect_slots(self, aspect: str) -> list[Slot]:
        return [s for s in self.slots.values() if s.aspect == aspect]


@cache
def plan() -> Plan:
    """The narrative's structure from narrative.yaml."""
    raw = load_data(_PLAN)
    sections: dict[str, tuple[Aspect, ...]] = {}
    headings_for: dict[str, tuple[str, ...]] = {}
    for key, section in raw["sections"].items():
        sections[key] = tuple(
            Aspect(
                f"{key}.{a['key']}",
                a.get("heading"),
                tuple(a.get("levels", ())),
                bool(a.get("fallback", False)),
                bool(a.get("required", False)),
            )
            for a in section["aspects"]
        )
        headings_for[key] = tuple(section.get("headings_for", LEVELS))
    slots = {}
    for key, s in raw["slots"].items():
        assert s["form"] in FORMS, key
        slots[key] = Slot(
            key=key,
            section=s["aspect"].split(".")[0],
            aspect=s["aspect"],
            label=s["label"],
            form=s["form"],
            list=s.get("list"),
            extra=s.get("extra"),
            extra_replaces=bool(s.get("extra_replaces", False)),
            items=s.get("items"),
        )
    return Plan(sections, headings_for, slots)


def opening(text: str, meta: Mapping[str, Any]) -> str:
    """How a sentence begins, for the rule that neighbours do not begin alike: the agency's own
    name (我局…), the year, a common opening word, else its first OPENING_CHARS characters."""
    for word in (meta["we"], f"{meta['year']}年", *OPENING_WORDS):
        if text.startswith(word):
            return word
    return text[:OPENING_CHARS]


@cache
def vocabulary() -> Vocabulary:
    """The slots (with the form each asks for) and the context paths a phrase may name: what
    lint, `phrasebank add` and rendering check a phrase against."""
    slots = plan().slots
    aspects = frozenset(c.key for c in load_schema().field(PROBLEMS).choices)
    return Vocabulary(
        {k: s.form for k, s in slots.items()},
        names(),
        sections={k: s.section for k, s in slots.items()},
        aspects=aspects,
    )


def scope_for(report: Report) -> Scope:
    return Scope(template_context(report), sources(), vocabulary())


# ---------------------------------------------------------------------------------------------
# Writing the sections


class _Writer:
    def __init__(self, report: Report, bank: Phrasebank) -> None:
        self.report = report
        self.bank = bank
        self.scope = scope_for(report)
        self.used: set[str] = set()
        self.last_opening: str | None = None
        self.meta = self.scope.data["meta"]
        self.stated: set[str] = set()  # the answer keys the sentences so far state
        self.problem_ids: dict[str, str] = {}  # aspect -> the problem phrase 五 chose for it

    def opening(self, text: str) -> str:
        return opening(text, self.meta)

    def seed(self, slot: str) -> str:
        return f"{self.report.meta.agency}\x1f{self.report.meta.year}\x1f{slot}"

    def tiers(self, slot: str) -> list[list[Phrase]]:
        return tiers(self.bank, slot, self.scope, self.seed(slot), self.stated)

    def sentence(self, rendered: Rendered) -> Sentence:
        self.stated.update(".".join(u.split(".")[:2]) for u in rendered.uses)
        return _sentence(rendered)

    def pick(
        self,
        slot: str,
        avoid: str | None = None,
        specific_only: bool = False,
        mirror: str | None = None,
    ) -> Rendered | None:
        """The phrase for `slot`: the recorded choice, else from the best tier with an unused
        candidate, the first whose opening is not `avoid` (the tier's first when all are);
        with `specific_only`, generic built-in phrases are left out; a measure that `mirror`s
        the problem phrase chosen first. A candidate that names the year twice in a sentence or
        repeats what 五 already says is taken only when no tier has another."""
        recorded = recorded_choice(self.report, self.bank, slot, self.scope)
        if recorded is not None:
            self.used.add(recorded.id)
            return render(recorded, self.scope)
        flawed: Rendered | None = None
        for tier in self.tiers(slot):
            fallback = None
            for phrase in sorted(tier, key=lambda p: mirror not in p.mirrors) if mirror else tier:
                if phrase.id in self.used or (
                    specific_only and not _specific(phrase) and not is_team(phrase)
                ):
                    continue
                rendered = render(phrase, self.scope)
                if not rendered.text:
                    continue
                if self.flawed(rendered):
                    flawed = flawed or rendered
                    continue
                if avoid and self.opening(rendered.text) == avoid:
                    fallback = fallback or rendered
                    continue
                self.used.add(phrase.id)
                return rendered
            if fallback is not None:
                self.used.add(fallback.phrase.id)
                return fallback
        if flawed is not None:
            self.used.add(flawed.phrase.id)
        return flawed

    def flawed(self, rendered: Rendered) -> bool:
        """The year named twice in a sentence, or a problem 五 already states in other words."""
        if doubled_time(rendered.text, self.report.meta.year):
            return True
        slot = rendered.phrase.slot
        problem = slot.startswith(PROBLEM_ITEMS) and plan().slots[slot].form == "item"
        return problem and repeats(rendered.text, said_in_five(self.scope.data))

    def paragraph(self, sentences: list[Sentence]) -> Paragraph | None:
        if not sentences:
            return None
        paragraph = Paragraph(tuple(sentences))
        self.last_opening = self.opening(paragraph.text)
        return paragraph

    def has_specific(self, slot: str) -> bool:
        """Whether `slot` has an applicable phrase that states answered facts."""
        if self.report.phrases.get(slot) is not None:
            return True
        return any(_specific(p) for tier in self.tiers(slot) for p in tier)

    def aspect(self, aspect: Aspect) -> list[Paragraph]:
        slots = plan().aspect_slots(aspect.key)
        if slots and slots[0].form == "lead":
            paragraph = self.listing(slots[0])
            return [paragraph] if paragraph else []
        # an aspect that can state facts leaves its generic phrases out
        specific_only = any(self.has_specific(slot.key) for slot in slots)
        sentences: list[Sentence] = []
        for slot in slots:
            # neither a paragraph nor a sentence opens like the one before it
            avoid = self.opening(sentences[-1].text) if sentences else self.last_opening
            rendered = self.pick(slot.key, avoid, specific_only)
            if rendered is not None:
                sentences.append(self.sentence(rendered))
        paragraph = self.paragraph(sentences)
        return [paragraph] if paragraph else []

    def listing(self, lead: Slot) -> Paragraph | None:
        """A lead sentence and a 一是……；二是……。 list: one item phrase per chosen answer, and the
        free-text items (which replace the phrase items when the slot says so). A single item is
        written after the lead as it is, not numbered."""
        answers = self.scope.data
        assert lead.list and lead.extra and lead.items
        group, field = lead.list.split(".")
        chosen = list(answers.get(group, {}).get(field) or [])
        egroup, efield = lead.extra.split(".")
        extra = [x for x in answers.get(egroup, {}).get(efield) or [] if chinese.clause(x)]
        items: list[tuple[str, Sentence | None]] = []
        if not (lead.extra_replaces and extra):
            for key in chosen:
                rendered = self.pick(f"{lead.items}.{key}", mirror=self.problem_ids.get(key))
                if rendered is not None:
                    if lead.items == "problems":
                        self.problem_ids[key] = rendered.phrase.id
                    items.append((chinese.clause(rendered.text), self.sentence(rendered)))
        items += [(chinese.clause(x), None) for x in extra]
        if not items:
            return None
        head = self.pick(lead.key, self.last_opening)
        sentences = [self.sentence(head)] if head else []
        for i, (text, source) in enumerate(items, 1):
            end = "。" if i == len(items) else "；"
            body = f"{chinese.numeral(i)}是{text}{end}" if len(items) > 1 else f"{text}{end}"
            if source is None:
                sentences.append(Sentence(body, uses=(lead.extra,)))
            else:
                uses = tuple(dict.fromkeys((lead.list, *source.uses)))  # chosen from the list
                sentences.append(
                    Sentence(body, phrase_id=source.phrase_id, layer=source.layer, uses=uses)
                )
        return self.paragraph(sentences)


def _sentence(rendered: Rendered) -> Sentence:
    return Sentence(
        rendered.text,
        phrase_id=rendered.phrase.id,
        layer=rendered.phrase.layer,
        uses=tuple(u for u in rendered.uses if not u.startswith("meta.")),
    )


def tiers(
    bank: Phrasebank, slot: str, scope: Scope, seed: str, stated: Set[str] = frozenset()
) -> list[list[Phrase]]:
    """The applicable phrases of `slot` in tiers, best first: a team's phrases before the
    built-in ones (a later team folder before an earlier one), then by how many answers they
    state that `stated` (the sentences before) does not (so an answered fact is not left out for
    a phrase that skips it), then phrases naming a table or answer before generic ones; inside a
    tier by the stable hash of `seed`. A phrase praising an aspect 五 names as a problem is left
    out."""
    found: dict[tuple[int, int, bool], list[Phrase]] = {}
    layers = layer_rank(bank)
    selected = selected_problems(scope.data)
    for p in bank.for_slot(slot):
        if applicable(p, scope) and not against_problems(p, selected):
            weight = (layers.get(p.layer, 0), len(_answer_keys(p, scope) - stated), _specific(p))
            found.setdefault(weight, []).append(p)
    return [rank(found[weight], seed) for weight in sorted(found, reverse=True)]


def ranked(bank: Phrasebank, slot: str, scope: Scope, seed: str) -> list[Phrase]:
    """The applicable phrases of `slot`, best first (the tiers of `tiers` in order)."""
    return [p for tier in tiers(bank, slot, scope, seed) for p in tier]


def _paths(phrase: Phrase) -> tuple[str, ...]:
    return analyse(phrase.text).paths + (
        analyse(phrase.when, expression=True).paths if phrase.when else ()
    )


def _answer_keys(phrase: Phrase, scope: Scope) -> set[str]:
    """The answer keys (group.field) the phrase states, derived values counted by their sources."""
    groups = _answer_groups()
    return {
        ".".join(source.split(".")[:2])
        for path in _paths(phrase)
        for source in scope.sources.get(path, (path,))
        if source.split(".")[0] in groups
    }


@cache
def _answer_groups() -> frozenset[str]:
    return frozenset(g.key for g in load_schema().groups)


def _specific(phrase: Phrase) -> bool:
    return any(not p.startswith("meta.") for p in _paths(phrase))


def recorded_choice(report: Report, bank: Phrasebank, slot: str, scope: Scope) -> Phrase | None:
    """The phrase report.yaml `phrases:` records for `slot`; an error when it cannot be used."""
    phrase_id = report.phrases.get(slot)
    if phrase_id is None:
        return None
    phrase = bank.get(phrase_id)
    where = f"report.yaml 的 phrases.{slot} 记录的表述“{phrase_id}”"
    if phrase is None:
        raise ReportWriterError(f"{where}在表述库中不存在。请删除这一行，或加入含有它的表述库")
    if phrase.slot != slot:
        raise ReportWriterError(f"{where}属于段落“{phrase.slot}”，不能用于“{slot}”")
    if not applicable(phrase, scope):
        raise ReportWriterError(
            f"{where}不适用于本报告（尚未在草稿状态之外启用，或条件不满足、所需答案未填写）。"
            "请删除这一行，或补充相应答案"
        )
    against = against_problems(phrase, selected_problems(scope.data))
    if against:
        labels = load_schema().field(PROBLEMS)
        named = "、".join(f"“{labels.choice_label(a)}”" for a in sorted(against))
        raise ReportWriterError(
            f"{where}是对{named}的正面评价，而第五部分把它列为本年度的问题，两处自相矛盾。"
            "请删除这一行另选表述，或修改 answers.problems.selected"
        )
    return phrase


def pinned_over_team(report: Report, bank: Phrasebank) -> list[tuple[str, str, str]]:
    """(slot, recorded built-in id, team id) for each slot whose choice recorded in report.yaml
    `phrases:` keeps out a team phrase that would apply: the team phrase would be preferred."""
    scope = scope_for(report)
    found = []
    for slot, recorded in report.phrases.items():
        phrase = bank.get(recorded)
        if phrase is None or is_team(phrase):
            continue
        team = [p for p in bank.for_slot(slot) if is_team(p) and applicable(p, scope)]
        if team:
            found.append((slot, recorded, team[-1].id))
    return found


def build_narrative(report: Report, bank: Phrasebank) -> Narrative:
    """Sections "overview", "problems" and "other" as headings and paragraphs, in print order.

    A phrase that must not be rendered stops the build; all such phrases are named at once, so
    that a team can mend its folder in one go."""
    usable = [p for p in bank.phrases.values() if not p.draft]
    refused = [r for p in usable if (r := refusal(p, vocabulary()))]
    if refused:
        raise InputError(
            f"表述库中有{len(refused)}条表述不能使用，请修改后重试"
            "（report-writer phrasebank lint 文件夹 可逐条检查）：",
            details=refused,
        )
    writer = _Writer(report, bank)
    p = plan()
    result: dict[str, list[Heading | Paragraph]] = {}
    for section, aspects in p.sections.items():
        blocks: list[Heading | Paragraph] = []
        headings = report.meta.level in p.headings_for[section]
        number = 0
        wrote_after_first = False
        for index, aspect in enumerate(aspects):
            if aspect.levels and report.meta.level not in aspect.levels:
                continue
            if aspect.fallback and wrote_after_first:
                continue
            paragraphs = writer.aspect(aspect)
            if not paragraphs and not aspect.required:
                continue
            if index > 0 and paragraphs:
                wrote_after_first = True
            if aspect.heading and headings:
                number += 1
                blocks.append(Heading(2, f"{chinese.paren_ordinal(number)}{aspect.heading}"))
            blocks.extend(paragraphs)
        result[section] = blocks
    return result


def suggestions(
    report: Report, bank: Phrasebank, slot: str, limit: int = 3
) -> list[tuple[Phrase, str]]:
    """Up to `limit` rendered candidates for `slot`, best first (the recorded choice, when there
    is one, then the order the draft picks from)."""
    scope = scope_for(report)
    seed = f"{report.meta.agency}\x1f{report.meta.year}\x1f{slot}"
    phrases = ranked(bank, slot, scope, seed)
    recorded = report.phrases.get(slot)
    phrases.sort(key=lambda ph: ph.id != recorded)
    return [(ph, render(ph, scope).text) for ph in phrases[:limit]]
