"""The phrasebank: layered folders of phrase files, their lint, and rendering one phrase safely.

A phrase is a jinja template over the answers and tables. This package knows slots only as names,
and what a phrase may name only as the Vocabulary its caller passes in; which slot goes where, and
what the answers look like to a phrase, are narrative.py's and context.py's business. It never
imports them.

Code outside the package imports from here; the modules, from the ground up:
  sandbox     the jinja sandbox, the limits on untrusted text, jinja's errors in Chinese
  scan        what a template reads, from jinja's syntax tree
  conditions  fast path for plain `when` conditions
  plain       fast path for plain texts
  analysis    analysing a text or condition; Vocabulary and the names it allows
  bank        Phrase, Layer, Phrasebank; reading the layers from their folders
  rendering   Scope, applicable, rank, render
  lint        `phrasebank lint`
  edit        `phrasebank list/show/add`
"""

from report_writer.phrasebank.analysis import Vocabulary, analyse
from report_writer.phrasebank.bank import (
    BUILTIN,
    CACHE_MIN_CHARS,
    Issue,
    Layer,
    Phrase,
    Phrasebank,
    layer_folders,
    layer_label,
    load_phrasebank,
    phrasebank_for,
    read_phrasebank,
    team_folders,
)
from report_writer.phrasebank.edit import add_phrase, list_phrases, show_phrase
from report_writer.phrasebank.lint import LintReport, lint_folders, lint_phrase
from report_writer.phrasebank.rendering import Rendered, Scope, applicable, rank, refusal, render
from report_writer.phrasebank.sandbox import MAX_LOOP_DEPTH, MAX_OUTPUT_CHARS, MAX_TEMPLATE_CHARS
from report_writer.phrasebank.scan import Analysis

__all__ = [
    "BUILTIN",
    "CACHE_MIN_CHARS",
    "MAX_LOOP_DEPTH",
    "MAX_OUTPUT_CHARS",
    "MAX_TEMPLATE_CHARS",
    "Analysis",
    "Issue",
    "Layer",
    "LintReport",
    "Phrase",
    "Phrasebank",
    "Rendered",
    "Scope",
    "Vocabulary",
    "add_phrase",
    "analyse",
    "applicable",
    "layer_folders",
    "layer_label",
    "lint_folders",
    "lint_phrase",
    "list_phrases",
    "load_phrasebank",
    "phrasebank_for",
    "rank",
    "read_phrasebank",
    "refusal",
    "render",
    "show_phrase",
    "team_folders",
]
