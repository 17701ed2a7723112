"""The interview's questions, loaded from questions.yaml beside this file.

A question only says how to ask; what it fills (and so its type, label and choices) comes from the
one answers schema (answers.yaml) or the official format's table cells. A key that names neither
is a defect of the data file and is reported with the file and the key.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.answers import Choice, Field, load_schema
from report_writer.errors import InputError
from report_writer.formats.spec import CellKey, Format, Row, TableSpec, load_format
from report_writer.model import LEVELS
from report_writer.resources import load_data

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.yaml"
PART_NUMBERS = "一二三四五六"
SUGGESTIONS = "可选用以下表述，已按目前的答案填好数字"

# meta is not part of the answers schema (it is the report's identity), so its fields are here.
META_FIELDS = {
    "agency": Field("meta.agency", "text", "机关全称", example="某某区应急管理局"),
    "year": Field("meta.year", "integer", "报告年度"),
    "level": Field(
        "meta.level", "choice", "机关类型", choices=tuple(Choice(k, v) for k, v in LEVELS.items())
    ),
}


class Part(Struct, frozen=True):
    key: str
    number: str | None  # 一 … 六; None for the basic information asked first
    title: str

    @property
    def short(self) -> str:
        return f"第{self.number}部分" if self.number else self.title

    @property
    def heading(self) -> str:
        return f"{self.short} {self.title}" if self.number else self.title


class Question(Struct, frozen=True):
    """One question. Kinds: meta, answer, cell, row (a table row on one line), rows (a table's
    rows as 「名称 数字…」 lines), phrase, outcomes and applicants (表三), gate (which of the
    covered questions have something to say this year) and same (whether the covered answers
    are as last year's)."""

    key: str
    kind: str  # meta, answer, cell, row, rows, phrase, outcomes, applicants, gate, same
    type: str  # the schema type; "integer"/"decimal" for a cell; "row", "phrase", "outcomes"
    part: Part
    prompt: str
    topic: str | None = None
    why: str | None = None
    example: str | None = None
    examples: tuple[tuple[str, str], ...] = ()  # per meta.level, where the example differs
    unit: str | None = None  # what one record of a list is counted as (「个渠道」, 「类」)
    help: str | None = None
    when: str | None = None
    previous: str | None = None
    column: str | None = None  # the column a `cells:` entry was expanded for
    field: Field | None = None  # meta and answers
    cells: tuple[CellKey, ...] = ()  # cell, row and rows
    covers: tuple[str, ...] = ()  # gate and same: the keys of the questions they stand for
    zero: tuple[str, ...] = ()  # gate: covered answers that are 0 (not left out) when not chosen
    keep: tuple[str, ...] = ()  # rows: columns a row not typed keeps (现行有效), the rest are 0

    def example_for(self, level: str) -> str | None:
        """The example shown for an agency of this level (a 街道 has no 副局长)."""
        return dict(self.examples).get(level, self.example)

    @property
    def slot(self) -> str:
        """The phrasebank slot of a phrase question."""
        return self.key.removeprefix("phrases.")


def _fail(key: str, reason: str) -> InputError:
    return InputError(f"问题定义 {QUESTIONS_FILE} 中的“{key}”{reason}")


def _question(raw: dict[str, Any], part: Part, topic: str | None, fmt: Format) -> list[Question]:
    example = raw.get("example")
    examples: tuple[tuple[str, str], ...] = ()
    if isinstance(example, dict):
        unknown = [k for k in example if k not in LEVELS]
        if unknown:
            raise _fail(str(raw.get("key")), f"的例子按机关类型给出，“{unknown[0]}”不是机关类型")
        examples = tuple((str(k), str(v)) for k, v in example.items())
        example = None
    common: dict[str, Any] = {
        "part": part,
        "topic": topic,
        "why": raw.get("why"),
        "example": example,
        "examples": examples,
        "unit": raw.get("unit"),
        "help": raw.get("help"),
        "when": raw.get("when"),
        "previous": raw.get("previous"),
    }
    if "cells" in raw:
        return _expanded(raw, fmt, common)
    key = str(raw.get("key", ""))
    head, _, rest = key.partition(".")
    if head == "meta":
        if rest not in META_FIELDS:
            raise _fail(key, f"不是 meta 的字段（可用：{'、'.join(META_FIELDS)}）")
        field = META_FIELDS[rest]
        return [
            Question(
                key,
                "meta",
                field.type,
                prompt=raw.get("prompt", field.label),
                field=field,
                **common,
            )
        ]
    if head == "phrases":
        return [
            Question(
                key,
                "phrase",
                "phrase",
                prompt=raw.get("prompt", SUGGESTIONS),
                **common,
            )
        ]
    if key in ("flow.outcomes", "flow.applicants"):
        kind = rest
        return [Question(key, kind, kind, prompt=raw.get("prompt", "办理结果"), **common)]
    if head in ("gate", "same"):
        covers = raw.get("covers")
        if not isinstance(covers, list) or not covers:
            raise _fail(key, "应有 covers：它所代表的问题的键")
        prompt = raw.get("prompt", f"{rest}与上年相同吗？")
        zero = tuple(str(k) for k in raw.get("zero") or ())
        return [
            Question(
                key,
                head,
                head,
                prompt=prompt,
                covers=tuple(str(k) for k in covers),
                zero=zero,
                **common,
            )
        ]
    if head == "tables" and len(key.split(".")) == 2:
        return [_rows_question(raw, key, fmt, common)]
    if head == "tables":
        return [_table_question(raw, key, fmt, common)]
    try:
        field = load_schema().field(key)
    except KeyError:
        raise _fail(key, "不在答案定义 answers.yaml 中，也不是 tables.<表>.<行>[.<列>]") from None
    if not raw.get("prompt") and field.type not in ("list", "records", "multichoice"):
        prompt = f"{field.label}？"
    else:
        prompt = raw.get("prompt", field.label)
    common["example"] = common["example"] or field.example
    return [Question(key, "answer", field.type, prompt=prompt, field=field, **common)]


def _table_row(key: str, fmt: Format, lengths: tuple[int, ...], form: str) -> tuple[TableSpec, Row]:
    """The table and row a key `tables.<table>.<row>[...]` names; `form` describes it in errors."""
    parts = key.split(".")
    if len(parts) not in lengths or parts[0] != "tables" or parts[1] not in fmt.tables:
        raise _fail(key, f"不是有效的{form}")
    spec = fmt.tables[parts[1]]
    try:
        return spec, spec.row(parts[2])
    except KeyError:
        raise _fail(key, f"：{spec.name}没有这一行") from None


def _table_question(raw: dict[str, Any], key: str, fmt: Format, common: dict[str, Any]) -> Question:
    spec, row = _table_row(key, fmt, (3, 4), "表格键（tables.<表>.<行>[.<列>]）")
    parts = key.split(".")
    leaves = [c for c in row.columns if not c.derived]
    if len(parts) == 3:
        cells = tuple((spec.key, row.key, c.key) for c in leaves)
        return Question(
            key, "row", "row", prompt=raw.get("prompt", row.label), cells=cells, **common
        )
    column = next((c for c in leaves if c.key == parts[3]), None)
    if column is None:
        raise _fail(key, f"：{row.label}没有这一可填写的列")
    kind = "decimal" if column.type == "decimal" else "integer"
    prompt = raw.get("prompt", f"{row.label} · {column.label}")
    return Question(
        key, "cell", kind, prompt=prompt, cells=((spec.key, row.key, column.key),), **common
    )


def _rows_question(raw: dict[str, Any], key: str, fmt: Format, common: dict[str, Any]) -> Question:
    """`tables.<table>`: every leaf cell of the table, typed as lines 「行名 数字…」."""
    table = key.split(".")[1]
    if table not in fmt.tables:
        raise _fail(key, f"：没有“{table}”这张表")
    spec = fmt.tables[table]
    cells = tuple(
        (spec.key, r.key, c.key)
        for r in spec.rows
        if not r.derived
        for c in r.columns
        if not c.derived
    )
    keep = tuple(str(k) for k in raw.get("keep") or ())
    prompt = raw.get("prompt", spec.name)
    return Question(key, "rows", "rows", prompt=prompt, cells=cells, keep=keep, **common)


def _expanded(raw: dict[str, Any], fmt: Format, common: dict[str, Any]) -> list[Question]:
    """`cells: tables.<table>.<row>`: one question per leaf column of the row."""
    row_key = str(raw["cells"])
    spec, row = _table_row(row_key, fmt, (3,), "表格行（tables.<表>.<行>）")
    result = []
    for col in row.columns:
        if col.derived:
            continue
        previous = common["previous"]
        item = {
            **common,
            "column": col.key,
            "previous": previous.replace("{column}", col.key) if previous else None,
        }
        result.append(
            Question(
                f"{row_key}.{col.key}",
                "cell",
                "decimal" if col.type == "decimal" else "integer",
                prompt=str(raw.get("prompt", "{column}")).replace("{column}", col.label),
                cells=((spec.key, row.key, col.key),),
                **item,
            )
        )
    return result


@cache
def load_questions(format_id: str) -> tuple[Question, ...]:
    """Every question of the interview for a format, in order."""
    fmt = load_format(format_id)
    raw = load_data(QUESTIONS_FILE)
    result: list[Question] = []
    for p in raw["parts"]:
        number = p.get("number")
        if number is not None and number not in PART_NUMBERS:
            raise _fail(str(p.get("key")), f"的部分编号“{number}”应为一至六")
        part = Part(p["key"], number, p["title"])
        topic = None
        for q in p["questions"]:
            topic = q.get("topic", topic)
            result.extend(_question(q, part, topic, fmt))
    keys = [q.key for q in result]
    for q in result:
        unknown = [k for k in (*q.covers, *q.zero) if k not in keys]
        if unknown:
            raise _fail(q.key, f"的 covers 中的“{unknown[0]}”不是本文件中的问题")
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise _fail(duplicates[0], "出现了不止一次")
    return tuple(result)
