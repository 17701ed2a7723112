"""An edited suggestion turned back into a template before it goes into a team phrasebank.

The officer edits a sentence rendered from a phrase. So that the saved phrase serves next year
and other agencies, and never states stale figures, what the answers put into the sentence
becomes a placeholder again:
- the year, the agency and the text answers (「{{ meta.year }}年」, 「{{ overview.focus }}」);
- what a placeholder of the original phrase rendered, where it still stands in the sentence;
  a figure the phrase rendered from several placeholders goes back to them in the same order;
- a figure no placeholder of the phrase rendered, when exactly one answered count, table cell
  or derived figure (a sum such as derived.posts_total) about what the phrase is about (the
  tables and answers groups its placeholders, its condition and its slot name) has that value;
  cells of one row that agree count as its total.
A figure written into the phrase itself (「12345热线」) stays as it was. A figure stays as typed,
and is reported, when it matches nothing, several answers alike, one item of a list (the count
of 「财政预决算」 among the items: no placeholder names an item safely, since next year's list
differs), or only answers about something else (the number of staff in a sentence about the
items published): a figure left as typed is better than one bound to the wrong answer.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace

from report_writer.answers import load_schema
from report_writer.errors import ReportWriterError
from report_writer.formats.checks import fmt_number
from report_writer.model import Report

if TYPE_CHECKING:
    from report_writer.phrasebank import Phrase

PLACEHOLDER = re.compile(r"\{\{\s*(.+?)\s*\}\}")
TAG = re.compile(r"\{[{%](.+?)[%}]\}")  # a placeholder or a statement ({% for c in … %})
FIGURE = re.compile(r"\d+(?:\.\d+)?")
PATH = re.compile(r"(?<![\w.'\"])[a-z_]+(?:\.[a-z_]\w*)+")  # a context path: proactive.items
NUMBER_TYPES = ("integer", "decimal", "percentage")


class Reusable(Struct, frozen=True):
    """The template text, and the figures left as typed with the reason for each."""

    text: str
    literal: tuple[tuple[str, str], ...] = ()


def _shown(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return fmt_number(value)


def _rendered(phrase: Phrase, report: Report) -> list[tuple[str, str]]:
    """(placeholder, the text it rendered) for each placeholder of the phrase, in order; those
    that cannot stand alone (a loop variable) are left out."""
    from report_writer.narrative import scope_for
    from report_writer.phrasebank import render

    scope = scope_for(report)
    out = []
    for match in PLACEHOLDER.finditer(phrase.text):
        placeholder = "{{ " + match.group(1) + " }}"
        try:
            text = render(replace(phrase, text=placeholder, when=None), scope).text
        except ReportWriterError:
            continue
        if text:
            out.append((placeholder, text))
    return out


class Candidate(Struct, frozen=True):
    """An answer, table cell, derived figure or list item that has a given figure: its
    placeholder (None for a list item), what it is about (answers groups, tables.<table>) and
    its name for the officer."""

    placeholder: str | None
    areas: frozenset[str]
    label: str


def _areas(path: str) -> frozenset[str]:
    """What a context path is about: its table (tables.applications) or answers group; a
    derived figure is about what it is computed from."""
    from report_writer.context import sources

    if path.startswith("derived."):
        return frozenset(a for source in sources().get(path, ()) for a in _areas(source))
    parts = path.split(".")
    return frozenset([".".join(parts[:2]) if parts[0] == "tables" else parts[0]])


def _about(phrase: Phrase) -> frozenset[str]:
    """The tables and answers groups a phrase is about: those its placeholders and condition
    name, and the group its slot is named after."""
    groups = {g.key for g in load_schema().groups}
    named = [p for m in TAG.finditer(phrase.text) for p in PATH.findall(m.group(1))]
    named += PATH.findall(phrase.when or "")
    areas = {a for path in named for a in _areas(path)} - {"meta"}
    slot_group = phrase.slot.split(".", 1)[0]
    return frozenset(areas | ({slot_group} if slot_group in groups else set()))


def _answered_figures(report: Report, context: dict[str, Any]) -> dict[str, list[Candidate]]:
    """Each figure as shown -> the answers, list items, cells and derived figures that have it."""
    from report_writer.context import sources

    found: dict[str, list[Candidate]] = {}

    def add(value: Any, candidate: Candidate) -> None:
        shown = _shown(value)
        if shown is not None:
            found.setdefault(shown, []).append(candidate)

    for group in load_schema().groups:
        answers = report.answers.get(group.key, {})
        for f in group.fields:
            value = answers.get(f.key.split(".", 1)[1])
            area = frozenset([group.key])
            if f.type in NUMBER_TYPES:
                add(value, Candidate("{{ " + f.key + " }}", area, f"答案“{f.label}”"))
            elif f.type == "records" and isinstance(value, list):
                names = [s.key for s in f.fields if s.type == "text"]
                for record in value:
                    name = next((str(record[n]) for n in names if record.get(n)), "")
                    for sub in f.fields:
                        if sub.type in NUMBER_TYPES:
                            label = f"“{name}”一项的{sub.label}"
                            add(record.get(sub.key), Candidate(None, area, label))
    for (table, row, column), value in report.figures.values.items():
        spec = report.fmt.tables[table]
        label = f"{spec.name}“{spec.row(row).short or spec.row(row).label}”"
        placeholder = f"{{{{ tables.{table}.{row}.{column} }}}}"
        add(value, Candidate(placeholder, frozenset([f"tables.{table}"]), label))
    for name, value in context["derived"].items():
        path = f"derived.{name}"
        of = "、".join(dict.fromkeys(_source_label(report, s) for s in sources().get(path, ())))
        add(value, Candidate("{{ " + path + " }}", _areas(path), f"由{of}算出的数字"))
    return found


def _source_label(report: Report, path: str) -> str:
    """What a derived figure is computed from, for the officer: a table or an answer."""
    if path.startswith("tables."):
        return report.fmt.tables[path.split(".")[1]].name
    return f"“{load_schema().field(path).label}”"


def _narrowed(candidates: list[Candidate], near: frozenset[str]) -> list[Candidate]:
    """Of the candidates, those about what the phrase is about; of cells of one row that agree
    (a single applicant type, so its figure equals the row's total), the total."""
    related = [c for c in candidates if c.areas & near]
    placeholders = [c.placeholder for c in related]
    if len(related) > 1 and all(placeholders):
        rows = {str(p).rsplit(".", 1)[0] for p in placeholders}
        total = [c for c in related if str(c.placeholder).endswith(".total }}")]
        if len(rows) == 1 and len(total) == 1:
            return total
    return related


def _why_literal(candidates: list[Candidate], related: list[Candidate]) -> str:
    """Why a figure was left as typed."""
    if not candidates:
        return "与答案和表格中的数字都不相同"
    if not related:
        return f"只与本句无关的{candidates[0].label}相同，未作对应"
    item = next((c for c in related if c.placeholder is None), None)
    if item is not None:
        return f"与{item.label}相同：列表中的一项不能写成随答案变化的数字"
    return "与多项答案的数字相同"


def _names(report: Report, context: dict[str, Any]) -> dict[str, str]:
    """Words the answers put into a sentence -> their placeholder."""
    meta = context["meta"]
    names = {
        f"{meta['year']}年": "{{ meta.year }}年",
        f"{meta['last_year']}年": "{{ meta.last_year }}年",
        meta["agency"]: "{{ meta.agency }}",
        meta["we"]: "{{ meta.we }}",
    }
    for group in load_schema().groups:
        for f in group.fields:
            value = report.answers.get(group.key, {}).get(f.key.split(".", 1)[1])
            if f.type == "text" and isinstance(value, str) and len(value) >= 2:
                names.setdefault(value, "{{ " + f.key + " }}")
    return names


def reusable(text: str, report: Report, phrase: Phrase) -> Reusable:
    """`text`, edited from `phrase` as rendered for `report`, as a phrase template."""
    from report_writer.context import template_context

    context = template_context(report)
    rendered = _rendered(phrase, report)
    names = _names(report, context)
    by_figure: dict[str, list[str]] = {}
    for placeholder, value in rendered:
        if FIGURE.fullmatch(value):
            by_figure.setdefault(value, []).append(placeholder)
        elif len(value) >= 2:
            names.setdefault(value, placeholder)  # a list the phrase wrote, e.g. 予以公开1件、…

    pieces: list[tuple[str, bool]] = [(text, False)]  # (text, is a placeholder)
    for name in sorted(names, key=len, reverse=True):  # the longest first: 某局 in 某局长
        split: list[tuple[str, bool]] = []
        for piece, done in pieces:
            if done:
                split.append((piece, done))
                continue
            for i, part in enumerate(piece.split(name)):
                if i:
                    split.append((names[name], True))
                if part:
                    split.append((part, False))
        pieces = split

    fixed = set(FIGURE.findall(PLACEHOLDER.sub("", phrase.text)))  # the phrase's own figures
    answered = _answered_figures(report, context)
    near = _about(phrase)
    seen: dict[str, int] = {}
    literal: list[tuple[str, str]] = []
    out: list[str] = []
    for piece, done in pieces:
        if done:
            out.append(piece)
            continue
        start = 0
        for match in FIGURE.finditer(piece):
            figure = match.group()
            out.append(piece[start : match.start()])
            start = match.end()
            from_phrase = by_figure.get(figure)
            candidates = list(dict.fromkeys(answered.get(figure, [])))
            related = _narrowed(candidates, near)
            if from_phrase:
                index = seen.get(figure, 0)
                seen[figure] = index + 1
                out.append(from_phrase[min(index, len(from_phrase) - 1)])
            elif figure in fixed:
                out.append(figure)
            elif len(related) == 1 and related[0].placeholder is not None:
                out.append(related[0].placeholder)
            else:
                out.append(figure)
                literal.append((figure, _why_literal(candidates, related)))
        out.append(piece[start:])
    return Reusable("".join(out), tuple(dict.fromkeys(literal)))
