"""`check` (H4) catches a stale figure anywhere in the prose: after a hand edit of a sentence the
draft is no longer regenerated, so a cell or answer changed afterwards must be reported with the
sentence's draft.md line (表二 every cell, 表三 every row, 表四, answer counts)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import base_report
from report_writer.cli import app
from report_writer.draft.checks import Said, draft_findings
from report_writer.draft.figures import stale
from report_writer.draft.markers import DRAFT_FILE
from report_writer.model import parse_report
from report_writer.narrative import build_narrative
from report_writer.phrasebank import load_phrasebank
from test_narrative import complete_answers

runner = CliRunner()


def rich_report(agency: str, year: int) -> dict[str, Any]:
    """Every answer and every table figure the prose can state, none of them zero."""
    answers = complete_answers()
    answers["problems"]["selected"] = ["capacity"]
    return {
        "meta": {"agency": agency, "year": year, "level": "department"},
        "answers": answers,
        "tables": tables_of(
            {
                "proactive": {
                    "regulations": {"issued": 1, "repealed": 1, "in_force": 3},
                    "normative_documents": {"issued": 3, "repealed": 2, "in_force": 20},
                    "licensing": {"decisions": 138},
                    "penalty": {"decisions": 60},
                    "enforcement": {"decisions": 4},
                    "fees": {"amount": "1.25"},
                },
                "applications": {
                    "new": {"natural_person": 10, "business": 2},
                    "carried_over": {"natural_person": 3},
                    "granted": {"natural_person": 5},
                    "partially_granted": {"natural_person": 2},
                    "withheld_third_party": {"natural_person": 1},
                    "unavailable_not_held": {"natural_person": 3, "business": 1},
                    "rejected_complaint": {"natural_person": 1},
                    "carried_forward": {"natural_person": 1, "business": 1},
                },
                "reviews": {"review": {"upheld": 1, "pending": 1}},
            }
        ),
    }


def tables_of(given: dict[str, Any]) -> dict[str, Any]:
    """The cells given, every other leaf cell 0 (as `init` writes them)."""
    return dict(base_report(**given)["tables"])


def build(folder: Path, data: dict[str, Any]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["build", str(folder)])
    assert result.exit_code in (0, 1), result.output
    return (folder / DRAFT_FILE).read_text(encoding="utf-8")


def bumped(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """`data` with the leaf that `path` (a sentence's provenance) names raised by 1, or None when
    it is not a figure the prose states (zero, yes/no, text)."""
    new = copy.deepcopy(data)
    parts = path.split(".")
    if parts[0] == "tables":
        _, table, row, column = parts
        report = parse_report(copy.deepcopy(data))
        derived_row = any(r.key == row and r.derived for r in report.fmt.tables[table].rows)
        value = report.figures.values.get((table, row, column))
        if not value or derived_row:  # a derived row changes only with the rows it sums
            return None
        cells = new["tables"][table].setdefault(row, {})
        leaf = "natural_person" if column == "total" and table == "applications" else column
        leaf = "upheld" if column == "total" and table == "reviews" else leaf
        if isinstance(cells.get(leaf), str):  # a decimal (万元) written as text
            return None
        cells[leaf] = cells.get(leaf, 0) + 1
        return new
    group, field = parts
    if group in ("previous", "units"):  # last year (stated as a change) and unit sums
        return None
    value = new["answers"][group].get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not value:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value[0]["count"] += 1
            return new
        return None
    new["answers"][group][field] = value - 1 if field == "on_time_rate" else value + 1
    return new


@pytest.mark.parametrize(
    ("agency", "year"),
    [("某某市生态环境局", 2023), ("某某县水利局", 2024), ("某某区卫生健康委员会", 2022)],
)
def test_every_stated_figure_is_checked_after_a_hand_edit(
    tmp_path: Path, agency: str, year: int
) -> None:
    data = rich_report(agency, year)
    folder = tmp_path / "ws"
    text = build(folder, data)
    # a hand edit of section 一: from now on `build` keeps the region as it is
    first = next(line for line in text.splitlines() if "行政许可决定138件" in line)
    edited = text.replace(first, first.replace("。", "。（人工核对）", 1), 1)
    (folder / DRAFT_FILE).write_text(edited, encoding="utf-8")
    report = parse_report(copy.deepcopy(data))
    assert not [f for f in draft_findings(report, folder) if f.code == "H4"]  # nothing stale yet
    narrative = build_narrative(report, load_phrasebank())
    stated = {
        use
        for section in ("overview", "other")
        for block in narrative[section]
        for s in getattr(block, "sentences", ())
        for use in s.uses
    }
    checked = []
    for path in sorted(stated):
        changed = bumped(data, path)
        if changed is None:
            continue
        found = [f for f in draft_findings(parse_report(changed), folder) if f.code == "H4"]
        assert found, f"{path} changed, but check reports nothing"
        assert all(f"{DRAFT_FILE} 第" in f.message and f.values["line"] > 0 for f in found)
        checked.append(path)
    # 表二 every cell, 表三 rows, answer counts: all were stated and all were checked
    assert {f"tables.proactive.{r}.decisions" for r in ("licensing", "penalty", "enforcement")} <= (
        set(checked)
    )
    assert {"tables.applications.granted.total", "tables.applications.new.total"} <= set(checked)
    assert {"supervision.trainings", "fees.notices", "proactive.items"} <= set(checked)
    assert len(checked) >= 20


def test_the_issues_case_licensing_changed_after_a_hand_edit(tmp_path: Path) -> None:
    """The issue's case, as a user meets it: edit 一 by hand, change 行政许可 in report.yaml."""
    folder = tmp_path / "ws"
    text = build(folder, rich_report("某某市生态环境局", 2024))
    line_no, line = next(
        (n, line) for n, line in enumerate(text.splitlines(), 1) if "行政许可决定138件" in line
    )
    (folder / DRAFT_FILE).write_text(
        text.replace(line, line.replace("。", "，均依法作出。", 1), 1), encoding="utf-8"
    )
    report_yaml = folder / "report.yaml"
    report_yaml.write_text(
        report_yaml.read_text("utf-8").replace("decisions: 138", "decisions: 140"), "utf-8"
    )
    result = runner.invoke(app, ["check", str(folder), "--json"])
    h4 = [f for f in json.loads(result.stdout) if f["code"] == "H4"]
    assert len(h4) == 1, h4
    assert f"{DRAFT_FILE} 第{line_no}行" in h4[0]["message"]
    assert "写的是138件，但表二 行政许可" in h4[0]["message"] and "为140" in h4[0]["message"]
    assert "tables.proactive.licensing.decisions" in h4[0]["message"]


def test_grid_figures_take_the_document_kind_named_before_them() -> None:
    report = parse_report(rich_report("某某局", 2024))
    said = Said(
        "一、总体情况",
        "overview",
        "本年制发规章1件、废止1件，现行有效3件；制发行政规范性文件3件、废止5件，现行有效20件。",
        7,
    )
    found = stale(report, [said])
    assert [(f.stated, f.expected, f.source.cells) for f in found] == [
        (5, 2, (("proactive", "normative_documents", "repealed"),))
    ]


def test_figures_in_five_are_not_matched_to_this_years_answers() -> None:
    """五 may cite what was done about last year's problems (本年新增解读4篇): not 一's count."""
    report = parse_report(rich_report("某某局", 2024))
    said = Said("五、存在的主要问题及改进情况", "problems", "本年新增图解解读9篇，该项已完成。", 30)
    assert stale(report, [said]) == []
