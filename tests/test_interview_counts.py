"""How much an interview asks: the township with nothing to report, the example from scratch and
its next year from `init --from` stay within the prompts the issue allows, and the progress
shown only moves forward. The same scripts drive benchmarks/prompts.py."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import EXAMPLE
from interview_script import DONGLI, NEXT_YEAR, TOWNSHIP, Driver
from report_writer.commands import interview_and_build
from report_writer.importer.previous import init_from
from report_writer.workspace import load_report, open_workspace
from test_interview import leaf_figures


def drive(ws: Path, script: list[tuple[str, str]]) -> Driver:
    driver = Driver(script)
    result = interview_and_build(ws, driver.ask, driver.say)
    assert result.status == "finished", "\n".join(driver.screen)
    assert result.check is not None and (ws / "draft.md").is_file()
    assert not driver.script, f"not asked: {driver.script}"
    return driver


def test_a_township_with_nothing_to_report_takes_at_most_20_enters(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    driver = drive(ws, TOWNSHIP)
    assert driver.enters <= 20, [p.text for p in driver.prompts]
    assert "二、主动公开政府信息情况" in (ws / "draft.md").read_text(encoding="utf-8")
    report = load_report(open_workspace(ws))
    assert (report.meta.level, report.meta.year) == ("township", 2024)
    figures = leaf_figures(ws)
    assert not any(figures.values())  # every cell 0: no applications, no reviews
    assert report.answers["fees"] == {"notices": 0}  # 第六部分 still says no fee was charged


def test_the_example_from_scratch_takes_at_most_40_prompts(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    driver = drive(ws, DONGLI)
    assert len(driver.prompts) <= 40  # suggestion prompts included
    assert leaf_figures(ws) == leaf_figures(EXAMPLE)


def test_the_next_year_from_init_from_takes_at_most_25_prompts(tmp_path: Path) -> None:
    ws = tmp_path / "2024"
    init_from(ws, EXAMPLE)
    driver = drive(ws, NEXT_YEAR)
    assert len(driver.prompts) <= 25, [p.text for p in driver.prompts]
    text = "\n".join(driver.screen)
    assert "上年 · 分管政务公开工作的负责同志：分管领导" in text  # what is offered as a whole
    report = load_report(open_workspace(ws))
    before = load_report(open_workspace(EXAMPLE))
    assert report.meta.year == 2024
    assert report.answers["leadership"] == before.answers["leadership"]
    assert report.answers["proactive"]["portal"] == before.answers["proactive"]["portal"]
    assert report.answers["problems"]["selected"] == before.answers["problems"]["selected"]
    assert report.answers["problems"]["last_year"][0] == {
        "problem": "公开的深度和广度不够",
        "progress": "已系统梳理应公开事项",
    }
    figures = leaf_figures(ws)
    assert figures[("applications", "new", "natural_person")] == 12
    assert figures[("applications", "other_other", "natural_person")] == 1  # 撤回申请
    assert figures[("proactive", "penalty", "decisions")] == 48


def test_the_progress_is_known_from_the_start_and_only_moves_forward(tmp_path: Path) -> None:
    driver = drive(tmp_path / "ws", DONGLI)
    shown = [re.search(r"(\S+) (\d+)/(\d+) · 进度(\d+)%", p.toolbar) for p in driver.prompts]
    steps = [(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))) for m in shown if m]
    assert len(steps) == len(driver.prompts) - 1  # all but the agency, asked before the rest
    percents = [percent for *_, percent in steps]
    assert percents == sorted(percents)
    for part in {part for part, *_ in steps}:
        totals = {total for p, _, total, _ in steps if p == part}
        places = [place for p, place, *_ in steps if p == part]
        assert len(totals) == 1 and places == sorted(places), part


def test_the_next_year_may_say_how_the_figures_changed(tmp_path: Path) -> None:
    from report_writer.narrative import suggestions
    from report_writer.phrasebank import phrasebank_for

    ws = tmp_path / "2024"
    init_from(ws, EXAMPLE)
    drive(ws, NEXT_YEAR)
    report = load_report(open_workspace(ws))
    assert report.answers["previous"] == {"requests": 9, "items": 52}  # from the 2023 report
    bank = phrasebank_for(report, ws)
    requests = [text for _, text in suggestions(report, bank, "requests.counts")]
    items = [text for _, text in suggestions(report, bank, "proactive.items")]
    assert (
        "从申请数量看，本年新收政府信息公开申请12件，较上年增加3件，无上年结转的申请。" in requests
    )
    assert any("发布政府信息71条，较上年增加19条" in text for text in items)
    # from scratch last year's figures are unknown: no sentence compares with them
    scratch = tmp_path / "scratch"
    drive(scratch, DONGLI)
    report = load_report(open_workspace(scratch))
    bank = phrasebank_for(report, scratch)
    texts = [
        t
        for slot in ("requests.counts", "proactive.items")
        for _, t in suggestions(report, bank, slot)
    ]
    assert not any("较上年" in text for text in texts)
