"""`report-writer aggregate`: a government's tables as the sums of its units', the log, explain
--cell, refusals, and a second run that keeps everything but the tables."""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_runner import run
from conftest import EXAMPLE
from report_writer.aggregate import aggregate
from report_writer.check import check_workspace
from report_writer.errors import InputError
from report_writer.formats.spec import load_format
from report_writer.workspace import load_report, open_workspace

FMT = load_format("gov2021")
GOV = "东丽区人民政府"


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLE / "report.yaml").read_text(encoding="utf-8"))
    return data


def unit_from_example(agency: str, factor: int = 1) -> dict[str, Any]:
    """The example's figures (times `factor`) under another agency, its 表四 error corrected."""
    data = example()
    data["meta"]["agency"] = agency
    for rows in data["tables"].values():
        for cells in rows.values():
            for col, value in cells.items():
                cells[col] = value * factor
    data["tables"]["reviews"]["review"]["total"] = data["tables"]["reviews"]["review"]["pending"]
    return data


@pytest.fixture
def district(tmp_path: Path, write_ws: Callable[..., Path]) -> Path:
    """units/: the example as published (its 表四 error included) and two units built from its
    figures: the same figures corrected, and twice them."""
    units = tmp_path / "units"
    shutil.copytree(EXAMPLE, units / "a-emergency")
    write_ws(unit_from_example("东丽区民政局"), name="units/b-civil")
    write_ws(unit_from_example("东丽区教育局", factor=2), name="units/c-education")
    return units


def cell(folder: Path, table: str, row: str, column: str) -> Any:
    return load_report(open_workspace(folder)).figures.value(table, row, column)


def test_example_and_two_units_left_out_then_included(district: Path, tmp_path: Path) -> None:
    gov = tmp_path / "gov"
    code, out, _ = run("aggregate", district, "-o", gov, "--agency", GOV)
    assert code == 1  # a unit was left out
    assert "未计入 1 个统计表有错误的单位" in out
    assert "东丽区应急管理局" in out and "C4 表四 行政复议" in out
    assert cell(gov, "applications", "new", "natural_person") == 9 + 18
    assert cell(gov, "proactive", "penalty", "decisions") == 60 + 120
    assert load_report(open_workspace(gov)).meta.level == "government"
    assert check_workspace(gov).errors == 0  # the units summed are clean: so is the sum

    code, out, _ = run("aggregate", district, "-o", gov, "--include-errors")
    assert code == 1  # the result carries the example's error
    assert "计入了有错误的单位（--include-errors）：东丽区应急管理局" in out
    assert cell(gov, "applications", "new", "natural_person") == 9 + 9 + 18
    assert cell(gov, "reviews", "review", "pending") == 1 + 1 + 2
    assert cell(gov, "reviews", "review", "total") == 0 + 1 + 2  # as the units give it
    codes = {f.code for f in check_workspace(gov).findings if f.severity == "error"}
    assert codes == {"C4", "A1"}
    log = yaml.safe_load((gov / "aggregate-log.yaml").read_text(encoding="utf-8"))
    entry = log["cells"]["applications.new.natural_person"]
    assert entry == {
        "sum": 36,
        "parts": {"东丽区应急管理局": 9, "东丽区民政局": 9, "东丽区教育局": 18},
    }
    errors = {i["agency"]: i["errors"] for i in log["inputs"]}
    assert errors["东丽区应急管理局"][0].startswith("C4 表四 行政复议")
    assert all(i["included"] for i in log["inputs"])


def test_explain_cell_names_every_unit(district: Path, tmp_path: Path) -> None:
    gov = tmp_path / "gov"
    run("aggregate", district, "-o", gov, "--agency", GOV, "--include-errors")
    code, out, _ = run("explain", gov, "--cell", "applications.new.natural_person")
    assert code == 0
    lines = out.splitlines()
    assert (
        lines[0]
        == "表三 一、本年新收政府信息公开申请数量 · 自然人（tables.applications.new.natural_person）：36"
    )
    assert any(line.split()[:2] == ["东丽区教育局", "18"] for line in lines)
    assert any(line.split()[:2] == ["合计", "36"] for line in lines)
    assert "../units/c-education" in out
    code, out, _ = run("explain", gov, "--cell", "tables.reviews.review")  # a whole row
    assert code == 0
    header = next(line for line in out.splitlines() if line.strip().startswith("单位"))
    assert header.split()[1:6] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    code, out, _ = run("explain", district / "a-emergency", "--cell", "reviews.review.total")
    assert code == 0 and "填写在 report.yaml 第" in out
    code, _, err = run("explain", gov, "--cell", "applications.neww.total")
    assert code == 2 and "表三没有“neww”这一行" in err
    code, _, err = run("explain", gov, "--cell", "applications.new.total", "--section", "一")
    assert code == 2 and "不能与 --section 或 --out 同时使用" in err


def test_a_null_cell_makes_the_sum_null(tmp_path: Path, write_ws: Callable[..., Path]) -> None:
    a = unit_from_example("甲局")
    b = unit_from_example("乙局")
    b["tables"]["applications"]["new"]["business"] = None  # printed as "/" in b's report
    write_ws(a, name="units/a")
    write_ws(b, name="units/b")
    gov = tmp_path / "gov"
    code, out, _ = run("aggregate", tmp_path / "units", "-o", gov, "--agency", GOV)
    assert code == 0, out
    assert cell(gov, "applications", "new", "business") is None
    assert cell(gov, "applications", "new", "natural_person") == 18
    assert "tables.applications.new.business：乙局" in out
    log = yaml.safe_load((gov / "aggregate-log.yaml").read_text(encoding="utf-8"))
    entry = log["cells"]["applications.new.business"]
    assert entry["sum"] is None and entry["missing"] == ["乙局"]
    assert entry["parts"] == {"甲局": 0, "乙局": None}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["meta"].update(year=2022), "不是2023年度的报告"),
        (lambda d: d["meta"].update(agency="东丽区民政局"), "同一机关的工作区给出了不止一个"),
        (lambda d: d["meta"].update(agency=GOV), "就是汇总的人民政府“东丽区人民政府”本身"),
        (
            lambda d: d["tables"]["applications"].update(
                other_handling={"natural_person": 0, "total": 0}  # 2019: one 其他处理 row
            ),
            "2019年试行格式的报告不能与2021年格式的报告混合汇总",
        ),
    ],
)
def test_refusals_change_nothing(
    change: Callable[[dict[str, Any]], None],
    words: str,
    tmp_path: Path,
    write_ws: Callable[..., Path],
) -> None:
    write_ws(unit_from_example("东丽区民政局"), name="units/a")
    write_ws(unit_from_example("东丽区教育局"), name="units/b")
    odd = unit_from_example("东丽区卫生健康委员会")
    change(odd)
    write_ws(odd, name="units/c")
    gov = tmp_path / "gov"
    code, out, err = run("aggregate", tmp_path / "units", "-o", gov, "--agency", GOV)
    assert code == 2
    assert words in err and "错误：" in err and "Traceback" not in err + out
    assert not gov.exists()


def test_refuses_a_department_as_output_and_a_missing_agency(
    district: Path, tmp_path: Path
) -> None:
    department = tmp_path / "dept"
    shutil.copytree(EXAMPLE, department)
    before = (department / "report.yaml").read_bytes()
    code, _, err = run("aggregate", district, "-o", department)
    assert code == 2 and "不是人民政府的汇总工作区" in err
    assert (department / "report.yaml").read_bytes() == before
    code, _, err = run("aggregate", district, "-o", tmp_path / "new")
    assert code == 2 and "请用 --agency 给出汇总的人民政府全称" in err


def test_rerun_updates_the_tables_only(district: Path, tmp_path: Path) -> None:
    gov = tmp_path / "gov"
    run("aggregate", district, "-o", gov, "--agency", GOV)
    report = gov / "report.yaml"
    text = report.read_text(encoding="utf-8")
    # the office answers for the government itself, by hand, with a comment of its own
    text = text.replace(
        "answers:\n",
        "answers:\n  overview:\n    focus: 经济社会发展和民生保障  # 区政府办填写\n"
        "  government:\n    key_points: 逐项分解落实年度政务公开工作要点\n",
        1,
    ).replace("phrases: {}", "phrases: {overview.opening: overview.opening.general}")
    report.write_text(text, encoding="utf-8")
    code, _, _ = run("build", gov)
    draft = gov / "draft.md"
    edited = draft.read_text(encoding="utf-8").replace(
        "## 一、总体情况\n", "## 一、总体情况\n\n审阅人加的一段话。\n", 1
    )
    draft.write_text(edited, encoding="utf-8")

    unit = district / "b-civil" / "report.yaml"  # a unit corrects a figure
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    data["tables"]["proactive"]["penalty"]["decisions"] = 70
    unit.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run("aggregate", district, "-o", gov)
    assert code == 1  # the example is still left out
    assert "与上次相比，1 个单元格的数字有变化" in out
    assert cell(gov, "proactive", "penalty", "decisions") == 70 + 120
    after = report.read_text(encoding="utf-8")
    assert "focus: 经济社会发展和民生保障  # 区政府办填写" in after
    assert "key_points: 逐项分解落实年度政务公开工作要点" in after
    assert "phrases: {overview.opening: overview.opening.general}" in after
    assert after.count("# 所属单位的汇总情况") == 1
    assert draft.read_text(encoding="utf-8") == edited  # aggregate never touches the draft
    code, out, _ = run("build", gov)
    assert "有人工修改，已保留未覆盖" in out
    rebuilt = draft.read_text(encoding="utf-8")
    assert "审阅人加的一段话。" in rebuilt
    assert '<tr><td>行政处罚</td><td colspan="3">190</td></tr>' in rebuilt  # the new sum


def test_facts_only_where_every_unit_answered(district: Path, tmp_path: Path) -> None:
    gov = tmp_path / "gov"
    code, out, _ = run("aggregate", district, "-o", gov, "--agency", GOV)
    assert code == 1  # the example, with its error, is left out
    answers = load_report(open_workspace(gov)).answers["units"]
    # both units answered their new-media channels (366 + 108 each), none the trainings
    assert answers == {"count": 2, "posts": 2 * (366 + 108)}
    assert "组织培训次数未汇总：东丽区民政局、东丽区教育局未填写 supervision.trainings" in out
    for name in ("b-civil", "c-education"):
        path = district / name / "report.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["answers"]["supervision"] = {"trainings": 2, "social_supervisors": 41}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run("aggregate", district, "-o", gov)
    assert load_report(open_workspace(gov)).answers["units"]["trainings"] == 4


def test_a_hand_edited_sum_is_named_by_check(district: Path, tmp_path: Path) -> None:
    gov = tmp_path / "gov"
    run("aggregate", district, "-o", gov, "--agency", GOV)
    report = gov / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "penalty: {decisions: 180}", "penalty: {decisions: 181}"
        ),
        encoding="utf-8",
    )
    code, out, _ = run("check", gov)
    assert (
        "A2" in out and "表二 行政处罚 · 本年处理决定数量为181，与汇总记录中的汇总数180不同" in out
    )
    code, out, _ = run("explain", gov, "--cell", "proactive.penalty.decisions")
    assert code == 0 and "注意：汇总数为180" in out


# --- the property: every cell is the sum; check passes exactly when every unit does ----------

LEAVES = [
    (t.key, r.key, c.key)
    for t in FMT.tables.values()
    for r, c in t.cells()
    if not t.is_derived(r, c)
]
TOTALS = [
    (t.key, r.key, c.key) for t in FMT.tables.values() for r, c in t.cells() if t.is_derived(r, c)
]


@st.composite
def unit_tables(draw: st.DrawFn) -> dict[str, Any]:
    """A unit's tables: some leaves set (now and then null), totals left to derive, or given —
    right, or off by a few (an error `check` finds)."""
    tables: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(LEAVES), max_size=12, unique=True)):
        value = draw(st.one_of(st.integers(0, 50), st.none()))
        tables.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = value
    if draw(st.booleans()):  # 万元: up to four decimals, written as text
        amount = draw(st.decimals(0, 999, places=draw(st.integers(0, 4))))
        tables.setdefault("proactive", {})["fees"] = {"amount": str(amount)}
    for key in draw(st.lists(st.sampled_from(TOTALS), max_size=3, unique=True)):
        tables.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = draw(st.integers(0, 60))
    return tables


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(unit_tables(), min_size=1, max_size=4))
def test_every_cell_is_the_sum_and_check_agrees(units: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = []
        for i, tables in enumerate(units):
            folder = root / "units" / f"u{i}"
            folder.mkdir(parents=True)
            data = {
                "meta": {"agency": f"单位{i}", "year": 2024, "level": "department"},
                "answers": {"problems": {"selected": ["depth"]}, "fees": {"notices": 0}},
                "tables": copy.deepcopy(tables),
            }
            (folder / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
            folders.append(folder)
        result = aggregate(
            [root / "units"], root / "gov", agency="某区人民政府", include_errors=True
        )
        gov = load_report(open_workspace(root / "gov")).figures
        reports = [load_report(open_workspace(f)).figures for f in folders]
        for key in LEAVES + TOTALS:
            values = [r.values[key] for r in reports]
            expected = None if None in values else sum(v for v in values if v is not None)
            assert gov.values[key] == expected, key
        passing = [check_workspace(f).errors == 0 for f in folders]
        assert (check_workspace(root / "gov").errors == 0) == all(passing)
        assert result.check.failed() == (not all(passing))
        # without --include-errors the failing units are left out, and the sum of the rest passes
        if not any(passing):
            with pytest.raises(InputError, match="每个单位的统计表都有错误"):
                aggregate([root / "units"], root / "clean", agency="某区人民政府")
            return
        clean = aggregate([root / "units"], root / "clean", agency="某区人民政府")
        assert len(clean.included) == sum(passing) and not clean.check.failed()
        assert check_workspace(root / "clean").errors == 0


def test_units_all_in_the_2019_format_are_summed_without_their_old_rows(
    tmp_path: Path, write_ws: Callable[..., Path]
) -> None:
    for name, agency in (("a", "甲局"), ("b", "乙局")):
        data = unit_from_example(agency)
        data["tables"]["applications"]["other_handling"] = {"natural_person": 0, "total": 0}
        write_ws(data, name=f"units/{name}")
    code, out, _ = run("aggregate", tmp_path / "units", "-o", tmp_path / "gov", "--agency", GOV)
    assert code == 0, out
    assert "注意：各单位按2019年试行格式填报的栏目（tables.applications.other_handling）" in out
    assert cell(tmp_path / "gov", "applications", "new", "natural_person") == 18
