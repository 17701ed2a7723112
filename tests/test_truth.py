"""A draft says only what the officer said, in one voice (issue 12, PROSE.md §3).

- every claim of a phrase's own words has its answer (phrasebank lint, and 200+ generated answer
  sets in which any field may be missing);
- section 一 never praises what section 五 names as a problem, and 五 never contradicts 一;
- the request paragraph reconciles (新收＋上年结转＝办结＋结转下年度) and every figure of the
  prose equals its answer or cell;
- a team's phrase is used, end to end, and a pinned built-in choice that keeps it out is named.
"""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import base_report
from report_writer.answers import load_schema
from report_writer.cli import app
from report_writer.document import Paragraph, Sentence
from report_writer.draft.checks import Said
from report_writer.draft.figures import stale
from report_writer.model import Report, parse_report
from report_writer.narrative import build_narrative, plan, scope_for, suggestions, vocabulary
from report_writer.phrasebank import Phrase, applicable, lint_phrase, load_phrasebank
from report_writer.phrasebank.claims import SECTIONS, own_words, rules
from test_narrative import complete_answers

runner = CliRunner()
AGENCIES = [
    ("某某市生态环境局", "department"),
    ("某某县人民政府", "government"),
    ("某某镇人民政府", "township"),
    ("某某区卫生健康委员会", "department"),
    ("某某街道办事处", "township"),
    ("某某县水利局", "department"),
]
# the three sentences issue 12 found without an answer behind them
UNANSWERED = ["常态化检查", "计入考核结果", "引导申请人准确描述所需信息"]


def sentences_of(narrative: dict[str, list[Any]], section: str) -> list[Sentence]:
    return [s for b in narrative[section] if isinstance(b, Paragraph) for s in b.sentences]


def answered(report: Report, name: str) -> bool:
    """Whether `name` (an answer key, or a table cell tables.t.r.c) has a value in `report`."""
    if name.startswith("tables."):
        _, table, row, column = name.split(".")
        return report.figures.values.get((table, row, column)) is not None
    group, _, field = name.partition(".")
    if group == "derived":
        return True
    value = (report.answers.get(group) or {}).get(field)
    return value not in (None, "", [])


# ---- lint ---------------------------------------------------------------------------------------


def team_phrase(slot: str, text: str, **extra: Any) -> Phrase:
    return Phrase(
        id="team.x",
        slot=slot,
        text=text,
        file=Path("team.yaml"),
        layer="team",
        when=extra.get("when"),
        asserts=tuple(extra.get("asserts", ())),
        claims=tuple(extra.get("claims", ())),
    )


@pytest.mark.parametrize(
    ("slot", "text", "extra", "message"),
    [
        # the issue's sentences: no answer can prove them
        (
            "platforms.portal",
            "对专栏内容开展常态化检查，及时更正过时和错误的信息。",
            {},
            "没有哪一项答案",
        ),
        # a specific claim without the answer behind it
        ("supervision.assessment", "各科室公开任务的完成情况计入考核结果。", {}, "asserts"),
        # a review before publication is a specific activity (management.secrecy_review)
        ("management.review", "拟公开的信息经审核后发布。", {}, "asserts"),
        # asserted, but the phrase does not require the answer: chosen without it
        (
            "supervision.assessment",
            "政务公开工作纳入年度考核。",
            {"asserts": ["supervision.assessment"]},
            "没有用到它",
        ),
        # an absolute whose `when` does not test what makes it true
        (
            "requests.timeliness",
            "申请均按时答复，按时答复率{{ requests.on_time_rate|percent }}。",
            {"asserts": ["requests.on_time_rate"]},
            "when",
        ),
        # praise of an aspect, not declared in claims
        ("platforms.portal", "{{ proactive.portal }}栏目更新及时。", {}, "claims"),
        ("platforms.portal", "网站检索便捷。", {"claims": ["convenience"]}, "不是问题类型"),
        # the year named twice in one sentence around free text
        ("other.matters", "本年度，全年{{ other.matters|clause }}。", {}, "时间词"),
    ],
)
def test_lint_refuses_a_claim_without_its_answer(
    slot: str, text: str, extra: dict[str, Any], message: str
) -> None:
    issues = lint_phrase(team_phrase(slot, text, **extra), vocabulary())
    assert issues and any(message in i.message for i in issues), issues


def test_lint_accepts_claims_backed_by_their_answers() -> None:
    backed = [
        team_phrase(
            "supervision.assessment",
            "政务公开工作纳入年度考核。",
            when="supervision.assessment",
            asserts=["supervision.assessment"],
        ),
        team_phrase(
            "requests.timeliness",
            "办结的申请均按时答复。",
            when="requests.on_time_rate == 100 and tables.applications.carried_forward.total == 0",
            asserts=["requests.on_time_rate", "tables.applications.carried_forward.total"],
        ),
        team_phrase(
            "platforms.portal",
            "{{ proactive.portal }}栏目更新及时。",
            claims=["timeliness"],
        ),
    ]
    for phrase in backed:
        assert lint_phrase(phrase, vocabulary()) == [], phrase.text


def test_phrasebank_add_takes_what_a_phrase_asserts(tmp_path: Path) -> None:
    add = ["phrasebank", "add", "--slot", "supervision.training", "--to", str(tmp_path / "t")]
    text = ["--text", "全年组织专题培训{{ supervision.trainings }}次。"]
    refused = runner.invoke(app, [*add, *text])
    assert refused.exit_code == 2 and "--asserts" in refused.output
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").glob("*.yaml"))
    added = runner.invoke(app, [*add, *text, "--asserts", "supervision.trainings"])
    assert added.exit_code == 0, added.output
    saved = load_phrasebank([tmp_path / "t"]).get("supervision.training.team1")
    assert saved is not None and saved.asserts == ("supervision.trainings",)


def test_builtin_bank_declares_what_it_asserts() -> None:
    result = runner.invoke(app, ["phrasebank", "lint"])
    assert result.exit_code == 0, result.output
    bank = load_phrasebank()
    for words in UNANSWERED:
        assert not [p.id for p in bank.phrases.values() if words in p.text]
    assert sum(1 for p in bank.phrases.values() if p.asserts) >= 60


# ---- every built-in phrase, each asserted answer missing ----------------------------------------


def rich_data() -> dict[str, Any]:
    from test_stated_figures import rich_report

    data = rich_report("某某市生态环境局", 2024)
    data["answers"]["problems"]["selected"] = []
    return data


def without(data: dict[str, Any], name: str) -> dict[str, Any]:
    """`data` with the answer or cell `name` missing (a cell: unknown, as an import leaves it)."""
    new = copy.deepcopy(data)
    if name.startswith("tables."):
        _, table, row, column = name.split(".")
        cells = new["tables"].setdefault(table, {}).setdefault(row, {})
        if column == "total":  # a derived total is unknown when a cell it sums is
            first = {"applications": "natural_person", "reviews": "upheld"}[table]
            cells.clear()
            cells[first] = None
        else:
            cells[column] = None
    else:
        group, _, field = name.partition(".")
        new["answers"].get(group, {}).pop(field, None)
    return new


def test_no_builtin_phrase_is_chosen_without_an_asserted_answer() -> None:
    bank = load_phrasebank()
    data = rich_data()
    checked = 0
    for phrase in bank.phrases.values():
        for name in phrase.asserts:
            if name.startswith("derived."):
                continue
            report = parse_report(without(data, name))
            scope = scope_for(report)
            assert not applicable(phrase, scope), (phrase.id, name)
            chosen = {
                s.phrase_id
                for section in ("overview", "problems", "other")
                for s in sentences_of(build_narrative(report, bank), section)
            }
            assert phrase.id not in chosen
            checked += 1
    assert checked >= 80


# ---- 200+ generated answer sets -----------------------------------------------------------------


def generated(seed: int) -> dict[str, Any]:
    """An answer set where every field may be present or absent, with consistent tables."""
    rnd = random.Random(seed)
    agency, level = AGENCIES[seed % len(AGENCIES)]
    full = complete_answers()
    schema = load_schema()
    answers: dict[str, Any] = {}
    for group in schema.groups:
        if group.key in ("units", "previous"):  # written by aggregate and init --from
            continue
        for f in group.fields:
            name = f.key.split(".", 1)[1]
            value = full.get(group.key, {}).get(name)
            if value is None or rnd.random() < 0.35:
                continue
            if f.type == "integer":
                value = rnd.choice([0, 0, 1, 3, 12])
            elif f.type == "percentage":
                value = rnd.choice([100, 100, 95, 80])
            elif f.type == "yes_no":
                value = rnd.random() < 0.5
            elif f.type == "multichoice":
                keys = [c.key for c in f.choices]
                value = rnd.sample(keys, rnd.randint(0, min(4, len(keys))))
            elif f.type == "records" and name == "last_year":
                value = rnd.choice(
                    [
                        [
                            {
                                "problem": "政务新媒体运营不够规范",
                                "progress": "制定了管理办法，已完成",
                            }
                        ],
                        [{"problem": "政策解读不够深入", "progress": "本年新增图解解读3篇"}],
                        [{"problem": "部分栏目更新不及时", "progress": "本年度建立了月度巡查制度"}],
                    ]
                )
            answers.setdefault(group.key, {})[name] = copy.deepcopy(value)
    if "other" in answers and rnd.random() < 0.5:
        answers["other"]["matters"] = "本年承办市人大代表建议21件，均已按期办结"
    new, carried = rnd.choice([0, 0, 4, 45]), rnd.choice([0, 0, 1, 3])
    forward = rnd.randint(0, new + carried) if rnd.random() < 0.4 else 0
    rows = ["granted", "partially_granted", "withheld_third_party", "unavailable_not_held"]
    results = dict.fromkeys(rows, 0)
    for _ in range(new + carried - forward):
        results[rnd.choice(rows)] += 1
    apps = {"new": new, "carried_over": carried, "carried_forward": forward, **results}
    tables = {
        "proactive": {
            "normative_documents": {
                "issued": rnd.choice([0, 2]),
                "repealed": rnd.choice([0, 1]),
                "in_force": rnd.choice([0, 9]),
            },
            "licensing": {"decisions": rnd.choice([0, 138])},
            "penalty": {"decisions": rnd.choice([0, 57])},
        },
        "applications": {row: {"natural_person": n} for row, n in apps.items()},
        "reviews": {"review": {"upheld": rnd.choice([0, 1]), "pending": rnd.choice([0, 1])}},
    }
    year = 2021 + seed % 5
    return {
        "meta": {"agency": agency, "year": year, "level": level},
        "answers": answers,
        "tables": base_report(**tables)["tables"],
    }


CONTRADICTIONS = [  # an answer of 0 stated in 一, and what 五 must then not presuppose
    ("management.interpretations", "解读的形式|解读内容多为|解读的覆盖面|解读工作与文件"),
    ("supervision.trainings", "培训的系统性"),
]


@pytest.mark.parametrize("chunk", range(4))
def test_generated_answer_sets_claim_only_what_is_answered_in_one_voice(chunk: int) -> None:
    bank = load_phrasebank()
    facts = rules()["facts"]
    qualities = rules()["qualities"]
    slots = plan().slots
    for seed in range(chunk * 55, chunk * 55 + 55):  # 220 answer sets in all
        data = generated(seed)
        report = parse_report(copy.deepcopy(data))
        narrative = build_narrative(report, bank)
        selected = set(data["answers"].get("problems", {}).get("selected") or [])
        one = sentences_of(narrative, "overview")
        five = sentences_of(narrative, "problems")
        six = sentences_of(narrative, "other")
        where = f"seed {seed}"
        for s in [*one, *six]:
            phrase = bank.get(s.phrase_id or "")
            if phrase is None or slots[phrase.slot].section not in SECTIONS:
                continue
            words = own_words(phrase.text)
            for rule in facts:
                if not re.search(rule["pattern"], words):
                    continue
                # a specific claim never appears without one of its answers
                behind = [
                    a for a in phrase.asserts if rule["answers"] == ["any"] or a in rule["answers"]
                ]
                assert behind and all(answered(report, a) for a in behind), (where, s.text)
            if slots[phrase.slot].section == "overview":
                for rule in qualities:  # 一 never praises what 五 names as a problem
                    if re.search(rule["pattern"], words):
                        assert rule["aspect"] not in selected, (where, s.text)
                assert not set(phrase.claims) & selected, (where, s.text)
        text_one, text_five = "".join(s.text for s in one), "".join(s.text for s in five)
        for name, presupposed in CONTRADICTIONS:
            group, field = name.split(".")
            if data["answers"].get(group, {}).get(field) == 0:
                assert not re.search(presupposed, text_five), (where, text_five)
        # the request paragraph reconciles, and every stated figure equals its source
        apps = data["tables"]["applications"]
        carried = apps["carried_over"]["natural_person"]
        forward = apps["carried_forward"]["natural_person"]
        if apps["new"]["natural_person"] + carried:
            if carried:
                assert re.search(rf"上年结转[^，。；\d]{{0,12}}{carried}件", text_one), where
            if forward:
                assert re.search(
                    rf"{forward}件结转下年度|结转下年度继续办理[^，。；\d]{{0,4}}{forward}件",
                    text_one,
                ), where
        if "法定期限内" in text_one:
            assert data["answers"]["requests"]["on_time_rate"] == 100 and not forward
        said = [
            Said("", key, s.text, 1)
            for key in ("overview", "other")
            for s in sentences_of(narrative, key)
        ]
        assert stale(report, said) == [], where
        # one word for the report year in a sentence, whatever the officer typed
        for s in [*one, *five, *six]:
            if s.phrase_id:
                year_words = re.findall(rf"本年度|本年|全年|{report.meta.year}年(?!底)", s.text)
                assert len(year_words) <= 1, (where, s.text)
        # 五 does not repeat last year's problem in this year's list
        last = data["answers"].get("problems", {}).get("last_year") or []
        if any("新媒体运营不够规范" in r["problem"] for r in last):
            assert "政务新媒体的内容策划和运营能力不足" not in text_five, where


# ---- a team's phrases win -----------------------------------------------------------------------


def example_workspace(tmp_path: Path) -> Path:
    from conftest import EXAMPLE

    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "report.yaml").write_text((EXAMPLE / "report.yaml").read_text("utf-8"), "utf-8")
    return folder


def test_a_team_phrase_added_is_used_by_build_and_marked_in_explain(tmp_path: Path) -> None:
    ws = example_workspace(tmp_path)
    team = tmp_path / "team-pb"
    text = "{{ meta.we }}的政府信息统一在{{ proactive.portal }}的公开专栏发布。"
    added = runner.invoke(
        app, ["phrasebank", "add", "--slot", "platforms.portal", "--text", text, "--to", str(team)]
    )
    assert added.exit_code == 0, added.output
    built = runner.invoke(app, ["build", str(ws), "--phrasebank", str(team)])
    assert built.exit_code in (0, 1), built.output  # the example's own 表四 error exits 1
    draft = (ws / "draft.md").read_text("utf-8")
    assert "我局的政府信息统一在东丽区人民政府门户网站的公开专栏发布。" in draft
    explained = runner.invoke(app, ["explain", str(ws), "--phrasebank", str(team)])
    line = next(x for x in explained.output.splitlines() if "platforms.portal.team1" in x)
    assert str(team) in line
    # the interview offers it first
    report = parse_report(yaml.safe_load((ws / "report.yaml").read_text("utf-8")))
    first, _ = suggestions(report, load_phrasebank([team]), "platforms.portal")[0]
    assert first.id == "platforms.portal.team1"


def test_a_pinned_builtin_choice_that_keeps_the_team_phrase_out_is_named(tmp_path: Path) -> None:
    ws = example_workspace(tmp_path)
    team = tmp_path / "team-pb"
    text = "{{ meta.we }}的政府信息统一在{{ proactive.portal }}的公开专栏发布。"
    runner.invoke(
        app, ["phrasebank", "add", "--slot", "platforms.portal", "--text", text, "--to", str(team)]
    )
    report_yaml = ws / "report.yaml"
    report_yaml.write_text(
        report_yaml.read_text("utf-8").replace(
            "phrases: {}", "phrases:\n  platforms.portal: platforms.portal.column"
        ),
        "utf-8",
    )
    built = runner.invoke(app, ["build", str(ws), "--phrasebank", str(team)])
    assert "统一在东丽区人民政府门户网站的公开专栏发布" not in (ws / "draft.md").read_text("utf-8")
    notes = [x for x in built.output.splitlines() if "platforms.portal.team1" in x]
    assert len(notes) == 1
    assert "phrases.platforms.portal 固定选用了内置表述 platforms.portal.column" in notes[0]
    assert f"report-writer interview {ws} --revisit 一 --phrasebank {team}" in notes[0]


def test_the_issues_year_reads_true(tmp_path: Path) -> None:
    """The city 生态环境局 of the issue: 45 new, 3 carried over, 2 still pending at year end."""
    from test_stated_figures import rich_report

    data = rich_report("某某市生态环境局", 2024)
    data["answers"]["problems"]["selected"] = ["interpretation"]
    data["answers"]["other"] = {"matters": "本年承办市人大代表建议21件"}
    apps = {
        "new": {"natural_person": 45},
        "carried_over": {"natural_person": 3},
        "granted": {"natural_person": 23},
        "partially_granted": {"natural_person": 7},
        "withheld_third_party": {"natural_person": 4},
        "unavailable_not_held": {"natural_person": 8},
        "rejected_complaint": {"natural_person": 4},
        "carried_forward": {"natural_person": 2},
    }
    data["tables"] = base_report(**{**data["tables"], "applications": apps})["tables"]
    for agency in ("某某市生态环境局", "某某州生态环境局", "某某县生态环境分局"):
        data["meta"]["agency"] = agency
        narrative = build_narrative(parse_report(copy.deepcopy(data)), load_phrasebank())
        one = "".join(s.text for s in sentences_of(narrative, "overview"))
        six = "".join(s.text for s in sentences_of(narrative, "other"))
        assert "新收政府信息公开申请45件" in one
        assert re.search(r"上年结转[^，。；\d]{0,12}3件", one)
        assert re.search(r"办结[^，。；\d]{0,4}46件", one)
        assert re.search(r"2件结转下年度|结转下年度继续办理2件", one)
        assert "均在法定期限内" not in one and "出台背景" not in one
        assert "本年度，本年" not in six and "本年承办市人大代表建议21件" in six
        assert not [w for w in UNANSWERED if w in one]


def test_preview_of_a_free_text_answer_shows_the_sentence_it_lands_in() -> None:
    from report_writer.interview.help import preview_text
    from report_writer.interview.questions import load_questions

    data = rich_data()
    data["answers"]["other"] = {"matters": "本年承办市人大代表建议21件"}
    report = parse_report(data)
    q = next(q for q in load_questions("gov2021") if q.key == "other.matters")
    shown = preview_text(report, q, load_phrasebank()).splitlines()
    assert shown[0] == "  本题的答案写入这句话："
    assert "本年承办市人大代表建议21件" in shown[1] and "本年度，本年" not in shown[1]
    assert any(line.startswith("六、") for line in shown[2:])  # then the whole part as before
