"""The phrasebank's fast paths (plain `when` conditions and plain texts, done without jinja) give
exactly what the sandboxed jinja path gives: the same analysis, applicability, rendered text,
recorded uses and errors, over every built-in phrase and a set of tricky ones, in several scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from report_writer import context, narrative
from report_writer.errors import ReportWriterError
from report_writer.phrasebank import (
    Phrase,
    Scope,
    analyse,
    applicable,
    conditions,
    load_phrasebank,
    plain,
    render,
    rendering,
)
from report_writer.phrasebank import analysis as analysing
from report_writer.workspace import load_report, open_workspace

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dongli-2023"
FILE = Path("team.yaml")

TRICKY_CONDITIONS = [
    "fees.notices",
    "not fees.notices",
    "not not supervision.assessment",
    "fees.notices == 0 and supervision.assessment",
    "fees.notices > 0 or supervision.assessment",
    "(fees.notices > 0 or meta.year > 2000) and not supervision.assessment",
    "0 <= fees.notices < 100",
    "meta.year > fees.notices > -1",
    "1 < 2",
    "'written_reply' in requests.procedure",
    "'written_reply' not in requests.procedure",
    "'政府' in meta.agency",
    'meta.level == "government"',
    "meta.level != 'government'",
    "requests.on_time_rate >= 99.5",
    "meta.year == 2023.0",
    "meta.year == 00",
    "meta.year == 2_023",
    "meta.year == 2.023e3",
    "meta.level < 1",
    "meta.nothing == 1",
    "nothing.at.all",
    "fees.notices == 0 or nothing.at.all",
    "meta.in",
    "true",
    "meta.level == 'it''s'",
    "meta.level == 'q\\'",
    "fees.notices is defined",
    "fees.notices|int > 0",
    "fees.notices if meta.year else 1",
    "_meta.year",
    "meta._year",
    "loop.index",
    "meta .year",
    "meta.year = 1",
    "meta.year ==",
    "(meta.year",
    "meta.year)",
    "meta.year 1",
    "()",
    "meta.level == '}}'",
    "meta.level == '{{ x }}'",
    "meta.year\n== 2023",
    "meta.year\u3000== 2023",
    "meta.year == -1",
    "meta.year + 1 > 2023",
]
TRICKY_TEXTS = [
    "{{ meta.we }}",
    "{{meta.we}}",
    "{{  meta.we  |  clause | sentence  }}",
    "{{ meta.nothing }}",
    "{{ nothing.at.all }}。",
    "第一行\r\n{{ meta.we }}\r第二行\n  第三行  ",
    "{{ requests.procedure|join_cn }}",
    "{{ meta.we|length }}",
    "{{ tables.applications.new|percent }}",
    "{{ meta }}",
    "{{ meta.year|yuan }}{{ meta.year|wan }}{{ meta.year|numeral }}",
    "{{ meta.we }}}",
    "{ {{ meta.we }}",
    "{{ true }}",
    "{{ loop.index }}",
    "{{ meta._we }}",
    "{{ meta.we|nofilter }}",
    "{{- meta.we }}",
    "{{ meta.we }}" * 300,
    "字" * 1990 + "{{ meta.agency }}{{ meta.agency }}",
    "{{ meta.year + 1 }}年",
    "{{ meta.year - meta.last_year }}{{ 'a' + meta.we }}{{ meta.year -1 }}",
    "{{ meta.year +  }}",
    "{{ -meta.year }}",
    "{{ meta.year + -1 }}",
    "{{ meta.year + 01 }}{{ meta.year + 1.5 }}{{ meta.year + 1_0 }}",
    "{{ proactive.items|map(attribute='kind')|join_cn }}",
    "{{ proactive.items|map(attribute=1)|join_cn }}",
    "{{ proactive.items|map('kind')|join_cn }}",
    "{{ proactive.items|nosuch(attribute='kind') }}",
    "{{ proactive.items|map(attribute='kind', x='y')|join_cn }}",
    "{% for r in problems.last_year %}{{ loop.index|numeral }}{{ r.problem|clause }}"
    "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}{{ r.problem }}",
    "{% for r in problems.last_year %}{% for s in problems.last_year %}{{ s.problem }}"
    "{% endfor %}{% endfor %}",
    "{% for loop in problems.last_year %}{% endfor %}",
    "{% for r in loop.items %}{% endfor %}",
    "{% for r in meta.we %}{{ r }}{{ r.x.y }}{% endfor %}",
    "{% for r in problems.last_year %}{% else %}无{% endfor %}",
    "{% for r in problems.last_year|sort %}{% endfor %}",
    "{% for r in problems.last_year recursive %}{% endfor %}",
    "{% for r in problems.last_year if r.problem %}{% endfor %}",
    "{%for r in problems.last_year%}{{r.problem}}{%endfor%}",
    "{% if meta.we %}{{ meta.we }}{% else %}{{ meta.agency }}{% endif %}",
    "{% if meta.we %}x{% elif meta.agency %}y{% endif %}",
    "{% if meta.year+1 %}x{% endif %}{% if meta.we|clause %}y{% endif %}",
    "{% if meta.we %}x",
    "{% endif %}",
    "{% if meta.we %}{% for r in problems.last_year %}{{ r.progress }}{% endfor %}{% endif %}",
    "{%- if meta.we %}x{% endif %}{% if meta.we -%}x{% endif %}{{ meta.we -}}",
    "{# 注释 #}{{ meta.we }}",
    "{% raw %}{{ x }}{% endraw %}",
    "{{ 'a}}' }}",
    "{% if '%}' %}x{% endif %}",
    "{% if loop.last %}x{% endif %}{{ r.progress|clause }}",
    "{% set x = 1 %}{{ x }}",
    "{% for r in problems.last_year %}{% if problems.last_year|length > 1 %}{{ loop.index }}"
    "{% endif %}{% endfor %}",
    "{% if not not meta.we or meta.year in meta.agency and 'x' not in meta.we %}x{% endif %}",
    "{{ meta.year > 1 and not meta.we }}{{ meta.year < 2 < 3 }}{{ meta.year|abs >= 2 }}",
    "{{ meta.year == not meta.we }}",
    "{{ meta.year + not 1 }}",
    "{{ not }}",
    "{{ meta.year > }}",
    "{{ meta.year = 1 }}",
    "{{ meta.year not meta.we }}",
    "{{ (meta.year) }}",
    "{% if meta.year is defined %}x{% endif %}",
    "{% if %}x{% endif %}",
]


def contexts() -> Iterator[tuple[str, Scope]]:
    """The example's scope and variants that flip conditions and stretch texts."""
    report = load_report(open_workspace(EXAMPLE))
    base = context.template_context(report)

    def changed(value: Any, leaf: Callable[[Any], Any]) -> Any:
        if isinstance(value, dict):
            return {k: changed(v, leaf) for k, v in value.items()}
        if isinstance(value, list):
            return [changed(v, leaf) for v in value]
        return leaf(value)

    def zero(v: Any) -> Any:
        return (not v) if isinstance(v, bool) else 0 if isinstance(v, int | float) else v

    def more(v: Any) -> Any:
        return v if isinstance(v, bool) else v + 7 if isinstance(v, int | float) else v

    def long(v: Any) -> Any:
        return v * 300 if isinstance(v, str) else v

    def blank(v: Any) -> Any:
        return None if isinstance(v, int | float) and not isinstance(v, bool) else v

    def spaced(v: Any) -> Any:
        return f" {v}\n 又一行 " if isinstance(v, str) else v

    yield "example", Scope(base, context.sources(), narrative.vocabulary())
    variants = {"zero": zero, "more": more, "long": long, "blank": blank, "spaced": spaced}
    for name, leaf in variants.items():
        data = changed(base, leaf)
        yield name, Scope(data, context.sources(), narrative.vocabulary())


def outcome(
    action: Callable[[Phrase, Scope], Any], phrase: Phrase, scope: Scope
) -> tuple[Any, ...]:
    try:
        value = action(phrase, scope)
    except ReportWriterError as exc:
        return ("error", str(exc))
    if isinstance(value, rendering.Rendered):
        return ("rendered", value.text, value.uses)
    return ("value", type(value), value)


def forget_analyses() -> None:
    analysing.ANALYSES.clear()
    rendering.refusal.cache_clear()  # a refusal is judged on the analyses


def results(phrases: list[Phrase], scopes: list[tuple[str, Scope]]) -> list[tuple[Any, ...]]:
    """Analysis of each text and condition, then, in each scope: applicability, the value of the
    condition with the paths it read, and the rendering."""
    forget_analyses()
    found: list[tuple[Any, ...]] = []
    for p in phrases:
        found.append((p.id, analyse(p.text), p.when and analyse(p.when, expression=True)))
    for name, scope in scopes:
        for p in phrases:
            found.append((name, p.id, "applicable", outcome(applicable, p, scope)))
            if p.when:
                scope.recorder.paths.clear()
                value = outcome(rendering.evaluate, p, scope)
                found.append((name, p.id, "when", value, list(scope.recorder.paths)))
            found.append((name, p.id, "render", outcome(render, p, scope)))
    return found


def test_fast_paths_give_what_jinja_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    bank = list(load_phrasebank().phrases.values())
    tricky = [
        Phrase(f"team.when{i}", "other.matters", "{{ meta.we }}。", FILE, "team", when=w)
        for i, w in enumerate(TRICKY_CONDITIONS)
    ]
    tricky += [
        Phrase(f"team.text{i}", "other.matters", t, FILE, "team")
        for i, t in enumerate(TRICKY_TEXTS)
    ]
    phrases = bank + tricky
    scopes = list(contexts())
    # the fast paths are really taken: every built-in condition, nearly every built-in text
    assert all(conditions.condition(p.when) is not None for p in bank if p.when)
    plain_texts = [p for p in bank if plain.plain_text(p.text) is not None]
    assert len(plain_texts) > 0.9 * len(bank)
    assert all(plain.structured(p.text) for p in bank if p not in plain_texts)
    assert sum(plain.structured(t) is not None for t in TRICKY_TEXTS) > 5
    fast = results(phrases, scopes)
    with monkeypatch.context() as m:
        # each fast path, where it is called from
        m.setattr(conditions, "condition", lambda source: None)
        m.setattr(rendering, "condition", lambda source: None)
        m.setattr(rendering, "plain_text", lambda source: None)
        m.setattr(analysing, "simple", lambda source: None)
        m.setattr(analysing, "structured", lambda source: None)
        slow = results(phrases, scopes)
    forget_analyses()
    assert len(fast) == len(slow)
    for mine, theirs in zip(fast, slow, strict=True):
        assert mine == theirs
    rendered = [r for r in fast if r[2:3] == ("render",) and r[3][0] == "rendered"]
    assert len(rendered) > 100  # the comparison covers real texts, not only errors
    errors = {r[3][1] for r in fast if r[2:3] == ("render",) and r[3][0] == "error"}
    assert any("超过2000个字符" in e for e in errors)  # the output limit is reached
    assert any("未填写或不存在" in e for e in errors)  # and undefined values are named
