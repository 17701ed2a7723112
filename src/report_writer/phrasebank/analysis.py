"""Analysing a phrase's text or condition (fast paths first, else jinja's parser), and checking
the names it reads against a Vocabulary: what a phrase may name, given from above.

The vocabulary is a parameter: this package never asks the narrative or the context for it.
Imports the modules of the template floor below it (sandbox, scan, conditions, plain).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from report_writer.phrasebank.conditions import plain_condition
from report_writer.phrasebank.plain import simple, structured
from report_writer.phrasebank.sandbox import MAX_TEMPLATE_CHARS, parse, syntax_message
from report_writer.phrasebank.scan import Analysis, Scan

# (source, is a `when` expression) -> its analysis, for this process.
ANALYSES: dict[tuple[str, bool], Analysis] = {}


def analyse(source: str, expression: bool = False) -> Analysis:
    """Parse a phrase text (or a `when` expression) and check it against ALLOWED_NODES."""
    key = (source, expression)
    found = ANALYSES.get(key)
    if found is None:
        found = ANALYSES[key] = _analyse(source, expression)
    return found


def _analyse(source: str, expression: bool) -> Analysis:
    if len(source) > MAX_TEMPLATE_CHARS:
        return Analysis((), (), (), (f"长度超过{MAX_TEMPLATE_CHARS}个字符",))
    if expression:
        quick = plain_condition(source)
    else:
        quick = simple(source)
        quick = structured(source) if quick is None else quick
    if quick is not None:
        return quick
    try:
        tree = parse(source, expression)
    except Exception as exc:  # jinja's TemplateSyntaxError and whatever a hostile text provokes
        line = getattr(exc, "lineno", None)
        message = syntax_message(getattr(exc, "message", None) or str(exc))
        return Analysis(
            (), (), (), (f"模板语法错误{f'（第{line}行）' if line else ''}：{message}",)
        )
    scan = Scan()
    scan.visit(tree, {}, 0)
    return scan.analysis()


class Vocabulary(
    Struct, frozen=True, eq=False
):  # hashed by identity: narrative.vocabulary() is cached
    """What a phrase may name: slots (slot -> form) and the context paths as a tree whose leaves
    are "scalar", "list" or ("records", field names); the section of each slot and the aspects a
    phrase may claim (the keys of problems.selected), for the lint of claims."""

    slots: Mapping[str, str]
    tree: dict[str, Any]
    sections: Mapping[str, str] = {}
    aspects: frozenset[str] = frozenset()

    def kind(self, path: str) -> Any:
        """The node at `path`, or None when no such path exists."""
        node: Any = self.tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


def name_problems(result: Analysis, vocab: Vocabulary) -> list[str]:
    problems = []
    for path in result.paths:
        if vocab.kind(path) is None:
            problems.append(f"用到了答案定义中没有的项目“{path}”")
    for path in result.loops:
        kind = vocab.kind(path)
        if kind is None or (kind != "list" and not isinstance(kind, tuple)):
            problems.append(f"不能用于循环：“{path}”不是答案中的列表")
    for path, attribute in result.attributes:
        kind = vocab.kind(path)
        if isinstance(kind, tuple) and attribute not in kind[1]:
            fields = "、".join(sorted(kind[1]))
            problems.append(f"“{path}”的每一项没有“{attribute}”（可用：{fields}）")
        elif kind == "list":
            problems.append(f"“{path}”的每一项是文字，没有“{attribute}”")
    return problems
