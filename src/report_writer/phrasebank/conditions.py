"""The fast path for `when` conditions: the plain shape nearly every condition has (paths and
literals compared, joined by and/or/not), parsed, analysed and evaluated without jinja.

Parsing and compiling a template costs a millisecond or two; a build judges hundreds. Each result
is exactly what the sandboxed jinja path gives (a test runs both over the whole bank); anything
else, and any failure on the way, takes the jinja path.

Imports sandbox.py and scan.py only.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from report_writer.phrasebank.sandbox import Fallback, lookup
from report_writer.phrasebank.scan import KEYWORDS, Analysis, lex

_CONDITION_TOKEN = re.compile(
    r"""\s*(?:(?P<path>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)"""
    r"""|(?P<float>[0-9]+\.[0-9]+)|(?P<int>0|[1-9][0-9]*)"""
    r"""|(?P<str>'[^'\\\r\n]*'|"[^"\\\r\n]*")|(?P<op>==|!=|<=|>=|<|>|\(|\)))"""
)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
# A parsed condition: ("path", "a.b") | ("const", value) | ("not", c) | ("and"|"or", c, c)
# | ("compare", c, ((op, c), ...)).
Condition = tuple[Any, ...]


@lru_cache(maxsize=65_536)
def condition(source: str) -> Condition | None:
    """A `when` of the plain shape (paths and number or string literals compared with == != <
    <= > >= in, not in; joined by and, or, not; parentheses), parsed; None for anything else."""
    lexed = lex(_CONDITION_TOKEN, source)
    if lexed is None:
        return None
    parsed: list[tuple[str, Any]] = []
    for kind, text in lexed:
        value: Any = text
        if kind == "path":
            if value in ("and", "or", "not", "in"):
                kind = value
            elif any(part in KEYWORDS for part in value.split(".")):
                return None
        elif kind == "float":
            kind, value = "const", float(value)
        elif kind == "int":
            kind, value = "const", int(value)
        elif kind == "str":
            kind, value = "const", value[1:-1]
        parsed.append((kind, value))
    parser = _ConditionParser(parsed)
    try:
        tree = parser.disjunction()
    except Fallback:
        return None
    return tree if parser.at == len(parsed) else None


class _ConditionParser:
    """Recursive descent with jinja's precedence: or < and < not < comparison."""

    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, offset: int = 0) -> tuple[str, Any]:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", None)

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token[0] == "end":
            raise Fallback
        self.at += 1
        return token

    def disjunction(self) -> Condition:
        left = self.conjunction()
        while self.peek()[0] == "or":
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Condition:
        left = self.negation()
        while self.peek()[0] == "and":
            self.take()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Condition:
        if self.peek()[0] == "not":
            self.take()
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Condition:
        first = self.operand()
        ops: list[tuple[str, Condition]] = []
        while True:
            kind, value = self.peek()
            if kind == "op" and value in _COMPARE:
                op = value
            elif kind == "in":
                op = "in"
            elif kind == "not" and self.peek(1)[0] == "in":
                self.take()
                op = "not in"
            else:
                break
            self.take()
            ops.append((op, self.operand()))
        return ("compare", first, tuple(ops)) if ops else first

    def operand(self) -> Condition:
        kind, value = self.take()
        if kind == "path":
            return ("path", value)
        if kind == "const":
            return ("const", value)
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise Fallback
            return inner
        raise Fallback


def plain_condition(source: str) -> Analysis | None:
    """The analysis of a plain `when` (see condition), or None when it needs the full parse."""
    tree = condition(source)
    if tree is None:
        return None
    paths: list[str] = []

    def walk(node: Condition) -> None:
        if node[0] == "path":
            paths.append(node[1])
        elif node[0] == "not":
            walk(node[1])
        elif node[0] in ("and", "or"):
            walk(node[1])
            walk(node[2])
        elif node[0] == "compare":
            walk(node[1])
            for _, operand in node[2]:
                walk(operand)

    walk(tree)
    return Analysis(tuple(dict.fromkeys(paths)), (), (), ())


def run_condition(node: Condition, context: Mapping[str, Any]) -> Any:
    """A parsed condition's value, as jinja's compiled expression computes it (Python's own
    short-circuit `and`/`or`, `not`, chained comparisons), reading values as the sandbox does."""
    kind = node[0]
    if kind == "path":
        return lookup(context, node[1])
    if kind == "const":
        return node[1]
    if kind == "not":
        return not run_condition(node[1], context)
    if kind == "and":
        return run_condition(node[1], context) and run_condition(node[2], context)
    if kind == "or":
        return run_condition(node[1], context) or run_condition(node[2], context)
    left = run_condition(node[1], context)
    result: Any = True
    for op, operand in node[2]:
        right = run_condition(operand, context)
        result = _COMPARE[op](left, right)
        if not result:
            return result
        left = right
    return result
