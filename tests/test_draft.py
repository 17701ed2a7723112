"""draft.md machinery: sentences, hashes, markers, the 3-way merge; the draft checks H5 and H8."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import base_report
from report_writer.document import Cell, Heading, Paragraph, Table, build_document
from report_writer.draft.checks import check_draft
from report_writer.draft.markers import (
    OPENING,
    compose,
    parse_draft,
    region_texts,
    replace_regions,
    text_hash,
    units,
)
from report_writer.draft.merge import Conflict, merge3, merged_text
from report_writer.draft.read import parse_blocks, unexported
from report_writer.errors import InputError
from report_writer.model import Report, parse_report

NUMBERS = [OPENING, "一", "二", "三", "四", "五", "六"]
TEXT = st.text(alphabet="甲乙丙，。；！？”\n a1", max_size=60)


@settings(max_examples=60)
@given(TEXT)
def test_units_give_the_text_back(text: str) -> None:
    assert "".join(units(text)) == text


def test_units_cut_after_sentence_ends_and_closing_quotes() -> None:
    assert units("一是甲；二是“乙。”丙\n\n丁") == ["一是甲；", "二是“乙。”", "丙", "\n", "\n", "丁"]


def test_hash_ignores_line_endings_and_trailing_blanks() -> None:
    assert text_hash("甲。\n乙。") == text_hash("甲。  \r\n乙。\r\n\n")
    assert text_hash("甲。") != text_hash("乙。")


@settings(max_examples=60)
@given(TEXT, TEXT)
def test_merge_takes_a_one_sided_change(base: str, changed: str) -> None:
    assert merged_text(merge3(base, changed, base))[0] == changed
    assert merged_text(merge3(base, base, changed))[0] == changed
    assert merged_text(merge3(base, changed, changed))[0] == changed


def test_merge_combines_changes_of_different_sentences() -> None:
    base = "第一句。第二句。第三句。\n\n第四句。"
    ours = "第一句（改）。第二句。第三句。\n\n第四句。"
    theirs = "第一句。第二句。第三句（新）。\n\n第四句。第五句。"
    assert merge3(base, ours, theirs) == [
        "第一句（改）。第二句。第三句（新）。\n\n第四句。第五句。"
    ]
    # neighbours changed on different sides are decided sentence by sentence
    ours = "第一句甲。第二句。第三句。\n\n第四句。"
    theirs = "第一句。第二句乙。第三句。\n\n第四句。"
    assert merge3(base, ours, theirs) == ["第一句甲。第二句乙。第三句。\n\n第四句。"]


def test_conflict_only_where_both_changed_the_same_sentence() -> None:
    base = "第一句。第二句。第三句。"
    pieces = merge3(base, "第一句。第二句甲。第三句改。", "第一句新。第二句乙。第三句。")
    assert pieces == ["第一句新。", Conflict("第二句甲。", "第二句乙。"), "第三句改。"]
    text, lines = merged_text(pieces)
    assert text.splitlines() == [
        "第一句新。",
        "<<<<<<< 审阅人修改的文字",
        "第二句甲。",
        "=======",
        "第二句乙。",
        ">>>>>>> 重新生成的文字",
        "第三句改。",
    ]
    assert lines == [2]


def draft_text() -> str:
    regions = {n: ("0" * 12, f"## {n}\n\n{n}的正文。") for n in NUMBERS}
    regions = {n: (text_hash(t), t) for n, (_, t) in regions.items()}
    return compose(regions)


def test_parse_finds_every_region_and_what_was_edited(tmp_path: Path) -> None:
    text = draft_text().replace("五的正文。", "五的正文（审阅人改过）。")
    draft = parse_draft(tmp_path / "draft.md", text, NUMBERS)
    assert list(draft.regions) == NUMBERS
    assert draft.regions["五"].text == "## 五\n\n五的正文（审阅人改过）。"
    assert [n for n, r in draft.regions.items() if r.edited] == ["五"]


def test_replacing_one_region_leaves_every_other_byte(tmp_path: Path) -> None:
    text = (
        draft_text()
        .replace("一的正文。", "一的正文，  改过\r\n")
        .replace("\n\n<!--", "\n\n备注\n\n<!--", 1)
    )
    draft = parse_draft(tmp_path / "draft.md", text, NUMBERS)
    new = replace_regions(draft, {"五": (text_hash("新"), "新")})
    start, end = draft.regions["五"].start, draft.regions["五"].end
    assert new[:start] == text[:start]
    assert new.endswith(text[end:])
    assert parse_draft(tmp_path / "draft.md", new, NUMBERS).regions["五"].text == "新"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("<!-- report-writer 结束 三 -->\n", ""), "没有对应的结束标记"),
        (lambda t: t.replace("开始 三", "开始 七"), "不是报告的一部分"),
        (lambda t: t.replace("结束 六", "结束 五"), "没有对应的开始标记"),
        (
            lambda t: t.replace(
                "二的正文。", "<<<<<<< 审阅人修改的文字\n甲\n=======\n乙\n>>>>>>> 重新生成的文字"
            ),
            "冲突标记",
        ),
    ],
)
def test_broken_markers_name_the_line(
    tmp_path: Path, change: Callable[[str], str], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_draft(tmp_path / "draft.md", change(draft_text()), NUMBERS)
    assert "第" in caught.value.message and "行" in caught.value.message


def test_missing_region_is_named(tmp_path: Path) -> None:
    text = draft_text()
    draft = parse_draft(tmp_path / "draft.md", text, NUMBERS)
    region = draft.regions["六"]
    with pytest.raises(InputError, match="找不到“六”的标记"):
        parse_draft(tmp_path / "draft.md", text[: region.start] + text[region.end :], NUMBERS)


def test_blocks_read_back_from_markdown() -> None:
    parsed = parse_blocks(
        "## 一、总体情况\n\n### （一）甲\n\n第一行，\n接续。第二句。\n\n另一段。\n\n# 多余的标题"
    )
    assert parsed.title == "一、总体情况" and parsed.title_line == 1
    blocks = parsed.blocks
    assert blocks[0] == Heading(2, "（一）甲")
    assert isinstance(blocks[1], Paragraph) and blocks[1].text == "第一行，接续。第二句。"
    assert [s.text for s in blocks[1].sentences] == ["第一行，接续。", "第二句。"]
    assert isinstance(blocks[2], Paragraph) and blocks[2].text == "另一段。"
    assert blocks[3] == Heading(1, "多余的标题")  # not the section's own heading: kept as one
    assert parsed.lines == [3, 5, 8, 10]
    assert parse_blocks("# 标题\n\n导语。", opening=True).title == "标题"


def test_list_items_keep_their_lines() -> None:
    parsed = parse_blocks(
        "改进措施如下：\n- 列表项一\n- 列表项二\n  接续的文字。\n1. 第一条\n（二）第二条\n"
        "plain English\nwrapped，共\n3.5万元。"
    )
    assert [b.text for b in parsed.blocks if isinstance(b, Paragraph)] == [
        "改进措施如下：",
        "- 列表项一",
        "- 列表项二接续的文字。",
        "1. 第一条",
        "（二）第二条plain English wrapped，共3.5万元。",
    ]
    assert parsed.lines == [1, 2, 3, 5, 6]


def test_a_table_reads_back_with_its_spans_and_row_lines() -> None:
    parsed = parse_blocks(
        '## 二、表\n\n<table data-table="proactive">\n<tr><th colspan="2">甲 &amp; 乙</th></tr>\n'
        '<tr><td rowspan="2">丙</td><td>61</td></tr>\n</table>\n\n表后的说明。'
    )
    table, note = parsed.blocks
    assert isinstance(table, Table) and table.key == "proactive"
    assert table.rows == (
        (Cell("甲 & 乙", colspan=2, header=True),),
        (Cell("丙", rowspan=2), Cell("61")),
    )
    assert parsed.row_lines[0] == [4, 5]
    assert isinstance(note, Paragraph) and note.text == "表后的说明。"


def test_text_outside_the_markers_is_named_with_its_line(tmp_path: Path) -> None:
    text = draft_text()
    end = "<!-- report-writer 结束 一 -->\n"
    text = text.replace(end, end + "\n标记外补写的一段。\n<!-- 自己的备注 -->\n")
    text = text.replace("## 开头\n", "# 开头\n\n## 导语里的小标题\n")
    draft = parse_draft(tmp_path / "draft.md", text, NUMBERS)
    lines = text.split("\n")
    found = unexported(draft)
    assert [(t, opening) for _, t, opening in found] == [
        ("## 导语里的小标题", True),
        ("标记外补写的一段。", False),
    ]
    assert all(lines[n - 1] == t for n, t, _ in found)


def test_a_paragraph_split_merges_with_a_regenerated_sentence() -> None:
    base = "### （一）甲\n\n全年3次专题研究部署公开工作。第二句。第三句。\n\n另一段。"
    ours = "### （一）甲\n\n全年3次专题研究部署公开工作。\n\n第二句。第三句。\n\n另一段。"
    theirs = "### （一）甲\n\n全年4次专题研究部署公开工作。第二句。第三句。\n\n另一段。"
    expected = "### （一）甲\n\n全年4次专题研究部署公开工作。\n\n第二句。第三句。\n\n另一段。"
    assert merge3(base, ours, theirs) == [expected]
    assert merge3(base, theirs, ours) == [expected]
    # blanks changed on one side only are not edits of a sentence either
    assert merge3("甲。乙。", "甲。 乙。\n", "甲。乙改。") == ["甲。 乙改。\n"]


def test_a_conflict_before_a_paragraph_break_keeps_the_break() -> None:
    base = "第一句。第二句。第三句。"
    ours = "第一句。第二句甲。\n\n第三句。"
    theirs = "第一句。第二句乙。第三句。"
    text, lines = merged_text(merge3(base, ours, theirs))
    assert text.split("\n") == [
        "第一句。",
        "<<<<<<< 审阅人修改的文字",
        "第二句甲。",
        "=======",
        "第二句乙。",
        ">>>>>>> 重新生成的文字",
        "",
        "第三句。",
    ]
    assert lines == [2]


# Sections 五 and 六 as complete as FORMAT.md requires (H9, H8), unless a test says otherwise.
COMPLETE = {"五": "信息发布的时效性不强。", "六": "本年度未收取信息处理费。"}


def draft_with(tmp_path: Path, report: Report, sections: dict[str, str]):  # type: ignore[no-untyped-def]
    """A draft of the report as generated (headings and tables), with the narrative sections
    holding the text given."""
    regions = {n: g.text for n, g in region_texts(build_document(report, {})).items()}
    for number, body in (COMPLETE | sections).items():
        regions[number] = f"## {report.fmt.section(number).heading}\n\n{body}"
    return parse_draft(
        tmp_path / "draft.md", compose({n: (text_hash(t), t) for n, t in regions.items()}), NUMBERS
    )


def test_h5_says_none_while_table_four_counts_some(tmp_path: Path) -> None:
    report = parse_report(base_report(reviews={"review": {"pending": 2}}))
    draft = draft_with(tmp_path, report, {"一": "本年度未发生政府信息公开行政复议、行政诉讼案件。"})
    findings = check_draft(report, draft)
    assert [f.code for f in findings] == ["H5"]
    assert "行政复议总计为2件" in findings[0].message
    assert "未发生政府信息公开行政复议" in findings[0].message


def test_h4_litigation_is_the_sum_of_both_groups(tmp_path: Path) -> None:
    report = parse_report(
        base_report(
            reviews={"litigation_direct": {"upheld": 1}, "litigation_after_review": {"pending": 1}}
        )
    )
    fine = draft_with(tmp_path, report, {"一": "本年度发生行政诉讼2件。"})
    assert check_draft(report, fine) == []
    wrong = draft_with(tmp_path, report, {"一": "本年度发生行政诉讼1件。"})
    (finding,) = check_draft(report, wrong)
    assert finding.code == "H4" and "写的是1件" in finding.message and "之和为2" in finding.message


def test_h8_repeated_sentences_and_the_fee(tmp_path: Path) -> None:
    data = base_report()
    data["answers"] = {"fees": {"notices": 1, "collected": 120}}
    report = parse_report(data)
    sentence = "我局坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。"
    last_year = draft_with(tmp_path, report, {"一": sentence})
    draft = draft_with(tmp_path, report, {"一": sentence + "新的一句。", "六": "无。"})
    codes = [(f.code, f.message) for f in check_draft(report, draft, last_year)]
    assert codes[0][0] == "H8" and "1句与上年度报告完全相同" in codes[0][1]
    assert codes[1][0] == "H8" and "没有提到信息处理费" in codes[1][1]
    said = draft_with(tmp_path, report, {"六": "本年度共收取信息处理费120元。"})
    assert check_draft(report, said) == []
    denied = draft_with(tmp_path, report, {"六": "本年度未收取信息处理费。"})
    assert "说未收取信息处理费" in check_draft(report, denied)[0].message
