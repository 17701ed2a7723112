"""What a phrase's own words claim, and whether its metadata stands behind each claim.

A phrase declares `asserts:` (the answers or cells behind the specific things it states) and
`claims:` (the aspects of the work it speaks well of). The rules that recognise a claim in a
phrase's own words are data (claims.yaml): `phrasebank lint` refuses a phrase that states an
activity, count or absolute its asserted answers do not stand behind, asserts an answer its
`when` or text does not require (so it could be chosen without it), or praises an aspect without
saying so in `claims:` (the narrative never puts such a phrase beside that problem in 五).

Floor: phrases. Imports the ground floor and analysis only; knows slots only through the
Vocabulary its caller passes in.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from report_writer.phrasebank.analysis import Vocabulary, analyse
from report_writer.phrasebank.bank import Phrase
from report_writer.resources import load_data

RULES_FILE = Path(__file__).resolve().parent / "claims.yaml"
PLACEHOLDER = "▢"  # a template tag in a phrase's own words
YEAR = "YEAR"  # {{ meta.year }} in a phrase's own words
ANY = "any"  # a fact rule any asserted answer or cell may stand behind
SECTIONS = ("overview", "other")  # where facts are claimed; qualities: overview only
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_YEAR_TAG = re.compile(r"\{\{\s*meta\.year\s*\}\}")


@cache
def rules() -> dict[str, Any]:
    data: dict[str, Any] = load_data(RULES_FILE)
    return data


@cache
def _any_claim() -> re.Pattern[str]:
    """Every fact and quality pattern at once: most phrases match none, and are done in one pass."""
    every = [r["pattern"] for r in (*rules()["facts"], *rules()["qualities"])]
    return re.compile("|".join(f"(?:{p})" for p in every))


def own_words(text: str) -> str:
    """The phrase's text with {{ meta.year }} as YEAR and every other tag as ▢."""
    return _TAG.sub(PLACEHOLDER, _YEAR_TAG.sub(YEAR, text))


def time_words(text: str, year: str = YEAR) -> int:
    """The most words naming the report year in one sentence of `text` (本年度、本年、全年、
    2024年; `year` is how the year is written in `text`)."""
    pattern = rules()["time_words"].replace(YEAR, re.escape(year))
    return max((len(re.findall(pattern, s)) for s in re.split("[。！？]", text)), default=0)


def _names(asserted: str, paths: tuple[str, ...]) -> bool:
    return any(p == asserted or p.startswith(asserted + ".") for p in paths)


def claim_problems(phrase: Phrase, vocab: Vocabulary) -> list[str]:
    """Everything wrong with what the phrase claims, in Chinese (empty for a draft)."""
    if phrase.draft:
        return []
    return list(_claim_problems(Claimed.of(phrase), vocab))


class Claimed(NamedTuple):
    """What claim_problems reads of a phrase (phrases that share it share the answer)."""

    slot: str
    text: str
    when: str | None
    asserts: tuple[str, ...]
    claims: tuple[str, ...]

    @classmethod
    def of(cls, phrase: Phrase) -> Claimed:
        return cls(phrase.slot, phrase.text, phrase.when, phrase.asserts, phrase.claims)


@lru_cache(maxsize=65_536)  # a team folder repeats its phrases' texts across files
def _claim_problems(phrase: Claimed, vocab: Vocabulary) -> tuple[str, ...]:
    found: list[str] = []
    text_paths = analyse(phrase.text).paths
    when_paths = analyse(phrase.when, expression=True).paths if phrase.when else ()
    for asserted in phrase.asserts:
        if vocab.kind(asserted) is None:
            found.append(f"asserts 中的“{asserted}”不是答案或表格中的项目")
        elif not _names(asserted, text_paths + when_paths):
            found.append(
                f"asserts 声明依据“{asserted}”，但条件 when 和正文都没有用到它："
                "没有这项答案时也会选用这条表述"
            )
    for aspect in phrase.claims:
        if aspect not in vocab.aspects:
            found.append(
                f"claims 中的“{aspect}”不是问题类型（可用：{'、'.join(sorted(vocab.aspects))}）"
            )
    section = vocab.sections.get(phrase.slot)
    words = own_words(phrase.text)
    if section in SECTIONS and _any_claim().search(words):
        found.extend(_facts(phrase, words, when_paths))
    if section == SECTIONS[0] and _any_claim().search(words):
        for rule in rules()["qualities"]:
            if re.search(rule["pattern"], words) and rule["aspect"] not in phrase.claims:
                said = re.search(rule["pattern"], words)
                assert said is not None
                found.append(
                    f"“{said.group(0)}”是对“{rule['aspect']}”方面的评价，应在 claims 中写明"
                    f"“{rule['aspect']}”（第五部分列出这一问题时就不会选用它），并用 asserts "
                    "写明支撑它的答案"
                )
    if time_words(words) > 1:
        found.append("一句话中有两个表示报告年度的时间词（如“本年度……本年……”），请只保留一个")
    return tuple(found)


def _facts(phrase: Claimed, words: str, when_paths: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for rule in rules()["facts"]:
        said = re.search(rule["pattern"], words)
        if said is None:
            continue
        answers: list[str] = rule["answers"]
        if not answers:
            found.append(
                f"“{said.group(0)}”（{rule['what']}）没有哪一项答案能够证明，请删去这一说法"
            )
            continue
        if answers == [ANY]:
            backed = [a for a in phrase.asserts if _names(a, when_paths)]
        else:
            backed = [a for a in phrase.asserts if a in answers]
        if rule.get("in_when") and not backed:
            found.append(
                f"“{said.group(0)}”（{rule['what']}）只有条件 when 检验了使它成立的数字才能说："
                "请在 when 中检验，并在 asserts 中写明该项"
            )
        elif not backed:
            found.append(
                f"“{said.group(0)}”（{rule['what']}）是具体的说法，应在 asserts 中写明依据的答案"
                f"（{'、'.join(answers)}；phrasebank add 用 --asserts），且条件 when 或正文须用到它"
            )
    return found
