"""Rendering one phrase: the Scope it renders in, whether it applies, ranking, the text.

Imports bank, sandbox, the fast paths and analyse; never the narrative, which decides which
phrase goes where and builds the Scope from the answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from contextlib import suppress
from functools import lru_cache
from typing import Any

from msgspec import Struct

from report_writer.errors import ReportWriterError
from report_writer.phrasebank.analysis import Vocabulary, analyse, name_problems
from report_writer.phrasebank.bank import BUILTIN, Phrase
from report_writer.phrasebank.conditions import condition, run_condition
from report_writer.phrasebank.plain import plain_text, render_plain
from report_writer.phrasebank.sandbox import (
    MAX_OUTPUT_CHARS,
    Fallback,
    Node,
    Recorder,
    budgeted,
    compile_expression,
    compile_template,
    reason,
)


class Scope:
    """A template context prepared for rendering and for asking whether a path is answered.

    `data` is plain (groups of answers, `meta`, `tables`, `derived`); `sources` maps a derived
    path (derived.posts_total) to the answer keys or cells it is computed from; `vocabulary`
    says which paths are lists (the only things a phrase may loop over).
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        sources: Mapping[str, tuple[str, ...]],
        vocabulary: Vocabulary,
    ) -> None:
        self.data = data
        self.sources = sources
        self.vocabulary = vocabulary
        self.recorder = Recorder()
        self.tracked = {k: self._wrap(v, k) for k, v in data.items()}

    def _wrap(self, value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            return Node(
                {k: self._wrap(v, f"{path}.{k}") for k, v in value.items()}, path, self.recorder
            )
        return value

    def answered(self, path: str) -> bool:
        """True when every step of `path` exists and the value is not None or empty."""
        value: Any = self.data
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return False
            value = value[part]
        return value is not None and value != [] and value != ""

    def uses(self, paths: Iterable[str]) -> tuple[str, ...]:
        """The recorded paths as provenance: derived values replaced by their sources, the
        containers of a path read further left out."""
        expanded: list[str] = []
        for p in paths:
            expanded.extend(self.sources.get(p, (p,)))
        unique = list(dict.fromkeys(expanded))
        leaves = [p for p in unique if not any(q.startswith(p + ".") for q in unique)]
        return tuple(p for p in leaves if "." in p)


class Rendered(Struct, frozen=True):
    phrase: Phrase
    text: str
    uses: tuple[str, ...]


@lru_cache(maxsize=65_536)  # asked before a build, then again for each phrase it considers
def refusal(phrase: Phrase, vocabulary: Vocabulary) -> str | None:
    """Why the phrase must not be rendered (a forbidden construct, a syntax error, a name that is
    not in the answers schema, a loop over something that is not a list answer), or None."""
    for source, expression in ((phrase.text, False), (phrase.when, True)):
        if source is None:
            continue
        result = analyse(source, expression)
        problems = [*result.problems, *name_problems(result, vocabulary)]
        if problems:
            label = "的条件 when " if expression else ""
            return f"{phrase.where}{label}不能使用：{problems[0]}"
    return None


def applicable(phrase: Phrase, scope: Scope) -> bool:
    """Not a draft, every path its text and condition name is answered, and its `when` holds.
    Raises ReportWriterError (phrase id and file) for a phrase that is unsafe to render."""
    if phrase.draft:
        return False
    problem = refusal(phrase, scope.vocabulary)
    if problem:
        raise ReportWriterError(problem)
    paths = [*analyse(phrase.text).paths]
    if phrase.when:
        paths += analyse(phrase.when, expression=True).paths
    if not all(scope.answered(p) for p in paths):
        return False
    return phrase.when is None or evaluate(phrase, scope)


def rank(phrases: Iterable[Phrase], seed: str) -> list[Phrase]:
    """Phrases ordered by a stable hash of `seed` and their id (rendezvous hashing): adding or
    removing one phrase never reorders the others."""

    def score(p: Phrase) -> bytes:
        return hashlib.sha256(f"{seed}\x1f{p.id}".encode()).digest()

    return sorted(phrases, key=score, reverse=True)


def render(phrase: Phrase, scope: Scope) -> Rendered:
    """The phrase's text for these answers, with the answer keys and cells it read."""
    problem = refusal(phrase, scope.vocabulary)
    if problem:
        raise ReportWriterError(problem)
    scope.recorder.paths.clear()
    if phrase.when:
        evaluate(phrase, scope)
    text = "".join(line.strip() for line in _output(phrase, scope).splitlines())  # no breaks
    return Rendered(phrase, text, scope.uses(scope.recorder.paths))


def _output(phrase: Phrase, scope: Scope) -> str:
    """The text the phrase's template yields, at most MAX_OUTPUT_CHARS long."""
    parts = plain_text(phrase.text)
    mark = len(scope.recorder.paths)
    chunks: Iterable[str] | None = None
    if parts is not None:
        with suppress(Fallback):
            chunks = render_plain(parts, scope.tracked)
    kept: list[str] = []
    size = 0
    try:
        if chunks is None:
            del scope.recorder.paths[mark:]
            chunks = compile_template(phrase.text).generate(scope.tracked)
        with budgeted():  # the template runs as its chunks are taken
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise ReportWriterError(_too_long(phrase, scope))
                kept.append(chunk)
    except ReportWriterError:
        raise
    except Exception as exc:  # untrusted text: any failure is the phrase's, named with its file
        raise ReportWriterError(f"{phrase.where}无法生成文字：{reason(exc)}") from None
    return "".join(kept)


def _too_long(phrase: Phrase, scope: Scope) -> str:
    """A built-in phrase is ours: when its text runs too long, the answers it carries are."""
    if phrase.layer == BUILTIN:
        keys = [
            p if p.startswith(("meta.", "tables.")) else f"answers.{p}"
            for p in scope.uses(analyse(phrase.text).paths)
        ]
        return (
            f"report.yaml 中的 {'、'.join(keys) or '答案'} 太长，写成的一句话超过"
            f"{MAX_OUTPUT_CHARS}个字符：请精简这些答案（每项少写几个字，或合并几项）"
        )
    return f"{phrase.where}生成的文字超过{MAX_OUTPUT_CHARS}个字符，已停止"


def evaluate(phrase: Phrase, scope: Scope) -> bool:
    """Whether the phrase's `when` holds; ReportWriterError (phrase id and file) when it cannot
    be computed, an undefined value taken as true or false included."""
    assert phrase.when is not None
    tree = condition(phrase.when)
    if tree is not None:
        mark = len(scope.recorder.paths)
        try:
            return bool(run_condition(tree, scope.tracked))
        except Exception:  # an undefined value or a failed comparison: jinja says which
            del scope.recorder.paths[mark:]
    try:
        return bool(compile_expression(phrase.when)(scope.tracked))
    except Exception as exc:
        raise ReportWriterError(f"{phrase.where}的条件 when 无法计算：{reason(exc)}") from None
