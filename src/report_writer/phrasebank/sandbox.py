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
from collections.abc import Callable, Iterator, Mapping, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache, wraps
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
# What one operation may build (a string, a list, a sum of lists), counted as it would be written
# out: characters of text, two per item of a list, the digits of a number. A phrase's answers
# fill some thousands; a bomb's operands stay small while what they build is gigabytes.
MAX_BUILT = 50_000
# All that one evaluation of a phrase's text or `when` may build, operation after operation (a
# loop over list answers repeats them), so that no phrase takes long to evaluate.
MAX_WORK = 1_000_000
MAX_NUMBER_DIGITS = 1_000  # of a product of whole numbers (there is no ** to make larger ones)

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
        intercepted_binops = frozenset({"*", "%", "**", "+"})

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "**":
                raise SecurityError("不允许乘方运算")
            sequences = isinstance(left, str | list | tuple) or isinstance(
                right, str | list | tuple
            )
            if op == "+":
                if sequences:
                    charge(built_size(left) + built_size(right))
                return operator.add(left, right)
            if sequences:
                if op == "%":
                    raise SecurityError("不允许用 % 格式化文字")
                seq, times = (
                    (left, right) if isinstance(left, str | list | tuple) else (right, left)
                )
                if not isinstance(times, int) or len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"重复后的文字或列表不能超过{MAX_REPEAT}项")
                charge(built_size(seq) * max(times, 0))
            elif op == "*" and _digits(left) + _digits(right) > MAX_NUMBER_DIGITS:
                raise SecurityError(f"相乘的数超过{MAX_NUMBER_DIGITS}位，过大")
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
    env.filters["sum"] = _linear_sum(env.filters["sum"])
    env.filters.update({name: _bounded(name, f) for name, f in env.filters.items()})
    env.globals.clear()
    return env


# ---------------------------------------------------------------------------------------------
# Bounds on what an expression builds


_work: ContextVar[list[int]] = ContextVar("phrase_work")


@contextmanager
def budgeted() -> Iterator[None]:
    """One evaluation of a phrase's text or `when`: what its operations build is counted from
    zero and may total MAX_WORK."""
    token = _work.set([MAX_WORK])
    try:
        yield
    finally:
        _work.reset(token)


def charge(size: int) -> None:
    """Count `size` (what an operation is about to build) against MAX_BUILT and the budget of
    the evaluation under way; SecurityError (in Chinese) beyond either."""
    from jinja2.exceptions import SecurityError

    if size > MAX_BUILT:
        raise SecurityError(f"生成的文字或列表过大（超过{MAX_BUILT:,}个字符或项）")
    left = _work.get(None)
    if left is not None:
        left[0] -= size
        if left[0] < 0:
            raise SecurityError(f"计算量过大（生成的文字和列表累计超过{MAX_WORK:,}个字符或项）")


def built_size(value: Any, budget: int = MAX_BUILT) -> int:
    """About how many characters `value` takes written out (as join or `~` would write it): the
    length of a text, two per item of a list plus the items, the digits of a number. Counting
    stops once past `budget`, so measuring costs at most that much."""
    total = 0
    stack = [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += _digits(item) + 1
    return total


def _digits(value: Any) -> int:
    return value.bit_length() * 3 // 10 + 1 if isinstance(value, int) else 8


def _settled(value: Any) -> Any:
    """A lazy sequence (what map, select or unique return) as a list, read item by item within
    MAX_BUILT; anything else (an undefined value for `default` too) as it is."""
    if not isinstance(value, Iterator):
        return value
    items: list[Any] = []
    size = 0
    for item in value:
        size += 2 + built_size(item)
        if size > MAX_BUILT:
            charge(size)
        items.append(item)
    return items


def _bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """The filter `func`, refused before it builds more than MAX_BUILT: its input (made a list
    if lazy) and, for join, the separators are measured first, its result after."""
    first = 1 if hasattr(func, "jinja_pass_arg") else 0  # after the environment or context

    @wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if len(args) > first:
            args = (*args[:first], _settled(args[first]), *args[first + 1 :])
            size = sum(built_size(a) for a in args[first:]) + sum(
                built_size(v) for v in kwargs.values()
            )
            if name == "join" and isinstance(args[first], Sized):
                separator = args[first + 1] if len(args) > first + 1 else kwargs.get("d", "")
                size += len(str(separator)) * len(args[first])
            charge(size)
        result = _settled(func(*args, **kwargs))
        charge(built_size(result))
        return result

    return bounded


def _linear_sum(func: Callable[..., Any]) -> Callable[..., Any]:
    """jinja's sum, but lists or tuples (with a list or tuple `start`) are joined in one pass:
    Python's sum copies the growing list at each step, quadratic in the items."""

    @wraps(func)
    def linear(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        items = _settled(iterable)
        if (
            attribute is None
            and isinstance(start, list | tuple)
            and isinstance(items, list | tuple)
            and all(type(item) is type(start) for item in items)
        ):
            joined = [*start, *(x for item in items for x in item)]
            return joined if isinstance(start, list) else tuple(joined)
        return func(environment, items, attribute, start)

    return linear


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
        with budgeted():
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
