"""What a template reads, found from jinja's syntax tree: Analysis, and the scan behind it.

The scan refuses what ALLOWED_NODES leaves out (calls, include, `_` attributes, deep loops) and
lists the paths a template names, the paths it loops over and the attributes of loop items.
`lex` splits a text by a pattern of named groups, for the fast paths that skip jinja's parser.

Imports sandbox.py only; never the bank, rendering or the narrative.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from msgspec import Struct

from report_writer.phrasebank.sandbox import ALLOWED_NODES, MAX_LOOP_DEPTH, environment

if TYPE_CHECKING:
    from jinja2 import nodes


class Analysis(Struct, frozen=True):
    """What lint and selection need to know about one template, found from its syntax tree."""

    paths: tuple[str, ...]  # context paths it reads, e.g. ("platforms.channels", "meta.we")
    loops: tuple[str, ...]  # paths it loops over
    attributes: tuple[tuple[str, str], ...]  # (loop path, attribute) read from loop items
    problems: tuple[str, ...]  # syntax errors and forbidden constructs, in Chinese


# Names jinja reads as constants or operators, and `loop`: such texts take the full parse.
KEYWORDS = frozenset(
    {
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "loop",
    }
)


class Scan:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.loops: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.problems: list[str] = []

    def analysis(self) -> Analysis:
        """What was found, each path, loop and attribute once, in the order first met."""
        return Analysis(
            tuple(dict.fromkeys(self.paths)),
            tuple(dict.fromkeys(self.loops)),
            tuple(dict.fromkeys(self.attributes)),
            tuple(dict.fromkeys(self.problems)),
        )

    def visit(self, node: nodes.Node, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        kind = type(node).__name__
        if kind not in ALLOWED_NODES:
            self.problems.append(forbidden(kind))
            return
        if isinstance(node, nodes.For):
            self._for(node, loop_vars, depth)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
            self._reference(node, loop_vars, depth)
            return
        if isinstance(node, nodes.Filter | nodes.Test):
            known = environment().filters if isinstance(node, nodes.Filter) else environment().tests
            if node.name not in known:
                what = "过滤器" if isinstance(node, nodes.Filter) else "判断"
                self.problems.append(f"不允许使用{what}“{node.name}”")
        for child in node.iter_child_nodes():
            self.visit(child, loop_vars, depth)

    def _for(self, node: nodes.For, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        if depth + 1 > MAX_LOOP_DEPTH:
            self.problems.append(f"循环嵌套超过{MAX_LOOP_DEPTH}层")
            return
        if node.recursive:
            self.problems.append("不允许递归循环（recursive）")
            return
        source = node.iter
        while isinstance(source, nodes.Filter) and source.node is not None:
            self.visit(
                nodes.Filter(None, source.name, source.args, source.kwargs, None, None),
                loop_vars,
                depth,
            )
            source = source.node
        path = path_of(source)
        if path is None or path.split(".")[0] in loop_vars or path.split(".")[0] == "loop":
            self.problems.append("循环只能遍历答案中的列表（如 platforms.channels）")
            return
        self.paths.append(path)
        self.loops.append(path)
        inner = dict(loop_vars)
        targets = [node.target] if isinstance(node.target, nodes.Name) else []
        if not targets:
            self.problems.append("循环变量应为一个名称")
            return
        for t in targets:
            inner[t.name] = path
        for child in [*node.body, *node.else_]:
            self.visit(child, inner, depth + 1)
        if node.test is not None:
            self.visit(node.test, inner, depth + 1)

    def _reference(self, node: nodes.Expr, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        parts: list[str] = []
        current: nodes.Node = node
        while True:
            if isinstance(current, nodes.Getattr):
                parts.append(current.attr)
                current = current.node
            elif isinstance(current, nodes.Getitem):
                if isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                    parts.append(current.arg.value)
                else:
                    parts.clear()  # a computed key: the path ends before it
                    self.visit(current.arg, loop_vars, depth)
                current = current.node
            else:
                break
        parts.reverse()
        if any(p.startswith("_") for p in parts):
            self.problems.append("不允许访问以“_”开头的属性")
            return
        if not isinstance(current, nodes.Name):
            self.visit(current, loop_vars, depth)
            return
        name = current.name
        if name.startswith("_"):
            self.problems.append("不允许访问以“_”开头的名称")
        elif name in loop_vars:
            if parts:
                self.attributes.append((loop_vars[name], parts[0]))
        elif name != "loop":
            self.paths.append(".".join([name, *parts]))


def path_of(node: nodes.Node) -> str | None:
    from jinja2 import nodes

    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return ".".join([node.name, *reversed(parts)])


def forbidden(kind: str) -> str:
    names = {
        "Include": "include",
        "Import": "import",
        "FromImport": "from … import",
        "Extends": "extends",
        "Macro": "macro",
        "Call": "函数或方法调用",
        "CallBlock": "call 块",
        "Assign": "set 赋值",
        "AssignBlock": "set 赋值",
        "Block": "block",
        "With": "with",
        "Pow": "乘方运算",
        "FilterBlock": "filter 块",
    }
    return f"不允许使用{names.get(kind, kind)}"


def lex(pattern: re.Pattern[str], source: str) -> list[tuple[str, str]] | None:
    """`source` (less trailing space) as (group name, text) pairs of `pattern`'s successive
    matches; None when some part of it matches no group."""
    found: list[tuple[str, str]] = []
    position = 0
    end = len(source.rstrip())
    while position < end:
        match = pattern.match(source, position)
        if match is None:
            return None
        position = match.end()
        found.append((str(match.lastgroup), match.group(match.lastgroup or "")))
    return found
