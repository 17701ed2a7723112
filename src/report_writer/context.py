"""What a phrase sees and may name: the template context made from a report (each answers group,
`meta`, `tables`, `derived` values), where each derived value comes from, and the tree of names a
phrase may use (the paths half of phrasebank.Vocabulary; the slots half is narrative.py's plan).

Imports the data floor (answers schema, model, formats) and chinese.py; never narrative.py or the
phrasebank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from report_writer import chinese
from report_writer.answers import load_schema
from report_writer.formats.spec import Format, format_for_year
from report_writer.model import LEVELS, Report

# Rows of 表三 grouped as the narrative names the results (all rows starting with the prefix).
RESULT_GROUPS = (
    ("granted", "予以公开"),
    ("partially_granted", "部分公开"),
    ("withheld_", "不予公开"),
    ("unavailable_", "无法提供"),
    ("rejected_", "不予处理"),
    ("other_", "其他处理"),
)
# Agency-name endings and how the report refers to itself (我局、我委…); the longest match wins.
SELF_NAMES = (
    ("人民政府办公室", "我办"),
    ("人民政府办公厅", "我厅"),
    ("街道办事处", "我街道"),
    ("委员会", "我委"),
    ("办公室", "我办"),
    ("局", "我局"),
    ("委", "我委"),
    ("厅", "我厅"),
    ("办", "我办"),
    ("署", "我署"),
    ("院", "我院"),
    ("中心", "我中心"),
    ("镇人民政府", "我镇"),
    ("乡人民政府", "我乡"),
    ("区人民政府", "我区"),
    ("县人民政府", "我县"),
    ("市人民政府", "我市"),
    ("省人民政府", "我省"),
)
META_KEYS = ("agency", "year", "last_year", "level", "level_label", "tier", "title", "we")


def _we(agency: str) -> str:
    for ending, name in sorted(SELF_NAMES, key=lambda x: -len(x[0])):
        if agency.endswith(ending):
            return name
    return "本机关"


def _results(tables: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    rows = tables["applications"]
    results = []
    for prefix, label in RESULT_GROUPS:
        values = [
            cols["total"]
            for key, cols in rows.items()
            if key == prefix or (prefix.endswith("_") and key.startswith(prefix))
        ]
        if any(v is None for v in values):
            return None
        results.append({"label": label, "count": sum(values)})
    return results


def _result_cells() -> tuple[str, ...]:
    rows = [r.key for r in newest_format().tables["applications"].rows]
    return tuple(
        f"tables.applications.{r}.total"
        for prefix, _ in RESULT_GROUPS
        for r in rows
        if r == prefix or (prefix.endswith("_") and r.startswith(prefix))
    )


@cache
def newest_format() -> Format:
    """The format whose table keys phrases may name (the newest one)."""
    return format_for_year(9999)


# Rows of 表二 with a `decisions` column and how the narrative names their decisions.
DECISIONS = (
    ("licensing", "行政许可决定"),
    ("penalty", "行政处罚决定"),
    ("enforcement", "行政强制决定"),
)


def _decisions(tables: Mapping[str, Any]) -> str | None:
    values = [(label, tables["proactive"][row]["decisions"]) for row, label in DECISIONS]
    if any(v is None for _, v in values):
        return None
    return chinese.counted([{"label": k, "count": v} for k, v in values], "件")


# The columns of 表四 as the narrative names them, and its two rows of 行政诉讼.
REVIEW_RESULTS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
)
LITIGATION = ("litigation_direct", "litigation_after_review")


def _review_list(tables: Mapping[str, Any]) -> str | None:
    """结果维持1件、尚未审结1件: the 行政复议 row of 表四 by result, zero results left out."""
    row = tables["reviews"]["review"]
    values = [{"label": label, "count": row[col]} for col, label in REVIEW_RESULTS]
    if any(v["count"] is None for v in values):
        return None
    return chinese.counted(values, "件") or None


def _sum_or_none(*values: Any) -> Any:
    return None if any(v is None for v in values) else sum(values)


# Values computed from answers and cells, for phrase templates as `derived.<name>`:
# name -> (kind for lint: scalar/list/records, the answer keys or cells it is made from, function).
Derive = Callable[[dict[str, Any]], Any]
Derived = tuple[Any, tuple[str, ...], Derive]


def _at(context: dict[str, Any], path: str) -> Any:
    """The value at `group.key` or `tables.table.row.column` of the context."""
    value: Any = context
    for part in path.split("."):
        value = value[part]
    return value


def _of_answer(path: str, make: Callable[[Any], Any], kind: str = "scalar") -> Derived:
    """A value made from the answer at `path` (`group.key`); None while it is not given."""
    group, key = path.split(".")
    return (kind, (path,), lambda c: make(c[group][key]) if c[group].get(key) else None)


def _sum_of(*cells: str) -> Derived:
    """The sum of table cells; None while any of them is unknown."""
    return ("scalar", cells, lambda c: _sum_or_none(*(_at(c, cell) for cell in cells)))


DERIVED: dict[str, Derived] = {
    "items_total": _of_answer("proactive.items", chinese.total),
    "item_list": _of_answer(
        "proactive.items", lambda items: chinese.counted(items, "条", name="kind") or None
    ),
    "posts_total": _of_answer("platforms.channels", chinese.total),
    "channel_list": _of_answer(
        "platforms.channels", lambda channels: chinese.counted(channels, "条", name="name") or None
    ),
    "channel_names": _of_answer(
        "platforms.channels",
        lambda channels: chinese.join_cn(r.get("name") for r in channels) or None,
    ),
    "channels_count": _of_answer("platforms.channels", len),
    "requests_total": _sum_of(
        "tables.applications.new.total", "tables.applications.carried_over.total"
    ),
    "results": ("records", (), lambda c: _results(c["tables"])),
    "result_list": (
        "scalar",
        (),
        lambda c: None if (r := _results(c["tables"])) is None else chinese.counted(r, "件"),
    ),
    "disclosed": _sum_of(
        "tables.applications.granted.total", "tables.applications.partially_granted.total"
    ),
    "procedure_labels": _of_answer(
        "requests.procedure",
        lambda keys: [load_schema().field("requests.procedure").choice_label(k) for k in keys],
        kind="list",
    ),
    "decisions_total": _sum_of(*(f"tables.proactive.{row}.decisions" for row, _ in DECISIONS)),
    "decision_list": (
        "scalar",
        tuple(f"tables.proactive.{row}.decisions" for row, _ in DECISIONS),
        lambda c: _decisions(c["tables"]),
    ),
    "fees_reported": (
        "scalar",
        ("fees.notices",),
        lambda c: c["fees"].get("notices") is not None,
    ),
    "items_count": (
        "scalar",
        ("proactive.items",),
        lambda c: len(c["proactive"]["items"]) if c["proactive"].get("items") else None,
    ),
    "review_list": (
        "scalar",
        tuple(f"tables.reviews.review.{col}" for col, _ in REVIEW_RESULTS),
        lambda c: _review_list(c["tables"]),
    ),
    "litigation_total": (
        "scalar",
        tuple(f"tables.reviews.{row}.total" for row in LITIGATION),
        lambda c: _sum_or_none(*(c["tables"]["reviews"][row]["total"] for row in LITIGATION)),
    ),
    "litigation_pending": (
        "scalar",
        tuple(f"tables.reviews.{row}.pending" for row in LITIGATION),
        lambda c: _sum_or_none(*(c["tables"]["reviews"][row]["pending"] for row in LITIGATION)),
    ),
    # year on year, only where last year's figure is known (init --from writes `previous`)
    "requests_change": (
        "scalar",
        ("tables.applications.new.total", "previous.requests"),
        lambda c: chinese.change(
            c["tables"]["applications"]["new"]["total"], c["previous"].get("requests"), "件"
        ),
    ),
    "items_change": (
        "scalar",
        ("proactive.items", "previous.items"),
        lambda c: chinese.change(
            chinese.total(c["proactive"]["items"]) if c["proactive"].get("items") else None,
            c["previous"].get("items"),
            "条",
        ),
    ),
}
RESULT_FIELDS = ("label", "count")


def template_context(report: Report) -> dict[str, Any]:
    """What phrase templates see: each answers group at top level (every group present, only
    answered fields in it), `meta`, `tables` (report.figures.as_dict()) and `derived` values."""
    context: dict[str, Any] = {}
    for group in load_schema().groups:
        answered = dict(report.answers.get(group.key) or {})
        for f in group.fields:
            name = f.key.split(".", 1)[1]
            if f.type == "records" and name in answered:
                # a record with a field left blank is left out: a phrase may name every field
                needed = [sub.key for sub in f.fields]
                answered[name] = [r for r in answered[name] if all(k in r for k in needed)]
        context[group.key] = answered
    m = report.meta
    context["meta"] = {
        "agency": m.agency,
        "year": m.year,
        "last_year": m.year - 1,
        "level": m.level,
        "level_label": LEVELS[m.level],
        "tier": m.tier,
        "title": m.title,
        "we": _we(m.agency),
    }
    context["tables"] = report.figures.as_dict()
    context["derived"] = {name: fn(context) for name, (_, _, fn) in DERIVED.items()}
    return context


def sources() -> dict[str, tuple[str, ...]]:
    """derived.<name> -> the answer keys and cells it is computed from (for provenance)."""
    cells = _result_cells()
    return {f"derived.{name}": src or cells for name, (_, src, _) in DERIVED.items()}


@cache
def names() -> dict[str, Any]:
    """The context paths a phrase may name, as a tree whose leaves are "scalar", "list" or
    ("records", field names)."""
    tree: dict[str, Any] = {}
    for group in load_schema().groups:
        node: dict[str, Any] = {}
        for f in group.fields:
            name = f.key.split(".", 1)[1]
            if f.type == "records":
                node[name] = ("records", frozenset(sub.key for sub in f.fields))
            elif f.type in ("list", "multichoice"):
                node[name] = "list"
            else:
                node[name] = "scalar"
        tree[group.key] = node
    tree["meta"] = dict.fromkeys(META_KEYS, "scalar")
    fmt = newest_format()
    tree["tables"] = {
        t.key: {r.key: {c.key: "scalar" for c in r.columns} for r in t.rows}
        for t in fmt.tables.values()
    }
    tree["derived"] = {
        name: ("records", frozenset(RESULT_FIELDS)) if kind == "records" else kind
        for name, (kind, _, _) in DERIVED.items()
    }
    return tree
