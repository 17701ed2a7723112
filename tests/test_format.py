"""The format data agrees with FORMAT.md, label for label; answers are validated with key paths."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from conftest import ROOT, SECTION_HEADINGS, base_report
from report_writer.errors import InputError
from report_writer.formats.spec import format_for_year, load_format
from report_writer.model import ReportProblems, parse_report

FORMAT_MD = ROOT.parent / "shared" / "FORMAT.md"
FMT = load_format("gov2021")


def md_rows(section: str) -> list[tuple[str, str]]:
    text = FORMAT_MD.read_text(encoding="utf-8").split(section, 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `(\w+)` \| (\S+?) \|", text, flags=re.M)


@pytest.mark.skipif(not FORMAT_MD.exists(), reason="shared/FORMAT.md is not beside the checkout")
def test_table_three_rows_match_format_md() -> None:
    expected = md_rows("### 表三 `applications`")
    assert len(expected) == 25
    assert [(r.key, r.label) for r in FMT.tables["applications"].rows] == expected


@pytest.mark.skipif(not FORMAT_MD.exists(), reason="shared/FORMAT.md is not beside the checkout")
def test_table_two_rows_match_format_md() -> None:
    text = FORMAT_MD.read_text(encoding="utf-8")
    for row in FMT.tables["proactive"].rows:
        assert f"`{row.key}` | {row.label} |" in text
    blocks = [b.caption for b in FMT.tables["proactive"].blocks]
    assert blocks == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]


def test_table_shapes() -> None:
    apps = FMT.tables["applications"]
    assert [c.label for c in apps.columns] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert sum(1 for r in apps.rows if r.groups and r.groups[0] == "三、本年度办理结果") == 22
    assert sum(1 for r in apps.rows if "（三）不予公开" in r.groups) == 8
    assert apps.corner == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert apps.corner_span == (3, 3)
    assert [c.label for c in apps.column_header[1]] == ["自然人", "法人或其他组织", "总计"]
    assert apps.column_header[1][1].span == 5
    reviews = FMT.tables["reviews"]
    assert sum(len(r.columns) for r in reviews.rows) == 15
    assert [s.heading for s in FMT.sections] == SECTION_HEADINGS
    assert [r.code for r in FMT.rules] == [
        "C0",
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
        "H1",
        "H2",
        "H3",
        "H6",
        "H7",
    ]


def test_format_by_year_and_unknown_format() -> None:
    assert format_for_year(2024).id == "gov2021"
    with pytest.raises(InputError, match="未知的报告格式“gov1999”"):
        load_format("gov1999")


def test_fee_amount_is_a_decimal_of_at_most_four_places() -> None:
    report = parse_report(base_report(proactive={"fees": {"amount": 0.1234}}))
    assert report.figures.value("proactive", "fees", "amount") == Decimal("0.1234")
    report = parse_report(base_report(proactive={"fees": {"amount": 0.12345}}))
    assert ("proactive", "fees", "amount") in report.figures.invalid


def test_answers_are_validated_with_paths() -> None:
    data = base_report()
    data["answers"] = {
        "supervision": {"social_supervisors": "很多", "trainigs": 2},
        "platforms": {"channels": [{"name": "微信公众号", "count": -1}]},
        "problems": {"selected": ["depht"]},
        "feees": {},
    }
    with pytest.raises(ReportProblems) as info:
        parse_report(data)
    problems = dict(info.value.problems)
    assert (
        problems["answers.supervision.social_supervisors"]
        == "（聘请的社会监督员人数）应为不小于0的整数，现为“很多”"
    )
    assert problems["answers.supervision.trainigs"] == "未知的答案，是否应为“trainings”？"
    assert (
        problems["answers.platforms.channels[0].count"] == "（发布条数）应为不小于0的整数，现为“-1”"
    )
    assert problems["answers.problems.selected"].startswith(
        "（本年度存在的主要问题（从常见问题中选择））“depht”不在可选项中，是否应为“depth”？"
    )
    assert problems["answers.feees"] == "未知的答案组，是否应为“fees”？"


def test_answers_types_are_coerced() -> None:
    data = base_report()
    data["answers"] = {
        "requests": {"on_time_rate": "99.5%"},
        "management": {"secrecy_review": "是"},
        "fees": {"amount": "12.50"},
    }
    answers = parse_report(data).answers
    assert answers["requests"]["on_time_rate"] == Decimal("99.5")
    assert answers["management"]["secrecy_review"] is True
    assert answers["fees"]["amount"] == Decimal("12.50")


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("某某区人民政府办公室", "department"),  # an office of a government is a department
        ("某某街道办事处", "township"),
        ("某某区某某街道办事处", "township"),
        ("某某镇人民政府", "township"),
        ("某某乡人民政府", "township"),
        ("某某县教育局", "department"),
        ("某某市人民政府", "government"),
        ("某某区应急管理局", "department"),
        ("某某综合实验区管理委员会", "government"),
    ],
)
def test_one_guess_of_the_agency_type_from_its_name(agency: str, level: str) -> None:
    """The interview's default and the importer's assumption are this one function."""
    from report_writer.importer import guess_level as importer_guess
    from report_writer.interview.run import guess_level as interview_guess
    from report_writer.model import guess_level

    assert guess_level(agency) == level
    assert importer_guess is guess_level and interview_guess is guess_level
