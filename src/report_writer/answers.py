"""The answers schema (answers.yaml beside this file) and the validation of `answers:`.

Sections 一、五、六 are written from these answers; the phrasebank and the interview name the
same keys (`group.field`).

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.errors import InputError
from report_writer.resources import load_data

_SCHEMA = Path(__file__).resolve().parent / "answers.yaml"

TYPES = {
    "text",
    "multiline",
    "integer",
    "decimal",
    "percentage",
    "yes_no",
    "choice",
    "multichoice",
    "list",
    "records",
}

YES = {"是", "有", "yes", "y", "true", "对"}
# An answer becomes part of a sentence, and a phrase's sentence is at most 2,000 characters: a
# short answer, a paragraph, a list of a few dozen items (a numbered list goes up to 99) at most.
MAX_TEXT = {"text": 200, "multiline": 1_500}
MAX_ITEMS = 30
NO = {"否", "无", "没有", "no", "n", "false", "不"}


class Choice(Struct, frozen=True):
    key: str
    label: str


class Field(Struct, frozen=True):
    key: str  # "group.field" or, inside records, the record field's own key
    type: str
    label: str
    example: str | None = None
    choices: tuple[Choice, ...] = ()
    fields: tuple[Field, ...] = ()  # for records

    def choice_label(self, key: str) -> str:
        for c in self.choices:
            if c.key == key:
                return c.label
        raise KeyError(key)


class Group(Struct, frozen=True):
    key: str
    label: str
    fields: tuple[Field, ...]


class Schema(Struct, frozen=True):
    groups: tuple[Group, ...]

    def field(self, path: str) -> Field:
        group = path.partition(".")[0]
        for g in self.groups:
            if g.key == group:
                for f in g.fields:
                    if f.key == path:
                        return f
        raise KeyError(path)

    @property
    def fields(self) -> list[Field]:
        return [f for g in self.groups for f in g.fields]


def _field(key: str, raw: dict[str, Any]) -> Field:
    if raw.get("type") not in TYPES:
        raise InputError(f"答案定义 {_SCHEMA} 中 {key} 的类型“{raw.get('type')}”无效")
    return Field(
        key=key,
        type=raw["type"],
        label=raw["label"],
        example=raw.get("example"),
        choices=tuple(Choice(**c) for c in raw.get("choices", ())),
        fields=tuple(_field(k, v) for k, v in raw.get("fields", {}).items()),
    )


@cache
def load_schema() -> Schema:
    raw = load_data(_SCHEMA)
    return Schema(
        tuple(
            Group(gk, g["label"], tuple(_field(f"{gk}.{fk}", f) for fk, f in g["fields"].items()))
            for gk, g in raw["groups"].items()
        )
    )


class Problems(list[tuple[str, str]]):
    """(key path, message) pairs found while reading a mapping."""

    def add(self, path: str, message: str) -> None:
        self.append((path, message))


def suggest(key: str, valid: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.5)
    return f"，是否应为“{match[0]}”？" if match else f"。可用的键：{'、'.join(valid)}"


# A string, compiled by re's own cache when a percentage is first read (its full-width ％ makes
# compiling it cost as much as reading a whole report).
_PERCENT = r"^\s*(\d+(?:\.\d+)?)\s*[%％]?\s*$"


def coerce(field: Field, value: Any) -> Any:
    """The value converted to the field's type; ValueError with a Chinese reason if it cannot be."""
    t = field.type
    if t in ("text", "multiline"):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError("应为文字")
        text = str(value).strip()
        if not text:
            raise ValueError("不能为空")
        if len(text) > MAX_TEXT[t]:
            raise ValueError(f"不超过{MAX_TEXT[t]}字（现为{len(text)}字），请精简")
        return text
    if t == "integer":
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("应为不小于0的整数")
        return value
    if t in ("decimal", "percentage"):
        if isinstance(value, bool):
            raise ValueError("应为数字")
        text = str(value)
        m = re.match(_PERCENT, text) if t == "percentage" else None
        try:
            number = Decimal(m.group(1) if m else text.strip())
        except InvalidOperation:
            raise ValueError("应为数字" if t == "decimal" else "应为0到100之间的百分数") from None
        if not number.is_finite() or number < 0 or (t == "percentage" and number > 100):
            raise ValueError("应为不小于0的数" if t == "decimal" else "应为0到100之间的百分数")
        return number
    if t == "yes_no":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError("应为“是”或“否”")
    if t == "choice":
        keys = [c.key for c in field.choices]
        if value not in keys:
            raise ValueError(f"应为以下之一：{'、'.join(keys)}")
        return value
    if t == "multichoice":
        if not isinstance(value, list):
            raise ValueError("应为列表")
        keys = [c.key for c in field.choices]
        bad = [v for v in value if v not in keys]
        if bad:
            raise ValueError(f"“{bad[0]}”不在可选项中{suggest(str(bad[0]), keys)}")
        return list(dict.fromkeys(value))
    if t == "list":
        if not isinstance(value, list):
            raise ValueError("应为列表（每行一项）")
        _check_count(value)
        try:
            return [coerce(Field(field.key, "text", field.label), v) for v in value]
        except ValueError as exc:
            raise ValueError(f"每项{exc}") from None
    raise ValueError(f"不支持的类型 {t}")  # records are handled by validate_answers


def _shown(value: Any) -> str:
    """The value as a message quotes it: its start only, when long."""
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "……"


def _check_count(items: list[Any]) -> None:
    if len(items) > MAX_ITEMS:
        raise ValueError(f"最多{MAX_ITEMS}项，现有{len(items)}项，请合并或精简")


def validate_answers(raw: Any, problems: Problems, prefix: str = "answers") -> dict[str, Any]:
    """Answers as nested dicts of typed values; every problem recorded with its key path."""
    schema = load_schema()
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add(prefix, "应为键值映射（group: {field: 值}）")
        return {}
    groups = {g.key: g for g in schema.groups}
    result: dict[str, Any] = {}
    for gkey, gvalue in raw.items():
        if gkey not in groups:
            problems.add(f"{prefix}.{gkey}", f"未知的答案组{suggest(gkey, list(groups))}")
            continue
        if gvalue is None:
            continue
        if not isinstance(gvalue, dict):
            problems.add(f"{prefix}.{gkey}", "应为键值映射")
            continue
        fields = {f.key.split(".", 1)[1]: f for f in groups[gkey].fields}
        out: dict[str, Any] = {}
        for fkey, fvalue in gvalue.items():
            path = f"{prefix}.{gkey}.{fkey}"
            if fkey not in fields:
                problems.add(path, f"未知的答案{suggest(fkey, list(fields))}")
                continue
            if fvalue is None:
                continue
            value = _value(fields[fkey], fvalue, path, problems)
            if value is not None:
                out[fkey] = value
        result[gkey] = out
    return result


def _value(field: Field, value: Any, path: str, problems: Problems) -> Any:
    if field.type != "records":
        try:
            return coerce(field, value)
        except ValueError as exc:
            shown = "" if isinstance(value, list) else f"，现为“{_shown(value)}”"
            problems.add(path, f"（{field.label}）{exc}{shown}")
            return None
    if not isinstance(value, list):
        problems.add(
            path, f"（{field.label}）应为列表，每项包含 {'、'.join(f.key for f in field.fields)}"
        )
        return None
    try:
        _check_count(value)
    except ValueError as exc:
        problems.add(path, f"（{field.label}）{exc}")
        return None
    records = []
    subfields = {f.key: f for f in field.fields}
    for i, item in enumerate(value):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            problems.add(ipath, f"（{field.label}）应为键值映射")
            continue
        record: dict[str, Any] = {}
        for k, v in item.items():
            if k not in subfields:
                problems.add(f"{ipath}.{k}", f"未知的键{suggest(k, list(subfields))}")
                continue
            if v is None:
                continue
            try:
                record[k] = coerce(subfields[k], v)
            except ValueError as exc:
                problems.add(f"{ipath}.{k}", f"（{subfields[k].label}）{exc}，现为“{_shown(v)}”")
        records.append(record)
    return records
