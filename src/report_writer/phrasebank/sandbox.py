"""The jinja sandbox phrases render in, and what may be in a phrase's template at all.

Text from a team folder is untrusted: its syntax tree is checked against ALLOWED_NODES (see
scan.py) before it is compiled, then it runs in jinja's immutable sandbox with StrictUndefined,
the filters listed here only, and a bounded output size. Also: the context wrapper that records
which answers a template reads, and jinja's error messages in Chinese.

Imports only jinja (lazily), chinese.py and the ground floor; never the rest of the package.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from report_writer import chinese

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.environment import Template
    from jinja2.sandbox import ImmutableSandboxedEnvironment

# Limits on untrusted phrase text (a phrase that breaks one fails lint and is never rendered).

# Limits on untrusted phrase text (a phrase that breaks one fails lint and is never rendered).
MAX_TEMPLATE_CHARS = 2_000  # length of a phrase's template source (`text` or `when`)
MAX_OUTPUT_CHARS = 2_000  # length of one rendered phrase
MAX_LOOP_DEPTH = 2  # nesting of {% for %}; loops may only run over list answers
MAX_REPEAT = 2_000  # `*` on a string or list may make it at most this long

# What a phrase template may contain: anything else (Call, Include, Import, Extends, Macro,
# Assign, Block, With, Pow, ...) is refused by lint and at render time.
ALLOWED_NODES = frozenset(
    {
        "Template",
        "Output",
        "TemplateData",
        "Name",
        "Getattr",
        "Getitem",
        "Slice",
        "Const",
        "List",
        "Tuple",
        "If",
        "CondExpr",
        "For",
        "Filter",
        "Test",
        "Keyword",
        "Compare",
        "Operand",
        "And",
        "Or",
        "Not",
        "Neg",
        "Pos",
        "Add",
        "Sub",
        "Mul",
        "Div",
        "FloorDiv",
        "Mod",
        "Concat",
    }
)
# jinja's own filters a phrase may use, besides the Chinese helpers of chinese.FILTERS.
SAFE_JINJA_FILTERS = (
    "abs",
    "default",
    "first",
    "int",
    "join",
    "last",
    "length",
    "list",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "round",
    "select",
    "selectattr",
    "sort",
    "sum",
    "unique",
)
FILTER_NAMES = frozenset([*SAFE_JINJA_FILTERS, *chinese.FILTERS])


class Recorder:
    """The answer keys and cells read while rendering (paths like tables.applications.new.total)."""

    def __init__(self) -> None:
        self.paths: list[str] = []


class Node(dict[str, Any]):
    """A mapping of the template context that records each key read through it."""

    def __init__(self, data: Mapping[str, Any], path: str, recorder: Recorder) -> None:
        super().__init__(data)
        self.path = path
        self.recorder = recorder

    def read(self, key: str) -> Any:
        value = self[key]
        self.recorder.paths.append(f"{self.path}.{key}" if self.path else key)
        return value


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The one jinja environment phrases render in (immutable sandbox, StrictUndefined)."""
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.runtime import LoopContext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class PhraseEnvironment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "%", "**"})

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "**":
                raise SecurityError("不允许乘方运算")
            if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
                if op == "%":
                    raise SecurityError("不允许用 % 格式化文字")
                seq, times = (
                    (left, right) if isinstance(left, str | list | tuple) else (right, left)
                )
                if not isinstance(times, int) or len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"重复后的文字或列表不能超过{MAX_REPEAT}项")
            return {"*": operator.mul, "%": operator.mod}[op](left, right)

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, Node):
                return (
                    obj.read(attribute)
                    if attribute in obj
                    else self.undefined(obj=obj, name=attribute)
                )
            if isinstance(obj, dict):
                return (
                    obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
                )
            if isinstance(obj, LoopContext) and not attribute.startswith("_"):
                return super().getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if isinstance(obj, dict) and isinstance(argument, str):
                return self.getattr(obj, argument)
            if isinstance(obj, list | tuple | str) and isinstance(argument, int | slice):
                return super().getitem(obj, argument)
            return self.undefined(obj=obj, name=str(argument))

    env = PhraseEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    safe = {name: env.filters[name] for name in SAFE_JINJA_FILTERS}
    env.filters.clear()
    env.filters.update(safe)
    env.filters.update(chinese.FILTERS)
    env.globals.clear()
    return env


def parse(source: str, expression: bool) -> nodes.Node:
    """The syntax tree of a template, or of a bare expression (a `when` condition)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.parser import Parser

    env = environment()
    if not expression:
        return env.parse(source)
    parser = Parser(env, source, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("条件表达式后有多余的内容", parser.stream.current.lineno)
    return expr


# jinja's syntax error messages in Chinese: (pattern, wording); token names as the officer sees them
_SYNTAX_MESSAGES = (
    (r"expected token '(.+?)', got '(.+?)'", "此处应为{0}，却是{1}"),
    (r"unexpected '(.+?)', expected '(.+?)'", "多出了{0}，此处应为{1}"),
    (r"Expected an expression, got '(.+?)'", "缺少表达式，却是{0}"),
    (r"unexpected char '(.+?)' at \d+", "无法识别的字符{0}"),
    (r"unexpected '(.+?)'", "多出了{0}"),
    (r"Encountered unknown tag '(.+?)'", "不认识的标签{0}"),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. .*",
        "模板没有结束：缺少{0}",
    ),
    (r"unexpected end of template.*", "模板在表达式中途结束，缺少结束标记"),
    (r"expected token '(.+?)'", "此处应为{0}"),
)
_TOKEN_NAMES = {
    "end of print statement": "“}}”",
    "end of statement block": "“%}”",
    "end of template": "模板结尾",
    "name": "名称",
    "string": "文字",
    "integer": "数字",
    "float": "数字",
}


def syntax_message(message: str) -> str:
    """jinja's (English) syntax error message in Chinese; an unknown one is named as such."""
    for pattern, wording in _SYNTAX_MESSAGES:
        found = re.fullmatch(pattern, message.strip().rstrip("."), re.S)
        if found:
            return wording.format(*(_token(g) for g in found.groups()))
    return "写法无法解析"


def _token(text: str) -> str:
    if " or " in text:  # 'elif' or 'else' or 'endif'
        return "或".join(_token(t.strip().strip("'")) for t in text.split(" or "))
    return _TOKEN_NAMES.get(text, f"“{text}”")


def reason(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, UndefinedError):
        return f"用到了未填写或不存在的项目（{exc.message}）"
    if isinstance(exc, SecurityError):
        return f"不安全的写法（{exc}）"
    if isinstance(exc, TemplateSyntaxError):
        return f"模板语法错误（第{exc.lineno}行）：{syntax_message(exc.message or '')}"
    return f"计算出错（{type(exc).__name__}: {exc}）"


@lru_cache(maxsize=4096)
def compile_template(source: str) -> Template:
    return environment().from_string(source)


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Callable[[Mapping[str, Any]], Any]:
    from jinja2 import nodes

    expr = parse(source, expression=True)
    assert isinstance(expr, nodes.Expr)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    template = environment().from_string(nodes.Template(body, lineno=1))

    def evaluate(context: Mapping[str, Any]) -> Any:
        ctx = template.new_context(dict(context))
        for _ in template.root_render_func(ctx):
            pass
        return ctx.vars.get("result")

    return evaluate


# ---------------------------------------------------------------------------------------------
# Lint


class Fallback(Exception):
    """The fast path cannot give jinja's answer here: take the jinja path."""


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """`a.b.c` read from the tracked context as the sandbox's getattr reads it (a Node records
    the read); Fallback where jinja would give an undefined value."""
    first, *rest = path.split(".")
    if first not in context:
        raise Fallback
    value = context[first]
    for attribute in rest:
        if isinstance(value, Node):
            if attribute not in value:
                raise Fallback
            value = value.read(attribute)
        elif isinstance(value, dict) and attribute in value:
            value = value[attribute]
        else:
            raise Fallback
    return value
