"""What the officer types, as typed values; and typed values as the text shown as a default.

Every failure is a ValueError whose message is the Chinese sentence shown in place under the input
(「请输入不小于0的整数」). Full-width digits and spaces typed with a Chinese input method are accepted.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from report_writer.answers import Field, coerce
from report_writer.formats.checks import fmt_number
from report_writer.model import parse_cell

SEPARATORS = re.compile(r"[\s,，、;；]+")
# A unit typed after a number (「3条」「12人次」「2.5万元」): accepted and dropped.
UNITS = ("人次", "万元", "条", "件", "人", "次", "篇", "个", "项", "元")
UNIT = re.compile(r"\s*(?:" + "|".join(UNITS) + r")$")
TRAILING_COUNT = re.compile(r"(.*[^\d０-９])([\d０-９]+\s*(?:" + "|".join(UNITS) + r")?)")
# Symbol blocks that Chinese documents use (°, ℃, №, ①, ○●□■△▲, ★☆, ㈠, ㎡, ￥); other symbols
# (emoji, dingbats) are refused: fonts of the report lack them and they do not belong in it.
SYMBOL_BLOCKS = (
    (0x00A0, 0x00FF),
    (0x2100, 0x218F),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2605, 0x2606),
    (0x3000, 0x33FF),
    (0xFF00, 0xFFEF),
)
YES_NO = Field("", "yes_no", "")  # a yes/no asked by the interview itself, not an answer
MESSAGES = {
    "integer": "请输入不小于0的整数",
    "decimal": "请输入不小于0的数，例如 12.5",
    "percentage": "请输入0到100之间的数，例如 100 或 98.5%",
    "yes_no": "请输入“是”或“否”",
}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _refused(ch: str) -> bool:
    """A character outside Chinese text, ASCII and common punctuation and symbols."""
    code = ord(ch)
    if code > 0xFFFF:
        return not unicodedata.name(ch, "").startswith("CJK")  # rare characters of names stay
    category = unicodedata.category(ch)
    if ch in "\t\n":  # a multi-line answer keeps its line breaks
        return False
    if category in ("Cc", "Cf", "Cs", "Co", "Cn") or 0xFE00 <= code <= 0xFE0F or code == 0x20E3:
        return True  # control and invisible characters, emoji variation selectors
    return category == "So" and not any(lo <= code <= hi for lo, hi in SYMBOL_BLOCKS)


def check_characters(text: str) -> str:
    """The text as typed; ValueError naming the first character a report cannot hold."""
    for ch in text:
        if _refused(ch):
            if unicodedata.category(ch).startswith("C") or unicodedata.category(ch) == "Mn":
                raise ValueError(f"含有不可见的字符（U+{ord(ch):04X}），请删去后重新输入")
            raise ValueError(f"不能使用“{ch}”（表情符号或特殊符号），请删去或改用文字")
    return text


def parse_item(text: str) -> str:
    """One line of a list, checked as an item of a list answer (answers.MAX_TEXT)."""
    return str(coerce(Field("", "list", ""), [check_characters(text)])[0])


def without_unit(text: str) -> str:
    """A number as typed, its unit dropped (「3条」 is 3); full-width digits made half-width."""
    plain = normalize(text)
    bare = UNIT.sub("", plain)
    return bare if bare[-1:].isdigit() else plain


def parse_number(kind: str, text: str) -> int | Decimal:
    """A cell value: `kind` is "integer" or "decimal" (up to 4 decimals); a unit after the
    number is accepted (「60件」)."""
    try:
        value = parse_cell(without_unit(text), kind == "decimal")
    except ValueError:
        raise ValueError(MESSAGES[kind]) from None
    if value is None:
        raise ValueError(MESSAGES[kind])
    return value


def parse_numbers(text: str, count: int) -> list[int]:
    """A table row typed on one line: `count` integers separated by spaces."""
    pieces = [p for p in SEPARATORS.split(normalize(text)) if p]
    if len(pieces) != count:
        raise ValueError(f"请输入{count}个不小于0的整数，用空格分开（现为{len(pieces)}个）")
    numbers = []
    for i, piece in enumerate(pieces, 1):
        try:
            numbers.append(int(parse_number("integer", piece)))
        except ValueError:
            raise ValueError(f"第{i}个数“{piece}”有误：{MESSAGES['integer']}") from None
    return numbers


def parse_choice(field: Field, text: str) -> str:
    """A choice by its number, label or key."""
    text = normalize(text)
    for i, c in enumerate(field.choices, 1):
        if text in (str(i), c.label, c.key):
            return c.key
    matches = [c for c in field.choices if text and text in c.label]
    if len(matches) == 1:
        return matches[0].key
    raise ValueError(f"请输入以下之一：{'、'.join(c.label for c in field.choices)}")


def parse_multichoice(field: Field, text: str) -> list[str]:
    """Several choices by number or label, separated by spaces or 、; 无 for none."""
    text = normalize(text)
    if text in ("无", "没有", "0"):
        return []
    keys = []
    for piece in (p for p in SEPARATORS.split(text) if p):
        try:
            keys.append(parse_choice(field, piece))
        except ValueError:
            raise ValueError(
                f"“{piece}”不是可选的编号，请输入1到{len(field.choices)}之间的编号，用空格分开"
            ) from None
    return list(dict.fromkeys(keys))


def parse_scalar(field: Field, text: str) -> Any:
    """One answer of a scalar schema type (text, integer, decimal, percentage, yes_no, choice)."""
    if field.type == "choice":
        return parse_choice(field, text)
    if field.type == "multichoice":
        return parse_multichoice(field, text)
    if field.type in ("text", "multiline"):
        # typed as is: full-width punctuation belongs to the text
        return coerce(field, check_characters(text))
    text = normalize(text)
    if field.key == "meta.year":
        if not (text.isdigit() and 2008 <= int(text) <= 2100):
            raise ValueError("请输入四位年份，例如 2024")
        return int(text)
    if field.type in ("integer", "decimal"):
        text = without_unit(text)
    try:
        return coerce(field, text)
    except ValueError:
        raise ValueError(MESSAGES.get(field.type, "请输入内容，或输入 /skip 跳过")) from None


def parse_record(field: Field, text: str) -> dict[str, Any]:
    """One record typed as 「名称 数量」: the text part, then the count after the last space."""
    name_field, count_field = field.fields
    name, space, count = text.strip().replace("\u3000", " ").rpartition(" ")
    glued = None if space else TRAILING_COUNT.fullmatch(count)  # 「微信公众号366」
    if glued:
        name, count = glued.groups()
    count = without_unit(count)
    example = f"，例如：{field.example}" if field.example else ""
    if not name.strip() or not count:
        raise ValueError(
            f"请按“{name_field.label} {count_field.label}”填写，中间用空格分开{example}"
        )
    try:
        number = coerce(count_field, count)
    except ValueError:
        raise ValueError(
            f"“{count}”不是{count_field.label}：{MESSAGES['integer']}{example}"
        ) from None
    return {name_field.key: parse_item(name), count_field.key: number}


def is_count_records(field: Field) -> bool:
    """Records typed one a line as 「名称 数量」 (channels, items); others are asked field by field."""
    return len(field.fields) == 2 and [f.type for f in field.fields] == ["text", "integer"]


def show(field: Field | None, value: Any) -> str:
    """A value as the officer would type it, for a default shown in brackets."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt_number(value)
    if field is not None and field.type == "choice":
        return field.choice_label(value)
    if field is not None and field.type == "multichoice":
        keys = [c.key for c in field.choices]
        return " ".join(str(keys.index(v) + 1) for v in value if v in keys)
    return str(value)
