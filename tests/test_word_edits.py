"""Edits made to draft.docx in Word, WPS or LibreOffice come back into draft.md, draft.docx and
draft.html; a changed export is never written over without a dated backup and a notice."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest

import libreoffice
from cli_runner import run, runner
from report_writer.cli import app
from report_writer.draft.markers import OPENING, parse_draft

NUMBERS = [OPENING, "一", "二", "三", "四", "五", "六"]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIVE = "针对上述问题，我局将着力做好以下工作："  # opens the last paragraph of 五
SIX = "本年度我局未向申请人发出收费通知，未收取政府信息公开信息处理费。"  # a sentence of 六


def built(ws: Path) -> None:
    code, out, _ = run("build", ws)
    assert code == 0, out
    assert "备份" not in out


def region(ws: Path, number: str) -> str:
    text = (ws / "draft.md").read_text(encoding="utf-8")
    return parse_draft(ws / "draft.md", text, NUMBERS).regions[number].text


def word_text(ws: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(ws / "draft.docx")).paragraphs)


def html_text(ws: Path) -> str:
    return str(lxml.html.parse(str(ws / "draft.html")).getroot().text_content())


def edit_in_word(ws: Path, marker: str, old: str, new: str) -> None:
    """In draft.docx, replace `old` by `new` in each run of the paragraph holding `marker`, as a
    reviewer typing over the words in Word would."""
    word = docx.Document(str(ws / "draft.docx"))
    paragraph = next(p for p in word.paragraphs if marker in p.text)
    for r in paragraph.runs:
        r.text = r.text.replace(old, new)
    word.save(str(ws / "draft.docx"))


def edit_in_md(ws: Path, old: str, new: str) -> None:
    md = ws / "draft.md"
    md.write_text(md.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def edit_xml(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in word/document.xml, as an editor saving the file would."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert xml.count(old) == 1, f"document.xml should hold “{old}” once"
    parts["word/document.xml"] = xml.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def backups(ws: Path, suffix: str) -> list[Path]:
    return sorted((ws / ".report-writer").glob(f"draft-*{suffix}"))


def run_xml(text: str) -> str:
    return f'<w:r><w:rPr><w:rFonts w:eastAsia="仿宋"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def measure_run(path: Path) -> tuple[str, str]:
    """The run of draft.docx holding the first measure (as python-docx wrote it) and its text."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    found = re.search(r"<w:r>(?:(?!<w:r>).)*?一是系统清理本局应公开事项.*?</w:r>", xml)
    assert found
    text = re.search(r"<w:t[^>]*>(.*?)</w:t>", found.group()).group(1)  # type: ignore[union-attr]
    return found.group(), text


def split_runs(ws: Path) -> tuple[str, str]:
    """Word splits the run where the reviewer typed: 「系统清理」 becomes 「逐项」 over three runs."""
    path = ws / "draft.docx"
    run, text = measure_run(path)
    head, tail = text.split("系统清理", 1)
    edit_xml(path, run, run_xml(head + "逐") + run_xml("项清") + run_xml("理" + tail))
    return "逐项清理本局应公开事项", "系统清理本局应公开事项"


def tracked(ws: Path) -> tuple[str, str]:
    """The same change as a tracked insertion and deletion (修订)."""
    path = ws / "draft.docx"
    run, text = measure_run(path)
    head, tail = text.split("系统", 1)
    edit_xml(
        path,
        run,
        run_xml(head)
        + '<w:del w:id="1" w:author="科长"><w:r><w:delText>系统</w:delText></w:r></w:del>'
        + f'<w:ins w:id="2" w:author="科长">{run_xml("全面")}</w:ins>'
        + run_xml(tail),
    )
    return "全面清理本局应公开事项", "系统清理本局应公开事项"


def added(ws: Path) -> tuple[str, str]:
    word = docx.Document(str(ws / "draft.docx"))
    six = next(p for p in word.paragraphs if SIX in p.text)
    six.insert_paragraph_before("审阅时新增的一段话。", style=six.style)
    word.save(str(ws / "draft.docx"))
    return "审阅时新增的一段话。", "\x00"  # nothing should be gone


def deleted(ws: Path) -> tuple[str, str]:
    word = docx.Document(str(ws / "draft.docx"))
    five = next(p for p in word.paragraphs if FIVE in p.text)
    text = five.text
    five._p.getparent().remove(five._p)
    word.save(str(ws / "draft.docx"))
    return "在肯定成绩的同时", text[:30]


def test_an_unchanged_build_keeps_no_backup(example_ws: Path) -> None:
    built(example_ws)
    built(example_ws)
    assert backups(example_ws, ".docx") == [] and backups(example_ws, ".html") == []


def test_a_word_split_across_runs_comes_back_and_the_old_file_is_kept(example_ws: Path) -> None:
    built(example_ws)
    docx_path = example_ws / "draft.docx"
    edited_before = docx_path.read_bytes()
    split_runs(example_ws)
    edited = docx_path.read_bytes()
    assert edited != edited_before
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "逐项清理本局应公开事项" in region(example_ws, "五")
    assert "逐项清理本局应公开事项" in word_text(example_ws)
    assert "逐项清理本局应公开事项" in html_text(example_ws)
    [kept] = backups(example_ws, ".docx")
    assert kept.read_bytes() == edited
    notice = [line for line in out.splitlines() if "已备份为" in line]
    assert len(notice) == 1 and "draft.docx" in notice[0] and str(kept) in notice[0]
    assert "改动" in notice[0]
    built(example_ws)  # read once: the next build neither merges again nor keeps a copy
    assert len(backups(example_ws, ".docx")) == 1


def test_tracked_changes_are_read_as_accepted_and_said_so(example_ws: Path) -> None:
    built(example_ws)
    tracked(example_ws)
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "接受全部修订" in out
    five = region(example_ws, "五")
    assert "全面清理本局应公开事项" in five and "系统清理" not in five
    assert "全面清理" in word_text(example_ws) and "全面清理" in html_text(example_ws)


def test_a_paragraph_added_and_one_deleted_survive_regenerating_five(example_ws: Path) -> None:
    built(example_ws)
    word = docx.Document(str(example_ws / "draft.docx"))
    paragraphs = word.paragraphs
    six = next(p for p in paragraphs if SIX in p.text)
    added = six.insert_paragraph_before("审阅时新增的一段话。", style=six.style)
    assert added.text
    overview = next(i for i, p in enumerate(paragraphs) if p.text.startswith("一、"))
    deleted = paragraphs[overview + 1].text  # the first paragraph of 一
    paragraphs[overview + 1]._p.getparent().remove(paragraphs[overview + 1]._p)
    word.save(str(example_ws / "draft.docx"))
    code, out, err = run("regenerate", example_ws, "--section", "五")
    assert code == 0, out + err
    assert "审阅时新增的一段话。" in region(example_ws, "六")
    assert deleted not in region(example_ws, "一")
    for text in (word_text(example_ws), html_text(example_ws)):
        assert "审阅时新增的一段话。" in text and deleted not in text
    assert len(backups(example_ws, ".docx")) == 1
    code, out, _ = run("build", example_ws)  # build keeps them: they are edits of draft.md now
    assert code == 0
    assert "审阅时新增的一段话。" in word_text(example_ws)
    assert deleted not in word_text(example_ws)


def test_edits_in_both_files_merge(example_ws: Path) -> None:
    built(example_ws)
    edit_in_md(example_ws, "系统清理本局应公开事项", "全面清理本局应公开事项")
    edit_in_word(example_ws, SIX, SIX, "本年度我局没有收取信息处理费。")
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "全面清理本局应公开事项" in region(example_ws, "五")
    assert "本年度我局没有收取信息处理费。" in region(example_ws, "六")
    body = word_text(example_ws)
    assert "全面清理本局应公开事项" in body and "本年度我局没有收取信息处理费。" in body


def test_the_same_sentence_edited_in_both_files_is_a_marked_conflict(example_ws: Path) -> None:
    built(example_ws)
    edit_in_md(example_ws, "系统清理本局应公开事项", "全面清理本局应公开事项")
    edit_in_word(example_ws, FIVE, "系统清理本局应公开事项", "逐项清理本局应公开事项")
    edited_docx = (example_ws / "draft.docx").read_bytes()
    html_before = (example_ws / "draft.html").read_bytes()
    code, out, err = run("build", example_ws)
    assert code == 1
    md = example_ws / "draft.md"
    match = re.search(r"冲突：“五、存在的主要问题及改进情况”（\S*draft\.md 第(\d+)行）", err)
    assert match, err
    lines = md.read_text(encoding="utf-8").splitlines()
    at = int(match.group(1)) - 1
    assert lines[at] == "<<<<<<< draft.md 中的文字"
    assert "全面清理" in lines[at + 1] and lines[at + 2] == "======="
    assert "逐项清理" in lines[at + 3] and lines[at + 4] == ">>>>>>> draft.docx（Word）中的文字"
    assert (example_ws / "draft.docx").read_bytes() == edited_docx  # nothing written over
    assert (example_ws / "draft.html").read_bytes() == html_before
    # the reviewer keeps the Word text: the next build exports it, merging nothing twice
    md.write_text(
        "\n".join([*lines[:at], lines[at + 3], *lines[at + 5 :]]) + "\n", encoding="utf-8"
    )
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "逐项清理本局应公开事项" in word_text(example_ws)
    assert "全面清理" not in word_text(example_ws)
    assert len(backups(example_ws, ".docx")) == 1


def test_a_figure_changed_in_word_is_reported_and_taken_from_report_yaml(
    example_ws: Path,
) -> None:
    built(example_ws)
    word = docx.Document(str(example_ws / "draft.docx"))
    table = word.tables[0]  # 表二
    row = next(r for r in table.rows if r.cells[0].text == "行政处罚")
    assert row.cells[1].text == "60"
    row.cells[1].paragraphs[0].runs[0].text = "61"
    word.save(str(example_ws / "draft.docx"))
    code, out, _ = run("build", example_ws)
    assert code == 0
    found = [line for line in out.splitlines() if "D2" in line]
    assert len(found) == 1 and "行政处罚" in found[0] and "61" in found[0] and "60" in found[0]
    assert "draft.docx" in found[0]
    rebuilt = docx.Document(str(example_ws / "draft.docx")).tables[0]
    assert next(r for r in rebuilt.rows if r.cells[0].text == "行政处罚").cells[1].text == "60"
    assert len(backups(example_ws, ".docx")) == 1


def test_a_changed_html_page_is_kept_before_it_is_written_over(example_ws: Path) -> None:
    built(example_ws)
    page = example_ws / "draft.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("</body>", "<p>门户编辑加的</p></body>")
    )
    changed = page.read_bytes()
    code, out, _ = run("regenerate", example_ws, "--section", "五")
    assert code == 0
    [kept] = backups(example_ws, ".html")
    assert kept.read_bytes() == changed
    assert f"{page} 在上次生成后有改动，已备份为 {kept}" in out
    assert "门户编辑加的" not in page.read_text(encoding="utf-8")


def test_an_unreadable_docx_is_kept_and_the_build_goes_on(example_ws: Path) -> None:
    built(example_ws)
    (example_ws / "draft.docx").write_bytes(b"not a zip at all")
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "不是有效的Word 文档" in out and "已备份为" in out
    assert backups(example_ws, ".docx")[0].read_bytes() == b"not a zip at all"
    assert "五、存在的主要问题及改进情况" in word_text(example_ws)


def test_a_docx_that_unpacks_to_too_much_is_refused_quickly(example_ws: Path) -> None:
    built(example_ws)
    path = example_ws / "draft.docx"
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["word/document.xml"] = b"<w:p/>" * (20 * 1024 * 1024)  # 120 MB unpacked
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    assert path.stat().st_size < 1024 * 1024
    code, out, _ = run("build", example_ws)
    assert code == 0
    assert "疑似压缩炸弹" in out and "已备份为" in out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_document_saved_again_by_libreoffice_comes_back(example_ws: Path, tmp_path: Path) -> None:
    built(example_ws)
    edit_in_word(example_ws, FIVE, "系统清理", "逐项清理")
    out_dir = tmp_path / "lo"
    done = libreoffice.convert(
        example_ws / "draft.docx", "docx:MS Word 2007 XML", out_dir, tmp_path / "profile"
    )
    assert done.returncode == 0, done.stderr
    shutil.copyfile(out_dir / "draft.docx", example_ws / "draft.docx")
    code, out, _ = run("build", example_ws)
    assert code == 0, out
    assert "逐项清理本局应公开事项" in region(example_ws, "五")
    assert [line for line in out.splitlines() if "D2" in line] == []  # tables read unchanged
    for number in (OPENING, "一", "六"):  # nothing else counts as edited
        assert "有人工修改" not in "".join(x for x in out.splitlines() if f"“{number}" in x)


def test_the_interview_keeps_word_edits_and_a_changed_page(
    example_ws: Path, tmp_path: Path
) -> None:
    built(example_ws)
    page = example_ws / "draft.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- 门户编辑 -->", encoding="utf-8")
    edit_in_word(example_ws, FIVE, "系统清理", "逐项清理")
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  leadership:\n    staff: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["interview", str(example_ws), "--answers", str(answers)])
    assert result.exit_code in (0, 1), result.output  # 1: the example's own error in 表四
    assert "逐项清理本局应公开事项" in region(example_ws, "五")
    assert "逐项清理本局应公开事项" in word_text(example_ws)
    assert len(backups(example_ws, ".html")) == 1 and len(backups(example_ws, ".docx")) == 1
    assert result.output.count("已备份为") == 2


def test_a_dry_run_shows_word_edits_in_the_diff_and_writes_nothing(example_ws: Path) -> None:
    built(example_ws)
    edit_in_word(example_ws, FIVE, "系统清理", "逐项清理")
    files = {p: p.read_bytes() for p in example_ws.rglob("*") if p.is_file()}
    code, out, _ = run("regenerate", example_ws, "--section", "一", "--dry-run")
    assert code == 0
    assert "+针对上述问题，我局将着力做好以下工作：一是逐项清理" in out
    assert "并入" in out and "draft.docx" in out
    assert {p: p.read_bytes() for p in example_ws.rglob("*") if p.is_file()} == files


def test_text_added_beside_a_table_in_word_is_named_not_lost(example_ws: Path) -> None:
    built(example_ws)
    word = docx.Document(str(example_ws / "draft.docx"))
    heading = next(p for p in word.paragraphs if p.text == "三、收到和处理政府信息公开申请情况")
    heading.insert_paragraph_before("表格说明：本表由办公室填报。")
    word.save(str(example_ws / "draft.docx"))
    code, out, _ = run("build", example_ws)
    assert code == 0
    [note] = [line for line in out.splitlines() if "表格以外的文字" in line]
    assert "二、主动公开政府信息情况" in note and "未读入" in note
    assert backups(example_ws, ".docx")  # and the edited file is kept


@pytest.mark.parametrize("edit", [split_runs, tracked, added, deleted])
@pytest.mark.parametrize("command", [["regenerate", "--section", "五"], ["build"]])
def test_every_word_edit_reaches_every_file(example_ws: Path, edit, command) -> None:  # type: ignore[no-untyped-def]
    built(example_ws)
    present, gone = edit(example_ws)
    code, out, err = run(command[0], example_ws, *command[1:])
    assert code == 0, out + err
    markdown = (example_ws / "draft.md").read_text(encoding="utf-8")
    for text in (markdown, word_text(example_ws), html_text(example_ws)):
        assert present in text and gone not in text
    assert len(backups(example_ws, ".docx")) == 1
