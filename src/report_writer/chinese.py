"""Chinese wording helpers used by the narrative and, as jinja filters, by phrase templates.

Lists joined with 、 and 和/及, ordinals (一、 （一） 一是), amounts in 万元 or 元 with at most four
decimals, percentages, zero-aware counts and sums of answered counts. Every function is pure.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

DIGITS = "零一二三四五六七八九"
MAX_DECIMALS = 4
SENTENCE_ENDS = "。！？"
CLAUSE_TRAILERS = "。；，、！？ \t\n"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (as in 一是、（十二）)."""
    if not 0 < n < 100:
        raise ValueError(f"序号应在1到99之间：{n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return head + "十" + (DIGITS[ones] if ones else "")


def ordinal(n: int) -> str:
    """Level-1 numbering: 一、"""
    return f"{numeral(n)}、"


def paren_ordinal(n: int) -> str:
    """Level-2 numbering: （一）"""
    return f"（{numeral(n)}）"


def enumerate_items(items: Iterable[str], end: str = "。") -> str:
    """一是……；二是……；三是……。 — each item stripped of its own trailing punctuation; a single
    item is not numbered (一是 alone promises a 二是)."""
    parts = [clause(x) for x in items]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0] + end
    return "；".join(f"{numeral(i)}是{p}" for i, p in enumerate(parts, 1)) + end


def join_cn(items: Iterable[Any], conjunction: str = "和") -> str:
    """A、B和C; two items A和B; one item A. `conjunction` is 和, 及 or 以及 (or "" for 、 only)."""
    parts = [str(x).strip() for x in items if x is not None and str(x).strip()]
    if len(parts) < 2 or not conjunction:
        return "、".join(parts)
    return "、".join(parts[:-1]) + conjunction + parts[-1]


def join_clauses(items: Iterable[Any]) -> str:
    """Verb phrases (开展A, 推进B) one after another: 开展A，推进B. Joining them with 和 would
    read 开展A和推进B, which is not idiomatic; each keeps its own verb and is separated by ，."""
    return "，".join(c for c in (clause(x) for x in items if x is not None) if c)


def number(value: Any) -> str:
    """A count or decimal as printed: 12, 0.5, 1.2345 (no exponent, no trailing zeros)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return str(value)
    d = Decimal(str(value))
    with localcontext() as exact:  # precision for every digit: 1e308 万元 is not an error here
        exact.prec = max(exact.prec, d.adjusted() + MAX_DECIMALS + 2)
        q = d.quantize(
            Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP
        ).normalize()  # 四舍五入
        text = format(q, "f")
    return "0" if text in ("-0", "") else text


def wan(value: Any) -> str:
    """An amount in 万元 with at most four decimals: 1.25万元."""
    return f"{number(value)}万元"


def yuan(value: Any) -> str:
    """An amount in 元: 120元, 0.5元."""
    return f"{number(value)}元"


def percent(value: Any) -> str:
    """A percentage as written in 公文: 100%, 98.5%."""
    return f"{number(value)}%"


def quantity(value: int, unit: str, zero: str | None = None) -> str:
    """12件; for 0 the zero wording when given (e.g. 无), else 0件 — callers decide to omit it."""
    if value == 0 and zero is not None:
        return zero
    return f"{value}{unit}"


def total(records: Iterable[Mapping[str, Any]], field: str = "count") -> int:
    """The sum of the answered counts in `records` (unanswered ones are skipped, never 0-guessed)."""
    return sum(
        int(r[field]) for r in records if isinstance(r.get(field), int | Decimal) and r[field]
    )


def counted(records: Iterable[Mapping[str, Any]], unit: str, name: str = "label") -> str:
    """'予以公开2件、无法提供8件' from records with `name` and `count`; zero counts left out."""
    return "、".join(
        f"{r[name]}{r['count']}{unit}" for r in records if r.get("count") and r.get(name)
    )


def clause(text: Any) -> str:
    """Free text as a clause inside a sentence: trailing 。；， and spaces removed."""
    return str(text).strip().rstrip(CLAUSE_TRAILERS)


def sentence(text: Any) -> str:
    """Free text as a whole sentence: ends with 。 (or its own ！？)."""
    body = str(text).strip()
    if not body:
        return ""
    if body[-1] in SENTENCE_ENDS:
        return body
    return clause(body) + "。"


# The helpers phrase templates may call, as jinja filters (`{{ channels|join_cn }}`).
FILTERS = {
    "join_cn": join_cn,
    "join_clauses": join_clauses,
    "numeral": numeral,
    "ordinal": ordinal,
    "paren_ordinal": paren_ordinal,
    "enumerate_items": enumerate_items,
    "number": number,
    "wan": wan,
    "yuan": yuan,
    "percent": percent,
    "quantity": quantity,
    "total": total,
    "counted": counted,
    "clause": clause,
    "sentence": sentence,
}


_HALF = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})


def full_width(text: str) -> str:
    """Scraped half-width punctuation in Chinese text made full-width; straight quotes paired."""
    out = text.translate(_HALF)
    parts = out.split('"')
    if len(parts) > 1 and len(parts) % 2 == 1:
        out = (
            "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
        )
    return out


def change(now: Any, before: Any, unit: str) -> str | None:
    """「较上年增加12件」「较上年减少3件」「与上年持平」; None unless both figures are known."""
    if now is None or before is None:
        return None
    diff = int(now) - int(before)
    if diff == 0:
        return "与上年持平"
    return f"较上年{'增加' if diff > 0 else '减少'}{abs(diff)}{unit}"
