"""An edited suggestion turned back into a template before it goes into a team phrasebank.

The officer edits a sentence rendered from a phrase. So that the saved phrase serves next year
and other agencies, and never states stale figures, what the answers put into the sentence
becomes a placeholder again:
- the year, the agency and the text answers (「{{ meta.year }}年」, 「{{ overview.focus }}」);
- what a placeholder of the original phrase rendered, where it still stands in the sentence;
  a figure the phrase rendered from several placeholders goes back to them in the same order;
- a figure no placeholder of the phrase rendered, when exactly one answered count, table cell
  or derived figure (a sum such as derived.posts_total) of the report has that value; when
  several have it, those about the phrase's own table or answers group are preferred, and
  cells of one row that agree count as its total.
A figure written into the phrase itself (「12345热线」) stays as it was. A figure that matches
nothing, or several answers alike, stays as typed and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from report_writer.answers import load_schema
from report_writer.errors import ReportWriterError
from report_writer.formats.checks import fmt_number
from report_writer.model import Report

if TYPE_CHECKING:
    from report_writer.phrasebank import Phrase

PLACEHOLDER = re.compile(r"\{\{\s*(.+?)\s*\}\}")
FIGURE = re.compile(r"\d+(?:\.\d+)?")
NUMBER_TYPES = ("integer", "decimal", "percentage")


@dataclass(frozen=True)
class Reusable:
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


def _answered_figures(report: Report, context: dict[str, Any]) -> dict[str, list[str]]:
    """Each figure as shown -> the placeholders of the answers, cells and derived figures that
    have it."""
    found: dict[str, list[str]] = {}
    for group in load_schema().groups:
        for f in group.fields:
            name = f.key.split(".", 1)[1]
            shown = _shown(report.answers.get(group.key, {}).get(name))
            if f.type in NUMBER_TYPES and shown is not None:
                found.setdefault(shown, []).append("{{ " + f.key + " }}")
    for (table, row, column), value in report.figures.values.items():
        shown = _shown(value)
        if shown is not None:
            found.setdefault(shown, []).append(f"{{{{ tables.{table}.{row}.{column} }}}}")
    for name, value in context["derived"].items():
        shown = _shown(value)
        if shown is not None:
            found.setdefault(shown, []).append(f"{{{{ derived.{name} }}}}")
    return found


def _area(placeholder: str) -> str:
    """What a placeholder is about: its table (tables.applications) or answers group."""
    path = placeholder.strip("{} ").split(".")
    return ".".join(path[:2]) if path[0] == "tables" else path[0]


def _narrowed(placeholders: list[str], near: set[str]) -> list[str]:
    """Among several answers with the figure, those about what the phrase itself is about (its
    table or answers group); of cells of one row that agree (a single applicant type, so its
    figure equals the row's total), the total."""
    if len(placeholders) > 1:
        placeholders = [p for p in placeholders if _area(p) in near] or placeholders
    rows = {p.rsplit(".", 1)[0] for p in placeholders}
    total = [p for p in placeholders if p.endswith(".total }}")]
    if len(placeholders) > 1 and len(rows) == 1 and len(total) == 1:
        return total
    return placeholders


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
    from report_writer.narrative import template_context

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
    near = {_area(p) for p, _ in rendered} - {"meta"}
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
            others = _narrowed(list(dict.fromkeys(answered.get(figure, []))), near)
            if from_phrase:
                index = seen.get(figure, 0)
                seen[figure] = index + 1
                out.append(from_phrase[min(index, len(from_phrase) - 1)])
            elif figure in fixed:
                out.append(figure)
            elif len(others) == 1:
                out.append(others[0])
            else:
                out.append(figure)
                reason = "与多项答案的数字相同" if others else "与答案和表格中的数字都不相同"
                literal.append((figure, reason))
        out.append(piece[start:])
    return Reusable("".join(out), tuple(dict.fromkeys(literal)))
