"""The fast path for phrase texts: `{{ a.b|filter }}` outputs, `{% if %}`, a `{% for %}` loop,
analysed without jinja's parser, and the plainest of them rendered without jinja.

As for conditions (see conditions.py), each result is exactly what the jinja path gives (a test
compares them over the whole bank); anything else returns None and takes the jinja path.

Imports sandbox.py and scan.py only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from report_writer import chinese
from report_writer.phrasebank.sandbox import FILTER_NAMES, MAX_TEMPLATE_CHARS, Fallback, lookup
from report_writer.phrasebank.scan import KEYWORDS, Analysis, Scan, lex

_OUTPUT = re.compile(
    r"\{\{ *([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)((?: *\| *[A-Za-z][A-Za-z0-9_]*)*) *\}\}"
)


def simple(source: str) -> Analysis | None:
    """The analysis of a text whose only template parts are `{{ a.b }}` or `{{ a.b|filter }}`
    (most phrases), found without jinja's parser; None when the text needs the full parse. It
    gives what the full parse gives for such a text (a test compares them on the whole bank)."""
    if "{" not in source:
        return Analysis((), (), (), ())
    if "{%" in source or "{#" in source or "{" in _OUTPUT.sub("", source):
        return None
    paths = []
    for match in _OUTPUT.finditer(source):
        path, filters = match.groups()
        names = [f.strip() for f in filters.split("|")[1:]]
        if path.split(".")[0] in KEYWORDS or not all(n in FILTER_NAMES for n in names):
            return None
        paths.append(path)
    return Analysis(tuple(dict.fromkeys(paths)), (), (), ())


# A text split into literal strings and outputs (path, filter functions).
Part = str | tuple[str, tuple[Callable[..., Any], ...]]


@lru_cache(maxsize=65_536)
def plain_text(source: str) -> tuple[Part, ...] | None:
    """A text whose only template parts are `{{ a.b }}` or `{{ a.b|filter }}` with the Chinese
    filters (see simple), split into parts; None when it needs jinja."""
    if len(source) > MAX_TEMPLATE_CHARS or simple(source) is None:
        return None
    parts: list[Part] = []
    position = 0
    for match in _OUTPUT.finditer(source):
        path, filters = match.groups()
        functions: list[Any] = []  # chinese.FILTERS: one-argument functions
        for name in (f.strip() for f in filters.split("|")[1:]):
            function = chinese.FILTERS.get(name)
            if function is None or getattr(function, "jinja_pass_arg", None) is not None:
                return None
            functions.append(function)
        if match.start() > position:
            parts.append(source[position : match.start()])
        parts.append((path, tuple(functions)))
        position = match.end()
    if position < len(source):
        parts.append(source[position:])
    return tuple(parts)


def render_plain(parts: tuple[Part, ...], context: Mapping[str, Any]) -> list[str]:
    """The chunks jinja's template would yield for a plain text; Fallback on any failure."""
    chunks = []
    try:
        for part in parts:
            if isinstance(part, str):
                chunks.append(part)
                continue
            path, functions = part
            value = lookup(context, path)
            for function in functions:
                value = function(value)
            chunks.append(str(value))
    except Exception:  # jinja gives the error, worded as it always was
        raise Fallback from None
    return chunks


_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_EXPRESSION_TOKEN = re.compile(
    r"""\s*(?:(?P<path>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)|(?P<int>0|[1-9][0-9]*)"""
    r"""|(?P<str>'[^'\\\r\n{}%]*'|"[^"\\\r\n{}%]*")|(?P<op>==|!=|<=|>=|[-+|(),=<>]))"""
)


def structured(source: str) -> Analysis | None:
    """The analysis of a text of a few more shapes, found without jinja's parser: outputs and
    `{% if %}` tests as _scan_expression describes; `{% for v in a.b %}` (not nested),
    `{% else %}`, `{% endif %}`, `{% endfor %}`. None for anything else, so that jinja parses it.
    Gives what the full parse gives (a test compares them on the whole bank)."""
    if "{#" in source:
        return None
    scan = Scan()
    blocks: list[tuple[str, str | None]] = []  # ("for", loop variable) or ("if", None)
    loop_vars: dict[str, str] = {}
    position = 0
    for match in _TAG.finditer(source):
        if "{" in source[position : match.start()]:
            return None
        position = match.end()
        output, statement = match.groups()
        if output is not None:
            if not _scan_expression(_expression_tokens(output), scan, loop_vars):
                return None
            continue
        words = statement.split()
        if len(words) == 4 and words[0] == "for" and words[2] == "in":
            name, path = words[1], words[3]
            if loop_vars or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                return None  # nested loops, or a target jinja may read otherwise
            tokens = _expression_tokens(path)
            if name in KEYWORDS or tokens is None or len(tokens) != 1:
                return None
            kind, value = tokens[0]
            if kind != "path" or any(part in KEYWORDS for part in value.split(".")):
                return None
            scan.paths.append(value)
            scan.loops.append(value)
            loop_vars[name] = value
            blocks.append(("for", name))
        elif len(words) > 1 and words[0] == "if":
            test = _expression_tokens(statement.split(None, 1)[1])
            if not _scan_expression(test, scan, loop_vars):
                return None
            blocks.append(("if", None))
        elif words == ["else"] and blocks and blocks[-1] == ("if", None):
            blocks[-1] = ("else", None)
        elif words == ["endif"] and blocks and blocks[-1][0] in ("if", "else"):
            blocks.pop()
        elif words == ["endfor"] and blocks and blocks[-1][0] == "for":
            del loop_vars[str(blocks.pop()[1])]
        else:
            return None
    if blocks or "{" in source[position:]:
        return None
    return scan.analysis()  # the plain shapes append no problems


def _expression_tokens(source: str) -> list[tuple[str, str]] | None:
    return lex(_EXPRESSION_TOKEN, source)


# What may join two operands in a structured expression.
_JOINS = frozenset(
    [("op", op) for op in ("+", "-", "==", "!=", "<", "<=", ">", ">=")]
    + [("path", word) for word in ("in", "and", "or")]
)


def _scan_expression(
    tokens: list[tuple[str, str]] | None, scan: Scan, loop_vars: dict[str, str]
) -> bool:
    """Record what an expression of the structured shape reads, as Scan would; False when it
    has another shape. Shape: operands joined by + - == != < <= > >= in, not in, and, or; an
    operand is a path, an integer or a string, with filters `|name` or `|name(key='string')`,
    and `not` before it only at the start or after and, or, not (all of it valid jinja, whose
    syntax tree lists the paths in the order they are written)."""
    if not tokens:
        return False
    at = 0
    negatable = True
    while True:
        kind, value = tokens[at] if at < len(tokens) else ("end", "")
        if (kind, value) == ("path", "not") and negatable:
            at += 1
            continue
        if kind == "path":
            first, *parts = value.split(".")
            if any(part in KEYWORDS for part in parts) or (first in KEYWORDS and first != "loop"):
                return False
            if first in loop_vars:
                if parts:
                    scan.attributes.append((loop_vars[first], parts[0]))
            elif first != "loop":
                scan.paths.append(value)
        elif kind not in ("int", "str"):
            return False
        at += 1
        while tokens[at : at + 1] == [("op", "|")]:
            name = tokens[at + 1] if at + 1 < len(tokens) else ("end", "")
            if name[0] != "path" or name[1] not in FILTER_NAMES:
                return False
            at += 2
            if tokens[at : at + 1] == [("op", "(")]:
                call = [kind for kind, _ in tokens[at : at + 5]]
                closed = tokens[at + 2 : at + 3] == [("op", "=")]
                if call != ["op", "path", "op", "str", "op"] or tokens[at + 4] != ("op", ")"):
                    return False
                if not closed or tokens[at + 1][1] in KEYWORDS or "." in tokens[at + 1][1]:
                    return False
                at += 5
        if at == len(tokens):
            return True
        if tokens[at : at + 2] == [("path", "not"), ("path", "in")]:
            at += 2
            negatable = False
            continue
        if tokens[at] not in _JOINS:
            return False
        negatable = tokens[at][1] in ("and", "or")
        at += 1
