"""The Chinese wording helpers: lists, ordinals, amounts, percentages, zero-aware counts, sums."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_writer import chinese


@pytest.mark.parametrize(
    ("items", "conjunction", "expected"),
    [
        ([], "和", ""),
        (["微信公众号"], "和", "微信公众号"),
        (["微信公众号", "今日头条"], "和", "微信公众号和今日头条"),
        (["甲", "乙", "丙"], "和", "甲、乙和丙"),
        (["甲", "乙", "丙"], "及", "甲、乙及丙"),
        (["甲", "乙", "丙"], "", "甲、乙、丙"),
        (["甲", " ", None, "乙"], "和", "甲和乙"),
    ],
)
def test_join_cn(items: list[str | None], conjunction: str, expected: str) -> None:
    assert chinese.join_cn(items, conjunction) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_numeral(n: int, expected: str) -> None:
    assert chinese.numeral(n) == expected


def test_ordinals() -> None:
    assert chinese.ordinal(3) == "三、"
    assert chinese.paren_ordinal(5) == "（五）"
    assert chinese.paren_ordinal(12) == "（十二）"
    with pytest.raises(ValueError):
        chinese.numeral(0)


@settings(max_examples=50)
@given(st.integers(min_value=1, max_value=99))
def test_numeral_is_unique_and_chinese(n: int) -> None:
    text = chinese.numeral(n)
    assert all(ch in chinese.DIGITS + "十" for ch in text)
    assert text != chinese.numeral(n % 99 + 1)


def test_enumerate_items_strips_own_punctuation() -> None:
    assert chinese.enumerate_items(["公开不够深入。", "发布不够及时；", ""]) == (
        "一是公开不够深入；二是发布不够及时。"
    )
    assert chinese.enumerate_items([]) == ""
    assert chinese.enumerate_items(["更新社区公开栏；"]) == "更新社区公开栏。"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (12, "12"),
        (Decimal("1.2500"), "1.25"),
        (Decimal("0.00005"), "0.0001"),
        (Decimal("3.14159"), "3.1416"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        ("0.5", "0.5"),
    ],
)
def test_number_at_most_four_decimals(value: object, expected: str) -> None:
    assert chinese.number(value) == expected


def test_amounts_and_percentages() -> None:
    assert chinese.wan(Decimal("1.23456")) == "1.2346万元"
    assert chinese.wan(0) == "0万元"
    assert chinese.yuan(Decimal("120.00")) == "120元"
    assert chinese.percent(Decimal("100")) == "100%"
    assert chinese.percent(Decimal("98.50")) == "98.5%"


def test_quantity_is_zero_aware() -> None:
    assert chinese.quantity(3, "件") == "3件"
    assert chinese.quantity(0, "件", "无") == "无"
    assert chinese.quantity(0, "件") == "0件"


def test_total_sums_answered_counts_only() -> None:
    records = [
        {"name": "微信公众号", "count": 366},
        {"name": "今日头条", "count": 108},
        {"name": "网站"},
    ]
    assert chinese.total(records) == 474
    assert chinese.total([]) == 0


def test_counted_leaves_out_zero_counts() -> None:
    records = [{"label": "予以公开", "count": 0}, {"label": "无法提供", "count": 8}]
    assert chinese.counted(records, "件") == "无法提供8件"
    assert chinese.counted([{"name": "微信", "count": 3}], "条", name="name") == "微信3条"


def test_sentence_and_clause() -> None:
    assert chinese.sentence("已全部整改") == "已全部整改。"
    assert chinese.sentence("已全部整改；") == "已全部整改。"
    assert chinese.sentence("做到了吗？") == "做到了吗？"
    assert chinese.sentence("  ") == ""
    assert chinese.clause("已全部整改。 ") == "已全部整改"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["开展政策文件集中清理"], "开展政策文件集中清理"),
        (
            ["开展政策文件集中清理。", "推进重点领域信息公开"],
            "开展政策文件集中清理，推进重点领域信息公开",
        ),
        (["甲；", " ", None, "乙"], "甲，乙"),
    ],
)
def test_join_clauses_keeps_each_verb_without_he(items: list[str | None], expected: str) -> None:
    assert chinese.join_clauses(items) == expected
    assert "和" not in chinese.join_clauses(items)
