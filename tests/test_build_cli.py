"""`build`, `regenerate` and `explain` as a user runs them: files written and read back, hand
edits of draft.md kept, merged or in conflict, and `check` on an edited draft (H4)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import docx
import lxml.html
import yaml
from typer.testing import CliRunner

from conftest import base_report
from report_writer.cli import app
from report_writer.draft.markers import OPENING, parse_draft

runner = CliRunner()
NUMBERS = [OPENING, "一", "二", "三", "四", "五", "六"]
NEW_MEASURE = "建立政务公开工作台账，逐项跟踪整改"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def built(ws: Path) -> str:
    code, out, _ = run("build", ws)
    assert code == 0, out
    return (ws / "draft.md").read_text(encoding="utf-8")


def draft_of(ws: Path) -> str:
    """draft.md exactly as stored (no newline translation)."""
    return (ws / "draft.md").read_bytes().decode("utf-8")


def region(ws: Path, number: str) -> str:
    return parse_draft(ws / "draft.md", draft_of(ws), NUMBERS).regions[number].text


def outside(ws: Path, number: str) -> tuple[str, str]:
    """draft.md before and after the region `number` (its markers included)."""
    text = draft_of(ws)
    r = parse_draft(ws / "draft.md", text, NUMBERS).regions[number]
    return text[: r.start], text[r.end :]


def edit_draft(ws: Path, old: str, new: str) -> None:
    path = ws / "draft.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the draft should say “{old}” once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_answers(ws: Path, old: str, new: str) -> None:
    path = ws / "report.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sentence_with(text: str, part: str) -> str:
    found = [s for s in re.findall(r"[^。\n]*。", text) if part in s]
    assert found, f"no sentence with “{part}”"
    return found[0]


def add_measure(ws: Path) -> None:
    edit_answers(
        ws,
        "      - 组织政务公开专题培训，让培训内容更贴近实际、更成体系\n",
        f"      - 组织政务公开专题培训，让培训内容更贴近实际、更成体系\n      - {NEW_MEASURE}\n",
    )


def test_build_writes_all_three_files(example_ws: Path) -> None:
    code, out, _ = run("build", example_ws)
    assert code == 0  # the example's error in 表四 is printed, the build goes on
    assert "错误 C4" in out
    for name in ("draft.md", "draft.html", "draft.docx"):
        assert f"已生成：{example_ws / name}" in out
    text = (example_ws / "draft.md").read_text(encoding="utf-8")
    assert list(parse_draft(example_ws / "draft.md", text, NUMBERS).regions) == NUMBERS
    assert "# 东丽区应急管理局2023年政府信息公开工作年度报告" in text
    state = json.loads((example_ws / ".report-writer" / "generated.json").read_text("utf-8"))
    assert set(state["regions"]) == set(NUMBERS)
    word = docx.Document(str(example_ws / "draft.docx"))
    assert word.paragraphs[0].text == "东丽区应急管理局\n2023年政府信息公开工作年度报告"


def test_strict_stops_before_writing(example_ws: Path) -> None:
    code, out, err = run("build", example_ws, "--strict")
    assert code == 1
    assert "错误 C4" in out and "未生成文件" in err
    assert not (example_ws / "draft.md").exists()


def test_format_and_out(example_ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "exports"
    code, out, _ = run("build", example_ws, "--format", "html", "--out", target)
    assert code == 0 and f"已生成：{target / 'draft.html'}" in out
    assert sorted(p.name for p in target.iterdir()) == [".report-writer", "draft.html"]
    assert [p.name for p in (target / ".report-writer").iterdir()] == ["exports.json"]
    assert not (example_ws / "draft.md").exists()
    code, _, err = run("build", example_ws, "--format", "pdf")
    assert code == 2 and "未知的输出格式“pdf”" in err


def test_build_keeps_a_hand_edit_and_exports_it(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "申请9件")
    edit_draft(example_ws, old, old.replace("9件", "10件"))
    before = region(example_ws, "一")
    code, out, _ = run("build", example_ws)
    assert code == 0
    assert "“一、总体情况”" in out and "已保留" in out
    assert region(example_ws, "一") == before
    page = lxml.html.document_fromstring((example_ws / "draft.html").read_bytes())
    assert any(old.replace("9件", "10件") in p.text_content() for p in page.xpath("//p"))
    word = docx.Document(str(example_ws / "draft.docx"))
    assert any(old.replace("9件", "10件") in p.text for p in word.paragraphs)


def test_check_warns_when_the_draft_disagrees_with_the_table(example_ws: Path) -> None:
    text = built(example_ws)
    code, out, _ = run("check", example_ws, "--json")
    assert "H4" not in {f["code"] for f in json.loads(out)}
    old = sentence_with(text, "申请9件")
    edit_draft(example_ws, old, old.replace("9件", "10件"))
    code, out, _ = run("check", example_ws, "--json")
    assert code == 1  # the example's C4 error; H4 is a warning
    (h4,) = [f for f in json.loads(out) if f["code"] == "H4"]
    assert h4["severity"] == "warning"
    assert old.replace("9件", "10件") in h4["message"]
    assert "写的是10件，但表三 一、本年新收政府信息公开申请数量 · 总计为9" in h4["message"]
    assert (h4["table"], h4["row"], h4["column"]) == ("applications", "new", "total")


def test_an_edit_in_one_survives_regenerating_five(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "申请9件")
    edit_draft(example_ws, old, "审阅人重写的一句话。")
    add_measure(example_ws)
    before, after = outside(example_ws, "五")
    code, out, _ = run("regenerate", example_ws, "--section", "五")
    assert code == 0, out
    assert outside(example_ws, "五") == (before, after)  # byte for byte
    assert NEW_MEASURE in region(example_ws, "五")
    html = (example_ws / "draft.html").read_text(encoding="utf-8")
    assert NEW_MEASURE in html and "审阅人重写的一句话。" in html


def test_an_edit_in_five_merges_with_a_changed_answer(example_ws: Path) -> None:
    built(example_ws)
    edit_draft(example_ws, "系统清理本局应公开事项", "逐项清理本局应公开事项")
    add_measure(example_ws)
    code, out, err = run("regenerate", example_ws, "--section", "五")
    assert code == 0, err
    assert "合并了其中的人工修改" in out
    five = region(example_ws, "五")
    assert "逐项清理本局应公开事项" in five and NEW_MEASURE in five
    assert "<<<<<<<" not in five
    word = docx.Document(str(example_ws / "draft.docx"))
    body = "".join(p.text for p in word.paragraphs)
    assert "逐项清理本局应公开事项" in body and NEW_MEASURE in body


def test_a_conflicting_edit_leaves_markers_and_says_where(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "100%")
    edit_draft(example_ws, old, old.replace("100%", "百分之百"))
    edit_answers(example_ws, "on_time_rate: 100", "on_time_rate: 90")
    html_before = (example_ws / "draft.html").read_bytes()
    code, out, err = run("regenerate", example_ws, "--section", "一")
    assert code == 1 and "1处冲突" in out
    match = re.search(r"冲突：“一、总体情况”（\S*draft\.md 第(\d+)行）", err)
    assert match, err
    lines = (example_ws / "draft.md").read_text(encoding="utf-8").splitlines()
    at = int(match.group(1)) - 1
    assert lines[at] == "<<<<<<< 审阅人修改的文字"
    assert lines[at + 1] == old.replace("100%", "百分之百")
    assert lines[at + 2] == "======="
    assert "90%" in lines[at + 3]
    assert lines[at + 4] == ">>>>>>> 重新生成的文字"
    assert (example_ws / "draft.html").read_bytes() == html_before  # exports wait
    code, _, err = run("build", example_ws)
    assert code == 2 and "未解决的冲突标记" in err


def test_dry_run_prints_a_diff_and_force_drops_the_edit(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "100%")
    edit_draft(example_ws, old, "审阅人的句子。")
    edit_answers(example_ws, "on_time_rate: 100", "on_time_rate: 90")
    draft = (example_ws / "draft.md").read_bytes()
    docx_before = (example_ws / "draft.docx").read_bytes()
    code, out, _ = run("regenerate", example_ws, "--section", "一", "--dry-run")
    assert code == 0
    assert out.startswith("--- draft.md")
    assert "\n+" in out and "90%" in out
    assert (example_ws / "draft.md").read_bytes() == draft
    assert (example_ws / "draft.docx").read_bytes() == docx_before
    code, out, _ = run("regenerate", example_ws, "--section", "一", "--force")
    assert code == 0 and "人工修改已丢弃" in out
    (backup,) = (example_ws / ".report-writer").glob("discarded-*-一.md")
    assert f"改前的 draft.md 另存为 {backup}" in out
    assert backup.read_bytes() == draft  # the discarded edit is kept there
    one = region(example_ws, "一")
    assert "审阅人的句子。" not in one and "90%" in one
    assert (
        not parse_draft(
            example_ws / "draft.md", (example_ws / "draft.md").read_text("utf-8"), NUMBERS
        )
        .regions["一"]
        .edited
    )


def test_explain_names_phrases_and_hand_edits(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "申请9件")
    edit_draft(example_ws, old, "审阅人写的句子。")
    code, out, _ = run("explain", example_ws, "--section", "一")
    assert code == 0
    assert out.startswith("一、总体情况（有人工修改）")
    lines = out.splitlines()
    mine = lines.index("  “审阅人写的句子。”")
    assert lines[mine + 1].strip() == "人工编辑"
    assert any(line.strip().startswith("表述 ") for line in lines)
    assert "（内置）" in out and "builtin" not in out  # the layer named in Chinese
    code, out, _ = run("explain", example_ws, "--section", "开头")
    assert "固定表述 · 用到 meta.agency、meta.year" in out
    code, out, _ = run("explain", example_ws, "--section", "三")
    assert "数字取自 report.yaml 的 tables.applications" in out
    code, out, _ = run("explain", example_ws, "--section", "五")  # the officer's own measures
    assert "答案原文（办事人员自己填写的文字） · 用到 problems.measures" in out
    assert "None" not in out


def test_broken_markers_stop_the_build_and_keep_the_draft(example_ws: Path) -> None:
    built(example_ws)
    edit_draft(example_ws, "<!-- report-writer 结束 五 -->\n", "")
    draft = (example_ws / "draft.md").read_bytes()
    code, _, err = run("build", example_ws)
    assert code == 2 and "“五”的开始标记没有对应的结束标记" in err and "第" in err
    assert (example_ws / "draft.md").read_bytes() == draft


def test_regenerate_needs_a_draft_and_a_known_section(example_ws: Path) -> None:
    code, _, err = run("regenerate", example_ws, "--section", "五")
    assert code == 2 and "请先运行 report-writer build" in err
    built(example_ws)
    code, _, err = run("regenerate", example_ws, "--section", "七")
    assert code == 2 and "没有“七”这一部分" in err


def test_tables_in_exports_always_come_from_report_yaml(example_ws: Path) -> None:
    built(example_ws)
    three = region(example_ws, "三")
    row = next(line for line in three.splitlines() if "一、本年新收" in line)
    edit_draft(example_ws, row, row.replace("<td>9</td>", "<td>99</td>", 1))
    code, out, _ = run("build", example_ws)
    assert code == 0
    assert (
        "“三、收到和处理政府信息公开申请情况”的表格在 HTML 和 Word 中按 report.yaml 的数字生成"
        in out
    )
    assert "<td>99</td>" in region(example_ws, "三")  # the edit stays in draft.md
    page = lxml.html.document_fromstring((example_ws / "draft.html").read_bytes())
    (cell,) = page.xpath('//td[@data-cell="applications.new.natural_person"]')
    assert cell.text_content() == "9"


def test_a_crash_between_saving_state_and_draft_loses_no_base(example_ws: Path) -> None:
    built(example_ws)
    edit_draft(example_ws, "系统清理本局应公开事项", "逐项清理本局应公开事项")
    add_measure(example_ws)
    edited = (example_ws / "draft.md").read_bytes()
    assert run("regenerate", example_ws, "--section", "五")[0] == 0
    (example_ws / "draft.md").write_bytes(edited)  # as if draft.md had not been replaced
    code, out, err = run("regenerate", example_ws, "--section", "五")
    assert code == 0, err
    assert "合并了其中的人工修改" in out
    five = region(example_ws, "五")
    assert "逐项清理本局应公开事项" in five and NEW_MEASURE in five


def test_a_draft_saved_with_windows_line_ends(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(text, "申请9件")
    path = example_ws / "draft.md"
    path.write_bytes(text.replace(old, "审阅人的句子。").replace("\n", "\r\n").encode("utf-8"))
    add_measure(example_ws)
    before, after = outside(example_ws, "五")
    code, out, err = run("regenerate", example_ws, "--section", "五")
    assert code == 0, err
    assert outside(example_ws, "五") == (before, after)
    assert "\n" not in draft_of(example_ws).replace("\r\n", "")  # every line ends in \r\n
    assert NEW_MEASURE in region(example_ws, "五")
    code, out, _ = run("build", example_ws)
    assert "“一、总体情况”" in out and "“五、" not in out  # only 一 counts as edited


def test_an_unreadable_record_of_generated_text_is_not_fatal(example_ws: Path) -> None:
    built(example_ws)
    edit_draft(example_ws, "系统清理本局应公开事项", "逐项清理本局应公开事项")
    record = example_ws / ".report-writer" / "generated.json"
    record.write_text('{"regions": {"五": "不是列表"}}', encoding="utf-8")
    code, out, _ = run("build", example_ws)
    assert code == 0 and "“五、存在的主要问题及改进情况”" in out  # the edit is kept
    add_measure(example_ws)
    code, out, err = run("regenerate", example_ws, "--section", "五")
    assert code == 1 and "冲突" in err  # without the base, every change is a conflict
    assert "逐项清理本局应公开事项" in draft_of(example_ws)


def test_the_out_folder_is_the_home_of_its_draft(example_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _ = run("build", example_ws, "--out", out, "--format", "md")
    assert code == 0
    old = sentence_with(draft_of(out), "申请9件")
    edit_draft(out, old, "审阅人改写的句子。")
    code, stdout, _ = run("build", example_ws, "--out", out)
    assert code == 0 and "“一、总体情况”" in stdout and "已保留" in stdout
    assert f"report-writer regenerate {example_ws} --out {out} --section 一" in stdout
    assert "审阅人改写的句子。" in region(out, "一")
    assert (out / ".report-writer" / "generated.json").is_file()
    assert not (example_ws / "draft.md").exists()
    page = lxml.html.document_fromstring((out / "draft.html").read_bytes())
    assert any("审阅人改写的句子。" in p.text_content() for p in page.xpath("//p"))
    # regenerate and explain work on the same folder, and merge with its record
    edit_draft(out, "系统清理本局应公开事项", "逐项清理本局应公开事项")
    add_measure(example_ws)
    code, stdout, err = run("regenerate", example_ws, "--out", out, "--section", "五")
    assert code == 0, err
    assert "合并了其中的人工修改" in stdout
    five = region(out, "五")
    assert "逐项清理本局应公开事项" in five and NEW_MEASURE in five
    assert "审阅人改写的句子。" in region(out, "一")
    word = docx.Document(str(out / "draft.docx"))
    assert any(NEW_MEASURE in p.text for p in word.paragraphs)
    code, stdout, _ = run("explain", example_ws, "--out", out, "--section", "一")
    lines = stdout.splitlines()
    assert lines[lines.index("  “审阅人改写的句子。”") + 1].strip() == "人工编辑"
    # check reads the draft there too (H4: a figure changed by hand)
    edit_draft(out, "审阅人改写的句子。", "本年度新收政府信息公开申请10件。")
    code, stdout, _ = run("check", example_ws, "--out", out, "--json")
    assert "H4" in {f["code"] for f in json.loads(stdout)}
    assert "H4" not in {f["code"] for f in json.loads(run("check", example_ws, "--json")[1])}


def test_commands_say_where_the_draft_is(example_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", example_ws, "--out", out, "--format", "md")[0] == 0
    code, _, err = run("regenerate", example_ws, "--section", "五")
    assert code == 2 and "请给出同样的 --out 文件夹" in err
    elsewhere = tmp_path / "elsewhere"
    for command in ("regenerate", "explain"):
        code, _, err = run(command, example_ws, "--out", elsewhere, "--section", "五")
        assert code == 2 and f"请先运行 report-writer build {example_ws} --out {elsewhere}" in err
    code, _, err = run("check", example_ws, "--out", elsewhere)
    assert code == 2 and "请给出 build --out 写入草稿的文件夹" in err
    assert not elsewhere.exists()
    built(example_ws)
    code, _, err = run("regenerate", example_ws, "--out", elsewhere, "--section", "五")
    assert code == 2 and f"工作区中的草稿 {example_ws / 'draft.md'} 不用 --out" in err


HOSTILE = "<script>alert(1)</script>"


def test_html_in_an_answer_is_inert_in_every_draft(example_ws: Path) -> None:
    edit_answers(example_ws, "focus: 应急管理、防灾减灾和安全生产", f'focus: "{HOSTILE}安全生产&"')
    text = built(example_ws)
    assert "<script" not in text  # a Markdown viewer shows the tag as text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;安全生产&amp;"
    assert text.count(escaped) >= 1 and text.count(escaped) == text.count("alert(1)")

    def shown(folder: Path) -> tuple[list[str], list[str]]:
        page = lxml.html.document_fromstring((folder / "draft.html").read_bytes())
        assert page.xpath("//script") == []
        word = docx.Document(str(folder / "draft.docx"))
        return [p.text_content() for p in page.xpath("//p")], [p.text for p in word.paragraphs]

    for said in shown(example_ws):
        assert any(f"{HOSTILE}安全生产&" in t for t in said)
        assert not any("&lt;" in t or "&amp;" in t for t in said)
    code, out, _ = run("explain", example_ws, "--section", "一")
    (line,) = [n for n, s in enumerate(out.splitlines()) if HOSTILE in s]
    assert out.splitlines()[line + 1].strip().startswith("表述 ")  # not taken for a hand edit
    # an officer's edit of that sentence, as it stands in draft.md, is read back once unescaped
    old = sentence_with(text, escaped)
    edit_draft(example_ws, old, old.replace("安全生产&amp;", "安全生产&amp;&lt;b&gt;工作"))
    code, out, _ = run("build", example_ws)
    assert code == 0 and "“一、总体情况”" in out
    for said in shown(example_ws):
        assert any(f"{HOSTILE}安全生产&<b>工作" in t for t in said)
        assert not any("&lt;" in t or "&amp;" in t for t in said)


def test_missing_fee_and_problems_are_named_until_filled_in(tmp_path: Path) -> None:
    ws = tmp_path / "new"
    assert run("init", ws, "--agency", "某某区测试局", "--year", "2024")[0] == 0
    code, out, _ = run("check", ws)  # no draft yet: the answers that generate 五 and 六
    assert code == 0
    assert "提示 H8  “六、其他需要报告的事项”没有提到信息处理费（答案中未填写）" in out
    assert "请填写 answers.fees（或运行 report-writer interview 目录 --revisit 六）" in out
    assert "提示 H9  “五、存在的主要问题及改进情况”没有写本年度存在的主要问题" in out
    assert "请填写 answers.problems.selected 或 answers.problems.other" in out
    code, out, _ = run("build", ws, "--format", "md")  # the build says so too
    assert code == 0 and "提示 H8  draft.md 的“六、其他需要报告的事项”没有提到信息处理费" in out
    assert "提示 H9  draft.md 的“五、存在的主要问题及改进情况”" in out
    code, out, _ = run("check", ws, "--json")
    assert code == 0 and [f["code"] for f in json.loads(out)] == ["H8", "H9"]
    assert run("check", ws, "--strict")[0] == 1
    assert run("build", ws, "--strict")[0] == 1
    edit_answers(ws, "answers: {}", "answers: {problems: {selected: [depth]}, fees: {notices: 0}}")
    code, out, _ = run("build", ws, "--format", "md")
    assert code == 0 and "提示" not in out
    assert "信息处理费" in region(ws, "六") and run("check", ws, "--strict")[0] == 0
    # a reviewer who replaces 五 with 「无。」 is told what the format requires
    edit_draft(ws, sentence_with(draft_of(ws), "薄弱环节"), "无。")
    code, out, _ = run("check", ws)
    assert "提示 H9  draft.md 的“五、存在的主要问题及改进情况”没有写本年度存在的主要问题" in out
    assert "或直接在 draft.md 中补写" in out


def test_the_example_builds_without_warnings(example_ws: Path) -> None:
    code, out, _ = run("build", example_ws, "--format", "md")
    assert code == 0 and "错误 C4" in out and "提示" not in out
    code, out, _ = run("check", example_ws)
    assert "共 1 处错误，0 处提示。" in out


def test_an_imported_report_is_judged_on_its_published_text(
    write_ws: Callable[..., Path],
) -> None:
    ws = write_ws(base_report())
    published = {"problems": "对标上级要求还存在一些问题不足。", "other": "无"}
    (ws / "imported.yaml").write_text(yaml.safe_dump(published, allow_unicode=True), "utf-8")
    code, out, _ = run("check", ws, "--json")
    (h8,) = json.loads(out)
    assert code == 0 and h8["code"] == "H8"  # 五 names problems: no H9
    assert h8["message"].startswith(
        "导入的原文（imported.yaml）“六、其他需要报告的事项”没有提到信息处理费"
    )
    edit_answers(ws, "meta:\n", "answers: {fees: {notices: 0}}\nmeta:\n")
    code, out, _ = run("check", ws, "--json")
    assert code == 0 and json.loads(out) == []  # the draft the answers make will state it


def test_a_paragraph_split_merges_with_a_changed_answer(example_ws: Path) -> None:
    edit_answers(example_ws, "    staff: 1\n", "    staff: 1\n    meetings: 3\n")
    text = built(example_ws)
    old = sentence_with(text, "3次专题")
    edit_draft(example_ws, old, old + "\n\n")  # the paragraph split after it
    edit_answers(example_ws, "meetings: 3", "meetings: 4")
    code, out, err = run("regenerate", example_ws, "--section", "一")
    assert code == 0 and "冲突" not in out + err and "合并了其中的人工修改" in out
    new = old.replace("3次专题", "4次专题")
    one = region(example_ws, "一")
    assert "<<<<<<<" not in one and f"\n{new}\n\n" in one
    word = [p.text for p in docx.Document(str(example_ws / "draft.docx")).paragraphs]
    assert word[word.index(new) + 1].startswith("2023年，我局聘请社会监督员")


def test_what_exports_leave_out_is_named_and_a_new_heading_carried(example_ws: Path) -> None:
    built(example_ws)
    heading = "## 五、存在的主要问题及改进措施"
    edit_draft(example_ws, "## 五、存在的主要问题及改进情况", heading)
    end = "<!-- report-writer 结束 一 -->"
    edit_draft(example_ws, end, end + "\n\n标记外补写的一段。")
    lines = draft_of(example_ws).split("\n")
    code, out, _ = run("build", example_ws)
    assert code == 0
    outside = lines.index("标记外补写的一段。") + 1
    assert f"提示 D1  draft.md 第{outside}行“标记外补写的一段。”在各部分的" in out
    assert "不会进入 HTML 和 Word" in out
    renamed = lines.index(heading) + 1
    assert f"提示 D3  draft.md 第{renamed}行的标题“五、存在的主要问题及改进措施”" in out
    page = lxml.html.document_fromstring((example_ws / "draft.html").read_bytes())
    assert "五、存在的主要问题及改进措施" in [h.text_content() for h in page.xpath("//h2")]
    word = [p.text for p in docx.Document(str(example_ws / "draft.docx")).paragraphs]
    assert "五、存在的主要问题及改进措施" in word
    code, out, _ = run("check", example_ws, "--json")
    d1 = [f for f in json.loads(out) if f["code"] == "D1"]
    assert [f["values"]["line"] for f in d1] == [outside]


def test_list_lines_stay_lines_in_html_and_word(example_ws: Path) -> None:
    text = built(example_ws)
    old = sentence_with(region(example_ws, "五"), "。")
    assert old in text
    edit_draft(example_ws, old, old + "\n\n改进措施：\n- 列表项一\n- 列表项二\n1. 第一条")
    code, _, _ = run("build", example_ws)
    assert code == 0
    items = ["改进措施：", "- 列表项一", "- 列表项二", "1. 第一条"]
    page = lxml.html.document_fromstring((example_ws / "draft.html").read_bytes())
    paragraphs = [p.text_content() for p in page.xpath("//p")]
    start = paragraphs.index(items[0])
    assert paragraphs[start : start + 4] == items
    word = [p.text for p in docx.Document(str(example_ws / "draft.docx")).paragraphs]
    start = word.index(items[0])
    assert word[start : start + 4] == items


def test_a_table_cell_edited_in_the_draft_is_reported(example_ws: Path) -> None:
    built(example_ws)
    row = '<tr><td>行政处罚</td><td colspan="3">60</td></tr>'
    edit_draft(example_ws, row, row.replace("60", "61"))
    line = draft_of(example_ws).split("\n").index(row.replace("60", "61")) + 1
    code, out, _ = run("check", example_ws, "--json")
    (d2,) = [f for f in json.loads(out) if f["code"] == "D2"]
    assert (d2["table"], d2["row"], d2["column"]) == ("proactive", "penalty", "decisions")
    assert d2["values"] == {"line": line, "draft": "61", "report": "60"}
    assert f"draft.md 第{line}行：草稿中表二 行政处罚 · 本年处理决定数量为61" in d2["message"]
    assert "report.yaml 中为60" in d2["message"] and "--section 二 --force" in d2["message"]
    code, out, _ = run("build", example_ws)
    assert "提示 D2" in out and "为61" in out
    code, out, _ = run("regenerate", example_ws, "--section", "二")
    assert code == 0 and "没有变化" not in out
    assert "注意：draft.md 第" in out and "为61，report.yaml 中为60" in out
    code, out, _ = run("regenerate", example_ws, "--section", "二", "--force")
    assert code == 0 and "另存为" in out
    code, out, _ = run("check", example_ws, "--json")
    assert "D2" not in {f["code"] for f in json.loads(out)}
    assert row in region(example_ws, "二")


def test_a_peoples_government_is_told_which_items_of_six_are_missing(
    write_ws: Callable[..., Path],
) -> None:
    data = base_report()
    data["meta"]["level"] = "government"
    data["answers"] = {
        "fees": {"notices": 0},
        "problems": {"selected": ["timeliness"]},
        "government": {"key_points": "逐项落实上级年度政务公开工作要点，按季度对账销号"},
    }
    ws = write_ws(data)
    code, out, _ = run("check", ws)
    assert code == 0  # hints only
    missing = [line for line in out.splitlines() if "提示 H9" in line]
    assert len(missing) == 2, out
    assert "没有写人大代表建议和政协提案办理结果公开情况（答案中未填写）" in missing[0]
    assert "没有写政务公开工作创新情况（答案中未填写）" in missing[1]
    data["answers"]["government"].update(
        proposals="办理人大代表建议12件、政协提案8件，办理结果全部公开",
        innovation="开设政策直通车专栏",
    )
    ws = write_ws(data)
    assert run("build", ws, "--format", "md")[0] == 0
    out = run("check", ws)[1]
    assert "H9" not in out, out  # the draft's 六 states all three items
    data["meta"]["level"] = "department"
    del data["answers"]["government"]
    assert "H9" not in run("check", write_ws(data))[1]  # a department owes none of them
