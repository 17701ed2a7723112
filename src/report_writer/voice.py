"""One report, one voice: what keeps a phrase out of a draft although its answers are there.

- 一 does not praise an aspect 五 names as a problem (a phrase's `claims:` against
  problems.selected);
- 五 does not say twice what its 上年度问题整改 or the officer's own problems already say;
- a measure answers its problem (`mirrors:`), one for one and in the same order;
- a sentence names the report year once (本年度，本年承办… reads twice);
- a team's phrase is preferred over the built-in ones (teams extend the bank to be used).

Floor: content. Imports the phrases floor and below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from report_writer.phrasebank import BUILTIN, Phrase, Phrasebank
from report_writer.phrasebank.claims import time_words

# A problem repeats an earlier text when this share of the earlier text's character pairs
# (政务、务新、新媒…) is found in it: 政务新媒体运营不够规范 against 政务新媒体的内容策划和运营能力不足.
REPEAT_SHARE = 0.4
MIN_PAIRS = 3  # shorter texts (不足、差距) are not compared
_NOT_WORDS = re.compile(r"[\s，。；：、！？“”‘’（）《》,.;:!?()\"']")


def selected_problems(data: Mapping[str, Any]) -> frozenset[str]:
    """The aspects section 五 names as problems this year (problems.selected)."""
    return frozenset((data.get("problems") or {}).get("selected") or ())


def against_problems(phrase: Phrase, selected: Iterable[str]) -> frozenset[str]:
    """The aspects the phrase praises that 五 names as problems (empty: it may be chosen)."""
    return frozenset(phrase.claims) & frozenset(selected)


def layer_rank(bank: Phrasebank) -> dict[str, int]:
    """How strongly each layer's phrases are preferred: built-in 0, each team folder above the
    ones before it."""
    return {layer.name: i for i, layer in enumerate(bank.layers)}


def is_team(phrase: Phrase) -> bool:
    return phrase.layer != BUILTIN


def _pairs(text: str) -> set[str]:
    plain = _NOT_WORDS.sub("", text)
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def repeats(text: str, earlier: Iterable[str]) -> bool:
    """Whether `text` says again what one of the `earlier` texts says."""
    mine = _pairs(text)
    for other in earlier:
        theirs = _pairs(other)
        if len(theirs) >= MIN_PAIRS and len(mine & theirs) >= REPEAT_SHARE * len(theirs):
            return True
    return False


def said_in_five(data: Mapping[str, Any]) -> list[str]:
    """What 五 already says in the officer's words: last year's problems and this year's own."""
    problems = data.get("problems") or {}
    last = [str(r.get("problem", "")) for r in problems.get("last_year") or []]
    return [t for t in [*last, *map(str, problems.get("other") or [])] if t.strip()]


def doubled_time(text: str, year: int) -> bool:
    """Whether a sentence of `text` names the report year twice (本年度，本年承办…)."""
    return time_words(text, f"{year}") > 1
