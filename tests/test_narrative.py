"""The narrative of sections 一、五、六: structure, figures with provenance, selection rules."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import base_report
from report_writer.answers import load_schema
from report_writer.document import Heading, Paragraph, Sentence
from report_writer.errors import ReportWriterError
from report_writer.model import Report, parse_report
from report_writer.narrative import (
    OPENING_CHARS,
    build_narrative,
    opening,
    plan,
    scope_for,
    suggestions,
    template_context,
)
from report_writer.phrasebank import Phrase, applicable, load_phrasebank, rank, render

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dongli-2023" / "report.yaml"
ZERO_COUNT = re.compile(r"(?<![\d.])0[件条名次篇人]")
ASPECTS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def report_from(data: dict[str, Any]) -> Report:
    return parse_report(copy.deepcopy(data))


def sentences(blocks: list[Heading | Paragraph]) -> list[Sentence]:
    return [s for b in blocks if isinstance(b, Paragraph) for s in b.sentences]


def texts(narrative: dict[str, list[Heading | Paragraph]]) -> list[str]:
    return [s.text for blocks in narrative.values() for s in sentences(blocks)]


@pytest.fixture(scope="module")
def dongli() -> dict[str, list[Heading | Paragraph]]:
    return build_narrative(report_from(example_data()), load_phrasebank())


def test_overview_covers_the_five_aspects_in_order(dongli: dict[str, list[Any]]) -> None:
    blocks = dongli["overview"]
    headings = [b for b in blocks if isinstance(b, Heading)]
    assert [h.text for h in headings] == [
        f"（{n}）{a}" for n, a in zip("一二三四五", ASPECTS, strict=True)
    ]
    assert all(h.level == 2 for h in headings)
    assert isinstance(blocks[0], Paragraph)  # the opening paragraph comes before （一）
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            assert isinstance(blocks[i + 1], Paragraph), block.text


def test_dongli_figures_come_from_answers_and_tables(dongli: dict[str, list[Any]]) -> None:
    overview = sentences(dongli["overview"])
    posts = [s for s in overview if "474条" in s.text]
    assert len(posts) == 1
    assert "366条" in posts[0].text and "108条" in posts[0].text
    assert posts[0].uses == ("platforms.channels",)
    applications = [s for s in overview if "申请9件" in s.text]
    assert len(applications) == 1
    assert "tables.applications.new.total" in applications[0].uses
    supervisors = [s for s in overview if "41名" in s.text]
    assert len(supervisors) == 1
    assert "supervision.social_supervisors" in supervisors[0].uses
    assert all(s.phrase_id and s.layer == "builtin" for s in overview)
    assert not any(ZERO_COUNT.search(s.text) for s in overview)


def test_dongli_problems_name_three_problems_with_measures(dongli: dict[str, list[Any]]) -> None:
    problems, measures = [b for b in dongli["problems"] if isinstance(b, Paragraph)]
    items = problems.sentences[1:]
    assert [s.phrase_id.split(".")[1] for s in items if s.phrase_id] == [
        "depth",
        "timeliness",
        "interpretation",
    ]
    assert [s.text[:2] for s in items] == ["一是", "二是", "三是"]
    assert items[-1].text.endswith("。") and items[0].text.endswith("；")
    assert problems.sentences[0].text.endswith("：")
    # the officer's own measures are written instead of the phrasebank's
    own = [s for s in measures.sentences if s.uses == ("problems.measures",)]
    assert len(own) == 3 and own[0].text.startswith("一是") and "范围和层次" in own[0].text


def test_dongli_other_states_the_fee(dongli: dict[str, list[Any]]) -> None:
    fee = sentences(dongli["other"])[0]
    assert fee.phrase_id and fee.phrase_id.startswith("other.fees.")
    assert "信息处理费" in fee.text and "fees.notices" in fee.uses
    assert not any(isinstance(b, Heading) for b in dongli["other"])  # a department: no headings
    assert "没有其他需要报告的事项" in sentences(dongli["other"])[-1].text


def test_no_phrase_twice_and_no_neighbours_opening_alike(dongli: dict[str, list[Any]]) -> None:
    ids = [s.phrase_id for blocks in dongli.values() for s in sentences(blocks) if s.phrase_id]
    problem_items = [i for i in ids if i.startswith(("problems.", "measures."))]
    assert len(set(ids)) == len(ids), ids
    assert problem_items
    paragraphs = [b for blocks in dongli.values() for b in blocks if isinstance(b, Paragraph)]
    openings = [p.text[:OPENING_CHARS] for p in paragraphs]
    assert all(a != b for a, b in itertools.pairwise(openings)), openings


def test_selection_is_deterministic(dongli: dict[str, list[Any]]) -> None:
    again = build_narrative(report_from(example_data()), load_phrasebank())
    assert texts(again) == texts(dongli)
    other = example_data()
    other["meta"]["agency"] = "东丽区某某局"
    assert texts(build_narrative(report_from(other), load_phrasebank())) != texts(dongli)


def test_zero_aware_wording() -> None:
    data = example_data()
    zero = base_report()["tables"]  # every cell 0: filled in, and nothing to report
    data["tables"]["applications"] = zero["applications"]
    data["tables"]["proactive"] = zero["proactive"]
    data["answers"]["platforms"]["channels"] = [{"name": "微信公众号", "count": 0}]
    data["answers"]["supervision"] = {"trainings": 0, "accountability_cases": 0}
    narrative = build_narrative(report_from(data), load_phrasebank())
    all_text = "".join(texts(narrative))
    assert "未收到" in all_text and "政府信息公开申请" in all_text
    assert not ZERO_COUNT.search(all_text), all_text
    assert "未单独组织政务公开业务培训" in all_text
    assert "未收取" in all_text


def test_team_folder_override_and_addition_change_exactly_those_sentences(
    tmp_path: Path, dongli: dict[str, list[Any]]
) -> None:
    report = report_from(example_data())
    base = sentences(dongli["overview"])
    channels = next(s for s in base if s.phrase_id and s.phrase_id.startswith("platforms.channels"))
    # a phrase for the fee slot whose id ranks first for this agency and year
    bank = load_phrasebank()
    fee = next(
        s
        for s in sentences(dongli["other"])
        if s.phrase_id and s.phrase_id.startswith("other.fees")
    )
    current = bank.get(fee.phrase_id or "")
    assert current is not None
    seed = f"{report.meta.agency}\x1f{report.meta.year}\x1fother.fees"
    new_id = next(
        f"team.fee{n}"
        for n in range(1000)
        if rank([current, Phrase(f"team.fee{n}", "other.fees", "x", Path("x"), "x")], seed)[0].id
        == f"team.fee{n}"
    )
    team = tmp_path / "team"
    team.mkdir()
    (team / "phrases.yaml").write_text(
        yaml.safe_dump(
            {
                "phrases": [
                    {
                        "id": channels.phrase_id,
                        "slot": "platforms.channels",
                        "text": "经统计，{{ meta.we }}政务新媒体全年发布{{ derived.posts_total }}条。",
                    },
                    {
                        "id": new_id,
                        "slot": "other.fees",
                        "when": "fees.notices == 0",
                        "text": "经核查，{{ meta.year }}年未收取信息处理费。",
                    },
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    layered = build_narrative(report, load_phrasebank([team]))
    before, after = texts(dongli), texts(layered)
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b for _, b in changed] == [
        "经统计，我局政务新媒体全年发布474条。",
        "经核查，2023年未收取信息处理费。",
    ]
    layers = {s.phrase_id: s.layer for blocks in layered.values() for s in sentences(blocks)}
    assert layers[channels.phrase_id] == layers[new_id] == str(team)


def test_recorded_choice_is_used_and_checked() -> None:
    data = example_data()
    data["phrases"] = {"platforms.channels": "platforms.channels.bracket"}
    narrative = build_narrative(report_from(data), load_phrasebank())
    assert "platforms.channels.bracket" in [s.phrase_id for s in sentences(narrative["overview"])]
    data["phrases"] = {"platforms.channels": "platforms.channels.nope"}
    with pytest.raises(ReportWriterError) as err:
        build_narrative(report_from(data), load_phrasebank())
    assert "platforms.channels.nope" in str(err.value) and "phrases.platforms.channels" in str(
        err.value
    )
    data["phrases"] = {"requests.counts": "requests.counts.none"}  # says none; 9 were received
    with pytest.raises(ReportWriterError) as err:
        build_narrative(report_from(data), load_phrasebank())
    assert "requests.counts.none" in str(err.value) and "不适用" in str(err.value)


def test_draft_phrases_are_never_selected(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    drafts = [
        {"id": f"harvest.{n}", "slot": "other.fees", "text": f"草稿{n}。", "draft": True}
        for n in range(30)
    ]
    (team / "harvest.yaml").write_text(
        yaml.safe_dump({"phrases": drafts}, allow_unicode=True), encoding="utf-8"
    )
    report = report_from(example_data())
    narrative = build_narrative(report, load_phrasebank([team]))
    assert not any("草稿" in t for t in texts(narrative))
    assert all(
        not p.draft for p, _ in suggestions(report, load_phrasebank([team]), "other.fees", 10)
    )


def test_government_writes_its_own_items() -> None:
    data = example_data()
    data["meta"]["agency"] = "东丽区人民政府"
    data["meta"]["level"] = "government"
    data["answers"]["government"] = {
        "key_points": "制定年度政务公开工作任务分工，逐项抓好落实",
        "proposals": "全年公开建议提案办理复文30件",
        "innovation": "开设惠企政策专栏",
    }
    data["answers"]["supervision"]["appraisal"] = "组织群众对政务公开工作满意度测评"
    narrative = build_narrative(report_from(data), load_phrasebank())
    other = [b.text for b in narrative["other"] if isinstance(b, Heading)]
    assert other == [
        "（一）信息处理费收取情况",
        "（二）落实上级年度政务公开工作要点情况",
        "（三）人大代表建议和政协提案办理结果公开情况",
        "（四）政务公开工作创新情况",
    ]
    body = "".join(texts(narrative))
    assert "办理复文30件" in body and "惠企政策专栏" in body and "满意度测评" in body
    assert "我区" in body
    assert not any(t.startswith("无") for t in texts({"other": narrative["other"]}))


def test_suggestions_put_the_drafts_choice_first(dongli: dict[str, list[Any]]) -> None:
    report = report_from(example_data())
    bank = load_phrasebank()
    options = suggestions(report, bank, "platforms.channels")
    assert 1 < len(options) <= 3
    used = next(
        s
        for s in sentences(dongli["overview"])
        if s.phrase_id and s.phrase_id.startswith("platforms.channels")
    )
    assert options[0][0].id == used.phrase_id and options[0][1] == used.text
    assert all("474" in text for _, text in options)
    data = example_data()
    data["phrases"] = {"platforms.channels": options[-1][0].id}
    assert suggestions(report_from(data), bank, "platforms.channels")[0][0].id == options[-1][0].id


def test_template_context_and_slot_plan() -> None:
    context = template_context(report_from(example_data()))
    assert context["derived"]["posts_total"] == 474
    assert context["derived"]["items_total"] == 52
    assert context["tables"]["applications"]["new"]["total"] == 9
    assert context["meta"]["we"] == "我局"
    assert context["supervision"]["social_supervisors"] == 41
    aspects = [a.key for a in plan().sections["overview"]]
    assert aspects == [
        "overview.opening",
        "overview.units",  # sums of a government's units (aggregate)
        "overview.proactive",
        "overview.requests",
        "overview.management",
        "overview.platforms",
        "overview.supervision",
    ]
    slots = plan().aspect_slots("overview.platforms")
    assert [s.key for s in slots] == ["platforms.portal", "platforms.channels", "units.posts"]


def fixture_reports() -> list[dict[str, Any]]:
    """The example, a government that answered everything with non-zero figures, and
    departments whose figures are all zero: between them every built-in phrase applies."""
    base = example_data()
    full = copy.deepcopy(base)
    full["meta"].update(agency="某某区人民政府", level="government")
    # every answer (see complete_answers), with every problem type and none of the office's own
    # measures, so that each built-in measure applies
    full["answers"] = answers = complete_answers()
    answers["overview"]["highlights"] = ["开展政策文件集中清理"]
    answers["leadership"].update(lead="分管副区长", office="区政府办公室")
    answers["proactive"] = {
        "portal": "某某区人民政府门户网站",
        "items": [
            {"kind": "行政处罚信息", "count": 20},
            {"kind": "财政预决算信息", "count": 6},
        ],
    }
    answers["requests"]["procedure"] = ["registration", "written_reply"]
    answers["problems"] = {
        "selected": [c.key for c in load_schema().field("problems.selected").choices],
        "last_year": [{"problem": "政策解读不够深入", "progress": "已建立同步解读机制"}],
    }
    tables = full["tables"]
    tables["proactive"]["normative_documents"] = {"issued": 3, "repealed": 1, "in_force": 20}
    tables["proactive"]["licensing"] = {"decisions": 5}
    tables["proactive"]["fees"] = {"amount": "1.25"}
    tables["applications"]["new"].update(business=2, total=11)
    tables["applications"]["granted"].update(business=2, total=2)
    for row in ("carried_over", "carried_forward"):
        tables["applications"][row].update(natural_person=1, total=1)
    zeros = copy.deepcopy(base)
    zeros["tables"] = base_report()["tables"]
    zeros["answers"] = {
        "leadership": {"lead": "分管副局长", "office": "办公室", "staff": 0, "meetings": 0},
        "proactive": {"portal": "网站", "items": [{"kind": "行政处罚信息", "count": 0}]},
        "requests": {"on_time_rate": 90, "consultations": 0},
        "management": {
            "secrecy_review": False,
            "interpretations": 0,
            "documents_reviewed": 0,
            "guide_updated": False,
        },
        "platforms": {"channels": [{"name": "微信公众号", "count": 0}]},
        "supervision": {
            "trainings": 0,
            "trainees": 0,
            "social_supervisors": 0,
            "assessment": False,
            "accountability_cases": 0,
        },
        "fees": {"notices": 0, "amount": 0, "collected": 0},
    }
    unpaid = copy.deepcopy(zeros)
    unpaid["answers"]["fees"] = {"notices": 1, "amount": 20, "collected": 0}
    unpaid["answers"]["requests"]["on_time_rate"] = 50
    unpaid["tables"] = base_report(
        applications={
            "carried_over": {"natural_person": 1},
            "other_other": {"natural_person": 1},
        },
        proactive={"normative_documents": {"in_force": 3}},
    )["tables"]
    silent = copy.deepcopy(zeros)
    del silent["answers"]["fees"]
    single = copy.deepcopy(base)
    single["answers"]["platforms"]["channels"] = [{"name": "政务微博", "count": 35}]
    single["answers"]["proactive"]["items"] = [{"kind": "行政处罚信息", "count": 20}]
    late = copy.deepcopy(base)  # all applications finished, a few answered late
    late["answers"]["requests"] = {"on_time_rate": 95, "procedure": ["written_reply"]}
    # 表二 and 表三 shapes the others lack: documents issued but none repealed, 规章, applications
    # all from natural persons with one carried over and one carried forward
    issued = copy.deepcopy(zeros)
    issued["tables"] = {
        "proactive": {
            "normative_documents": {"issued": 2, "in_force": 9},
            "regulations": {"issued": 1, "in_force": 4},
        },
        "applications": {
            "new": {"natural_person": 3},
            "carried_over": {"natural_person": 1},
            "granted": {"natural_person": 3},
            "carried_forward": {"natural_person": 1},
        },
        "reviews": {"review": {"upheld": 1}},  # 表四: 行政复议 only
    }
    repealed = copy.deepcopy(zeros)  # only repeals; the one application carried over is pending
    repealed["tables"] = {
        "proactive": {
            "normative_documents": {"repealed": 2, "in_force": 7},
            "regulations": {"repealed": 1, "in_force": 1},
        },
        "applications": {
            "carried_over": {"natural_person": 1},
            "carried_forward": {"natural_person": 1},
        },
        "reviews": {"litigation_direct": {"pending": 1}},  # 表四: 行政诉讼 only
    }
    emptied = copy.deepcopy(zeros)  # the last documents repealed; only 规章 in force
    emptied["tables"] = {
        "proactive": {
            "normative_documents": {"repealed": 1},
            "regulations": {"in_force": 2},
        },
        "reviews": {"review": {"corrected": 1}, "litigation_after_review": {"upheld": 1}},
    }
    for shaped in (issued, repealed, emptied):  # every other leaf cell 0, as `init` writes
        shaped["tables"] = base_report(**shaped["tables"])["tables"]
    return [base, full, zeros, unpaid, silent, single, late, issued, repealed, emptied]


def test_every_builtin_phrase_applies_somewhere_and_renders_cleanly() -> None:
    bank = load_phrasebank()
    scopes = [scope_for(report_from(data)) for data in fixture_reports()]
    unused = []
    for phrase in bank.phrases.values():
        rendered = [render(phrase, s).text for s in scopes if applicable(phrase, s)]
        if not rendered:
            unused.append(phrase.id)
        for text in rendered:
            assert text and "{" not in text and "None" not in text, (phrase.id, text)
            assert not ZERO_COUNT.search(text), (phrase.id, text)
    assert not unused


def test_every_fixture_report_builds() -> None:
    bank = load_phrasebank()
    for data in fixture_reports():
        narrative = build_narrative(report_from(data), bank)
        assert sum(1 for b in narrative["overview"] if isinstance(b, Heading)) == 5
        # 六 is written once the fee is answered; without it, no bare 无 stands in (check: H8)
        fees = (data["answers"].get("fees") or {}).get("notices")
        assert bool(narrative["other"]) == (fees is not None)
        assert "无。" not in texts(narrative)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.fixed_dictionaries(
        {
            "staff": st.integers(0, 5),
            "meetings": st.integers(0, 5),
            "interpretations": st.integers(0, 9),
            "documents_reviewed": st.integers(0, 9),
            "trainings": st.integers(0, 3),
            "trainees": st.integers(0, 99),
            "social_supervisors": st.integers(0, 50),
            "accountability_cases": st.integers(0, 2),
            "notices": st.integers(0, 3),
            "new": st.integers(0, 30),
            "carried": st.integers(0, 3),
            "post": st.integers(0, 500),
        }
    ),
    flags=st.fixed_dictionaries(
        {
            "secrecy_review": st.booleans(),
            "guide_updated": st.booleans(),
            "assessment": st.booleans(),
        }
    ),
    level=st.sampled_from(["department", "government", "township"]),
    selected=st.lists(
        st.sampled_from([c.key for c in load_schema().field("problems.selected").choices]),
        max_size=4,
        unique=True,
    ),
)
def test_any_answers_give_a_clean_narrative(
    counts: dict[str, int], flags: dict[str, bool], level: str, selected: list[str]
) -> None:
    data = example_data()
    data["meta"]["level"] = level
    answers = data["answers"]
    answers["leadership"].update(staff=counts["staff"], meetings=counts["meetings"])
    answers["management"] = {
        "secrecy_review": flags["secrecy_review"],
        "guide_updated": flags["guide_updated"],
        "interpretations": counts["interpretations"],
        "documents_reviewed": counts["documents_reviewed"],
    }
    answers["supervision"].update(
        {
            k: counts[k]
            for k in ("trainings", "trainees", "social_supervisors", "accountability_cases")
        },
        assessment=flags["assessment"],
    )
    answers["platforms"]["channels"][0]["count"] = counts["post"]
    answers["problems"] = {"selected": selected}
    answers["fees"] = {
        "notices": counts["notices"],
        "amount": 10 * counts["notices"],
        "collected": 0,
    }
    apps = data["tables"]["applications"]
    apps["new"] = {"natural_person": counts["new"]}
    apps["carried_over"] = {"natural_person": counts["carried"]}
    apps["unavailable_not_held"] = {"natural_person": counts["new"] + counts["carried"]}
    for row in ("handled_total", "carried_forward", "rejected_complaint"):
        apps.pop(row, None)
    narrative = build_narrative(report_from(data), load_phrasebank())
    body = texts(narrative)
    assert all(t and "{" not in t and "None" not in t for t in body)
    assert not ZERO_COUNT.search("".join(body))
    ids = [s.phrase_id for blocks in narrative.values() for s in sentences(blocks) if s.phrase_id]
    assert len(ids) == len(set(ids))
    assert sum(1 for b in narrative["overview"] if isinstance(b, Heading)) == 5
    named = [
        s.phrase_id.split(".")[1]
        for s in sentences(narrative["problems"])
        if s.phrase_id and s.phrase_id.startswith("problems.")
    ]
    assert [n for n in named if n not in ("intro", "last_year")] == selected


def test_a_report_without_answers_still_covers_the_five_aspects() -> None:
    report = parse_report({"meta": {"agency": "测试市测试局", "year": 2024, "level": "department"}})
    narrative = build_narrative(report, load_phrasebank())
    blocks = narrative["overview"]
    headings = [i for i, b in enumerate(blocks) if isinstance(b, Heading)]
    assert len(headings) == 5
    said = [isinstance(blocks[i + 1], Paragraph) for i in headings]
    # 依申请公开 is told from 表三, which is 「未填写」: unknown, so neither "未收到" nor a count
    assert said == [True, False, True, True, True]
    assert "未收到" not in "".join(texts(narrative))
    assert narrative["problems"] == []
    assert narrative["other"] == []  # no fee answer: nothing to state, not a bare 无 (H8 asks)


@pytest.mark.parametrize("year", range(2021, 2029))
def test_a_single_channel_is_not_broken_down(year: int) -> None:
    data = example_data()
    data["meta"]["year"] = year
    data["answers"]["platforms"]["channels"] = [{"name": "微信公众号", "count": 120}]
    narrative = build_narrative(report_from(data), load_phrasebank())
    (sentence,) = [s for s in sentences(narrative["overview"]) if "platforms.channels" in s.uses]
    assert "120条" in sentence.text
    assert "其中" not in sentence.text and "分渠道" not in sentence.text


# ---- every answer reaches the draft; nothing untrue; neighbours differ -------------------------


def complete_answers() -> dict[str, Any]:
    """Every field of the answers schema answered, with figures that are not zero."""
    return {
        "overview": {
            "focus": "应急管理和安全生产",
            "highlights": ["开展政策文件集中清理", "推进执法信息公示"],
        },
        "leadership": {"lead": "分管副主任", "office": "综合科", "staff": 2, "meetings": 3},
        "proactive": {
            "portal": "某某门户网站",
            "items": [{"kind": "行政处罚信息", "count": 20}, {"kind": "财政信息", "count": 6}],
        },
        "requests": {
            "on_time_rate": 100,
            "consultations": 15,
            "procedure": ["registration", "legal_review", "written_reply"],
        },
        "management": {
            "secrecy_review": True,
            "interpretations": 4,
            "documents_reviewed": 12,
            "guide_updated": True,
        },
        "platforms": {
            "channels": [{"name": "微信公众号", "count": 300}, {"name": "微博", "count": 50}]
        },
        "supervision": {
            "trainings": 2,
            "trainees": 60,
            "social_supervisors": 10,
            "activities": ["政府开放日活动"],
            "assessment": True,
            "accountability_cases": 1,
            "appraisal": "组织群众满意度测评",
        },
        "problems": {
            "selected": ["depth", "timeliness"],
            "other": ["档案数字化进度偏慢"],
            "measures": ["建立公开事项清单", "压缩信息发布周期"],
            "last_year": [{"problem": "政策解读不够深入", "progress": "已建立同步解读机制"}],
        },
        "fees": {"notices": 2, "amount": 150, "collected": 100},
        "government": {
            "key_points": "逐项分解年度要点",
            "proposals": "公开复文30件",
            "innovation": "开设政策问答专栏",
        },
        "other": {"matters": "开展政务公开示范点建设"},
        "units": {  # as aggregate writes them for a government
            "count": 12,
            "trainings": 9,
            "trainees": 310,
            "posts": 2400,
        },
        "previous": {"requests": 5, "items": 30},  # last year's, as `init --from` writes them
    }


VARIATIONS = [
    ("某某县人民政府", 2022, "government"),
    ("某某镇人民政府", 2023, "township"),
    ("某某街道办事处", 2024, "township"),
    ("某某区应急管理局", 2023, "department"),
    ("某某市发展和改革委员会", 2025, "department"),
    ("某某市人民政府", 2026, "government"),
]


@pytest.mark.parametrize(("agency", "year", "level"), VARIATIONS)
def test_every_answered_field_reaches_the_draft(agency: str, year: int, level: str) -> None:
    data = example_data()
    data["meta"].update(agency=agency, year=year, level=level)
    data["answers"] = complete_answers()
    report = report_from(data)
    keys = {f.key for g in load_schema().groups for f in g.fields}
    answered = {f"{g}.{k}" for g, fields in report.answers.items() for k in fields}
    assert answered == keys  # the fixture answers every field of the schema
    narrative = build_narrative(report, load_phrasebank())
    used = {u for blocks in narrative.values() for s in sentences(blocks) for u in s.uses}
    expected = keys if level != "department" else {k for k in keys if "government." not in k}
    assert expected - used == set()
    body = "".join(texts(narrative))
    assert "开展政策文件集中清理和推进" not in body  # verb phrases are not joined with 和


def test_government_items_are_written_for_a_township_and_not_for_a_department() -> None:
    data = example_data()
    data["answers"]["government"] = {"key_points": "逐项分解年度要点", "innovation": "开设问答专栏"}
    data["meta"].update(agency="某某镇人民政府", level="township")
    township = build_narrative(report_from(data), load_phrasebank())
    body = "".join(texts({"other": township["other"]}))
    assert "逐项分解年度要点" in body and "开设问答专栏" in body
    headings = [b.text for b in township["other"] if isinstance(b, Heading)]
    assert headings == [
        "（一）信息处理费收取情况",
        "（二）落实上级年度政务公开工作要点情况",
        "（三）政务公开工作创新情况",
    ]
    del data["answers"]["government"]  # a township with nothing else says so under its heading
    bare = build_narrative(report_from(data), load_phrasebank())["other"]
    assert [b.text for b in bare if isinstance(b, Heading)][-1] == "（二）其他事项"
    assert isinstance(bare[-1], Paragraph) and "没有其他需要报告的事项" in bare[-1].text
    data["answers"]["government"] = {"key_points": "逐项分解年度要点", "innovation": "开设问答专栏"}
    data["meta"].update(agency="东丽区应急管理局", level="department")
    department = build_narrative(report_from(data), load_phrasebank())
    other = texts({"other": department["other"]})
    assert "逐项分解年度要点" not in "".join(other)
    assert "没有其他需要报告的事项" in other[-1]


def scope_with(**changes: Any) -> Any:
    """The example's scope with answers and table rows changed ("group.field" or
    "tables.table.row" -> value)."""
    data = example_data()
    for key, value in changes.items():
        parts = key.split(".")
        node = data["tables"] if parts[0] == "tables" else data["answers"]
        for part in parts[1:-1] if parts[0] == "tables" else parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return scope_for(report_from(data))


def applicable_texts(slot: str, scope: Any) -> list[str]:
    bank = load_phrasebank()
    return [render(p, scope).text for p in bank.for_slot(slot) if applicable(p, scope)]


def test_decisions_are_stated_as_made_not_as_published() -> None:
    scope = scope_with(**{"tables.proactive.licensing": {"decisions": 5}})
    found = applicable_texts("proactive.decisions", scope)
    assert len(found) >= 3
    assert not [t for t in found if "公开" in t], found


def test_social_supervisors_and_activities_are_separate_facts() -> None:
    scope = scope_with(**{"supervision.activities": ["政府开放日活动"]})
    found = applicable_texts("supervision.social", scope)
    assert any("41名" in t and "政府开放日活动" in t for t in found)
    for text in found:
        assert text.count("社会监督员") <= 1, text
        assert not re.search(r"\d+名社会监督员参与", text), text


def test_claims_hold_only_when_the_answers_say_so() -> None:
    unfinished = scope_with(
        **{
            "requests.procedure": ["written_reply"],
            "tables.applications.carried_forward": {"natural_person": 1},
        }
    )
    assert not [t for t in applicable_texts("requests.results", unfinished) if "均" in t]
    late = scope_with(**{"requests.on_time_rate": 80})
    for slot in ("requests.handling", "requests.timeliness"):
        claims = [t for t in applicable_texts(slot, late) if re.search("严格.*时限|个别", t)]
        assert not claims, claims


def test_no_phrase_says_we_instead_of_the_agency() -> None:
    assert not [p.id for p in load_phrasebank().phrases.values() if "我们" in p.text]


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("某某街道办事处", "township"),
        ("东丽区应急管理局", "department"),
        ("某某镇人民政府", "township"),
    ],
)
def test_neighbouring_sentences_do_not_begin_alike(agency: str, level: str) -> None:
    alike = []
    for data in fixture_reports():
        for year in range(2021, 2025):
            data["meta"].update(agency=agency, year=year, level=level)
            report = report_from(data)
            meta = template_context(report)["meta"]
            narrative = build_narrative(report, load_phrasebank())
            for blocks in narrative.values():
                paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
                for p in paragraphs:
                    for a, b in itertools.pairwise(p.sentences):
                        if opening(a.text, meta) == opening(b.text, meta):
                            alike.append((a.text, b.text))
                for a, b in itertools.pairwise(paragraphs):
                    if opening(a.text, meta) == opening(b.text, meta):
                        alike.append((a.text, b.text))
    assert not alike, alike[:3]


def test_management_without_answers_states_one_generic_sentence_and_no_table_figure(
    dongli: dict[str, list[Any]],
) -> None:
    """表二's document counts belong to 主动公开 (PROSE.md §1.2): without management answers the
    part says one sentence every agency can say, and repeats no figure."""
    blocks = dongli["overview"]
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and "信息管理" in b.text)
    management = blocks[start + 1]
    assert isinstance(management, Paragraph)
    assert [s.phrase_id for s in management.sentences] == ["management.review.general"]
    assert not re.search(r"\d", management.text)


def test_a_single_item_is_not_numbered() -> None:
    data = example_data()
    data["answers"]["problems"] = {
        "selected": ["depth"],
        "measures": ["加强政务公开业务学习"],
        "last_year": [{"problem": "政策解读不够深入", "progress": "已建立同步解读机制"}],
    }
    narrative = build_narrative(report_from(data), load_phrasebank())
    body = texts({"problems": narrative["problems"]})
    assert not [t for t in body if "一是" in t], body
    assert "加强政务公开业务学习。" in body
    data["answers"]["problems"]["measures"].append("定期检查栏目更新")
    body = texts({"problems": build_narrative(report_from(data), load_phrasebank())["problems"]})
    assert "一是加强政务公开业务学习；" in body and "二是定期检查栏目更新。" in body
