"""`phrasebank lint`: everything wrong with a phrase (slot, template safety and syntax, names,
punctuation, the form its slot asks for), and linting whole folders.

The Vocabulary (slots and names) is passed in by the caller; never imports the narrative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer import chinese
from report_writer.phrasebank.analysis import Vocabulary, analyse, name_problems
from report_writer.phrasebank.bank import Issue, Phrase, layer_folders, read_phrasebank
from report_writer.phrasebank.claims import claim_problems
from report_writer.phrasebank.sandbox import (
    MAX_OUTPUT_CHARS,
    budgeted,
    compile_expression,
    compile_template,
    reason,
)

# Punctuation that must be full-width in phrase text (all of it is Chinese): half-width
# , ; : ? ! ( ) " and a . that is not inside a number or a name (3.5, www.gov.cn). Patterns
# only lint uses stay strings, compiled on first use by re's own cache.
_HALF_WIDTH = r'[,;:?!()"]|(?<![0-9A-Za-z])\.|\.(?![0-9A-Za-z])'
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PAIR_CHARS = "[“”‘’（）《》【】「」〔〕]"
_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」", "〔": "〕"}


def lint_folders(vocab: Vocabulary, dirs: Sequence[Path] = ()) -> LintReport:
    """Lint the given phrase folders (each a layer), or the built-in phrasebank when none, against
    what a phrase may name (`vocab`)."""
    # Team folders are read over the built-in layer, as a build reads them, so that an override
    # is checked against what it overrides; only the folders given are reported on.
    bank = read_phrasebank(layer_folders(dirs))
    linted = bank.layers[1:] if dirs else bank.layers
    issues = list(bank.issues)
    for layer in linted:
        for phrase in layer.phrases:
            issues.extend(lint_phrase(phrase, vocab))
    return LintReport(sum(layer.entries for layer in linted), issues)


def lint_phrase(phrase: Phrase, vocab: Vocabulary) -> list[Issue]:
    """Everything wrong with one phrase: slot, template safety and syntax, names, punctuation,
    and what it claims (claims.py)."""
    found = [*_problems(phrase.slot, phrase.text, phrase.when, vocab)]
    if not found:  # what it claims is read once the text itself is sound
        found.extend(claim_problems(phrase, vocab))
    return [Issue(phrase.file, phrase.id, message) for message in found]


@lru_cache(maxsize=65_536)
def _problems(slot: str, text: str, when: str | None, vocab: Vocabulary) -> tuple[str, ...]:
    found: list[str] = []
    form = vocab.slots.get(slot)
    if form is None:
        found.append(f"未知的段落（slot）“{slot}”")
    for source, expression in ((text, False), (when, True)):
        if source is None:
            continue
        label = "条件 when " if expression else ""
        result = analyse(source, expression)
        problems = [*result.problems, *name_problems(result, vocab)]
        if not problems:  # safe to run: run it within the bounds
            problems = _trial(source, expression, vocab)
        found.extend(f"{label}{p}" for p in problems)
    # the text between template tags; a tag's place keeps a letter so "{{ a }}.{{ b }}" is
    # not read as the number-like "." of "a.b"
    literal = _TAGS.sub("", text) if "{" in text else text
    half = sorted(set(re.findall(_HALF_WIDTH, literal)))
    if half:
        found.append(f"中文里用了半角标点 {' '.join(half)}，应使用全角标点（，；：？！（）“”。）")
    found.extend(_balance(literal))
    if form is not None:
        found.extend(_form(text, form))
    return tuple(found)


def _trial(source: str, expression: bool, vocab: Vocabulary) -> list[str]:
    """Evaluate a template that multiplies (`*` is the one operator that makes a value much
    larger than what it is made of) over sample answers, within the sandbox's bounds: a phrase
    that would build too much is refused here, with its id and file, not first at a build.
    Other failures depend on the real answers and are left to the build."""
    from jinja2.exceptions import SecurityError

    if "*" not in source:
        return []
    for sample in _samples(vocab):
        try:
            with budgeted():
                if expression:
                    compile_expression(source)(sample)
                else:
                    size = 0
                    for chunk in compile_template(source).generate(sample):
                        size += len(chunk)
                        if size > MAX_OUTPUT_CHARS:
                            break
        except SecurityError as exc:
            return [reason(exc)]
        except Exception:  # a comparison of a sample value, and the like: not this check's
            continue
    return []


@lru_cache(maxsize=8)
def _samples(vocab: Vocabulary) -> tuple[dict[str, Any], ...]:
    """Answers for every name, three items to each list; the plain ones once as numbers, once
    as text."""

    def fill(node: Any, scalar: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v, scalar) for k, v in node.items()}
        if node == "list":
            return [scalar] * 3
        if isinstance(node, tuple):  # ("records", field names)
            return [dict.fromkeys(node[1], scalar)] * 3
        return scalar

    return tuple(fill(vocab.tree, scalar) for scalar in (12, "示例文字"))


def _balance(literal: str) -> list[str]:
    stack: list[str] = []
    closers = {v: k for k, v in _PAIRS.items()}
    for ch in re.findall(_PAIR_CHARS, literal):
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in closers:
            if not stack or stack[-1] != closers[ch]:
                return [f"引号或括号不配对：多出“{ch}”"]
            stack.pop()
    if stack:
        return [f"引号或括号不配对：“{stack[-1]}”没有闭合"]
    return []


def _form(text: str, form: str) -> list[str]:
    tail = text.rstrip()
    if tail.endswith(("}}", "%}")):
        return []  # ends with template output: the rendered end cannot be seen here
    last = tail[-1:]
    if form == "sentence" and last not in chinese.SENTENCE_ENDS:
        return ["应为完整的句子，以“。”结尾"]
    if form == "lead" and last != "：":
        return ["是列举的引语，应以“：”结尾"]
    if form == "item" and last in "。；，：、":
        return [f"是列举中的一项，结尾不应有“{last}”（编号和标点由程序添加）"]
    return []


class LintReport(Struct, frozen=True):
    phrases: int  # how many entries were checked, the broken ones included
    issues: list[Issue]
