"""Hostile input, round two (issue 16): no unbounded memory or time, no internal errors, no
silent zeros. Each test runs the command as a user would and fails without its fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli_runner import run_cli
from report_writer.cli import app

runner = CliRunner()

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def refused(args: list[str], *names: str) -> str:
    """Run the command; it must fail cleanly (exit 2, a message naming each of `names`)."""
    result = runner.invoke(app, args)
    output = result.output
    assert "内部错误" not in output and "Traceback" not in output, output
    assert result.exit_code == 2, (result.exit_code, output, result.exception)
    for name in names:
        assert name in output, output
    return output


# --- import: .docx and .pdf built to exhaust memory or the parser -----------------------------


def write_docx(path: Path, document_xml: bytes | str, members: int = 0) -> Path:
    data = document_xml.encode() if isinstance(document_xml, str) else document_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", data)
        for i in range(members):
            package.writestr(f"word/media/x{i}.bin", b"")
    return path


def body(inner: str) -> str:
    return f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document ['
    '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + f']><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


@pytest.mark.parametrize(
    ("name", "xml", "expected"),
    [
        ("laughs", BILLION_LAUGHS, "实体"),
        ("deep", body("<w:p>" * 5000 + "</w:p>" * 5000), "嵌套层数过深"),
        ("node", body("<w:p><w:r><w:t>" + "字" * 4_000_000 + "</w:t></w:r></w:p>"), "过长"),
        ("inflated", body("<w:p/>" * 4_000_000), "压缩炸弹"),
        ("paragraphs", body("<w:p/>" * 1_000_000), "个元素"),
        ("broken", body("<w:p>"), "不是有效的 XML"),
    ],
)
def test_hostile_docx_is_refused_naming_the_file(
    tmp_path: Path, name: str, xml: str, expected: str
) -> None:
    """Billion laughs, 5,000-deep nesting, a 12 MB text node, a part that inflates to 24 MB, a
    million paragraphs: each refused in Chinese, naming the file, without inflating it all."""
    source = write_docx(tmp_path / f"{name}.docx", xml)
    refused(["import", str(source), "-o", str(tmp_path / "ws")], str(source), expected)
    assert not (tmp_path / "ws").exists()


def test_docx_with_too_many_members_is_refused(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "many.docx", body("<w:p/>"), members=6000)
    refused(["import", str(source), "-o", str(tmp_path / "ws")], str(source), "5,000")


def test_docx_whose_parts_inflate_too_much_together_is_refused(tmp_path: Path) -> None:
    """Each part under the bound of one, all of them over the bound of the package: refused
    before any is inflated (a library that reads every part would inflate them all)."""
    source = write_docx(tmp_path / "parts.docx", body("<w:p/>"))
    with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as package:
        for i in range(4):
            package.writestr(f"word/extra{i}.xml", b" " * (15 * 1024 * 1024))
    refused(["import", str(source), "-o", str(tmp_path / "ws")], str(source), "解压后共有")


def test_not_a_zip_named_docx_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "fake.docx"
    source.write_bytes(b"PK\x03\x04 not really")
    refused(["import", str(source), "-o", str(tmp_path / "ws")], str(source), "不是有效的")


def write_pdf(path: Path, content: bytes, flate: bool) -> Path:
    """A one-page PDF whose page content stream is `content` (compressed if `flate`)."""
    import zlib

    stream = zlib.compress(content, 9) if flate else content
    filters = b"/Filter /FlateDecode " if flate else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< "
        + filters
        + b"/Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body_ in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body_ + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


TEXT = b"BT /F1 12 Tf 72 700 Td (2023) Tj ET\n"


@pytest.mark.parametrize(
    ("name", "content", "flate"),
    [
        ("bomb", b" " * 100_000_000, True),  # inflates to 100 MB
        ("operators", TEXT + b"0 0 m\n" * 1_100_000, False),  # 3.3 M tokens
    ],
)
def test_hostile_pdf_is_refused_naming_the_file(
    tmp_path: Path, name: str, content: bytes, flate: bool
) -> None:
    """The PDF reader's bound on a page's instructions (inflated only up to it) stops a deflate
    bomb and a stream of millions of operators before the parser reads them; they are reported
    as what they are, not as an internal error."""
    pytest.importorskip("pdfplumber")
    source = write_pdf(tmp_path / f"{name}.pdf", content, flate)
    refused(["import", str(source), "-o", str(tmp_path / "ws")], str(source), "无法读取 PDF")


# --- silent zeros: a table or cell not filled in is 「未填写」, never 0 --------------------------


def table_cells(draft: str, label: str) -> list[str]:
    """The cells of the draft.md table row that starts with `label`."""
    import re

    row = next(line for line in draft.splitlines() if line.startswith(f"<tr><td>{label}<"))
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)[1:]


def test_report_without_tables_is_unfilled_not_zero(tmp_path: Path, example_ws: Path) -> None:
    text = (example_ws / "report.yaml").read_text(encoding="utf-8")
    (example_ws / "report.yaml").write_text(text[: text.index("\ntables:")] + "\n", "utf-8")
    result = runner.invoke(app, ["check", str(example_ws), "--strict"])
    assert result.exit_code == 1, result.output
    assert "表三（tables.applications）未填写" in result.output
    lenient = runner.invoke(app, ["check", str(example_ws)])
    assert lenient.exit_code == 0 and "提示 C0" in lenient.output, lenient.output
    built = runner.invoke(app, ["build", str(example_ws), "--format", "md"])
    assert built.exit_code == 0, built.output
    draft = (example_ws / "draft.md").read_text(encoding="utf-8")
    assert table_cells(draft, "行政处罚") == [""]  # not 0
    assert ">0<" not in draft


def test_a_deleted_cell_is_unfilled_not_zero(example_ws: Path) -> None:
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("penalty: {decisions: 60}", "penalty: {}"), "utf-8")
    result = runner.invoke(app, ["check", str(example_ws), "--strict"])
    assert result.exit_code == 1
    assert (
        "行政处罚 · 本年处理决定数量（tables.proactive.penalty.decisions）未填写" in result.output
    )
    assert runner.invoke(app, ["build", str(example_ws), "--format", "md"]).exit_code == 0
    draft = (example_ws / "draft.md").read_text(encoding="utf-8")
    assert table_cells(draft, "行政处罚") == [""]
    assert "行政处罚决定0件" not in draft and "行政处罚决定60件" not in draft


# --- hints that run commands ------------------------------------------------------------------


def test_printed_commands_quote_their_paths(tmp_path: Path) -> None:
    """A workspace named like `x$(touch PWNED);x` (after an imported file): the hint to
    regenerate a hand-edited section names it as one shell word, and pasting it runs nothing
    embedded."""
    import shlex
    import shutil
    import subprocess

    from conftest import EXAMPLE

    ws = tmp_path / "x$(touch PWNED);x"
    shutil.copytree(EXAMPLE, ws, ignore=shutil.ignore_patterns(".report-writer*"))
    assert runner.invoke(app, ["build", str(ws), "--format", "md"]).exit_code == 0
    draft = ws / "draft.md"
    text = draft.read_text(encoding="utf-8")
    draft.write_text(
        text.replace("## 一、总体情况\n\n", "## 一、总体情况\n\n（人工补充的一句。）", 1), "utf-8"
    )
    result = runner.invoke(app, ["build", str(ws), "--format", "md"])
    hint = next(line for line in result.output.splitlines() if "report-writer regenerate" in line)
    pasted = hint[hint.index("report-writer regenerate") :]
    assert shlex.split(pasted)[2] == str(ws), pasted
    subprocess.run(["bash", "-c", pasted], cwd=tmp_path, capture_output=True, check=False)
    assert not (tmp_path / "PWNED").exists()


# --- draft.md: what looks like a conflict marker but is not -----------------------------------


@pytest.mark.parametrize(
    "added",
    [
        "工作要点\n=======\n",  # a Markdown setext heading
        "<<<<<<< 这一行以七个小于号开头，但不是冲突\n",
        "<<<<<<< 开头\n\n=======\n\n正文，没有结束标记\n",
    ],
)
def test_text_that_only_looks_like_a_conflict_is_kept(example_ws: Path, added: str) -> None:
    assert runner.invoke(app, ["build", str(example_ws), "--format", "md"]).exit_code == 0
    draft = example_ws / "draft.md"
    text = draft.read_text(encoding="utf-8")
    anchor = "### （二）依申请公开"
    draft.write_text(text.replace(anchor, added + "\n" + anchor, 1), "utf-8")
    result = runner.invoke(app, ["build", str(example_ws), "--format", "md"])
    assert result.exit_code == 0 and "冲突" not in result.output, result.output
    assert added in draft.read_text(encoding="utf-8")


def test_a_real_conflict_block_is_still_refused(example_ws: Path) -> None:
    assert runner.invoke(app, ["build", str(example_ws), "--format", "md"]).exit_code == 0
    draft = example_ws / "draft.md"
    text = draft.read_text(encoding="utf-8")
    block = "<<<<<<< 审阅人修改的文字\n甲\n=======\n乙\n>>>>>>> 重新生成的文字\n"
    draft.write_text(
        text.replace("### （二）依申请公开", block + "### （二）依申请公开", 1), "utf-8"
    )
    refused(["build", str(example_ws), "--format", "md"], "未解决的冲突标记")


# --- answers too many or too long for a sentence ----------------------------------------------


def test_a_hundred_highlights_blame_the_answer_not_the_phrase(example_ws: Path) -> None:
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    items = "".join(f"      - 开展第{i}项专项工作\n" for i in range(120))
    anchor = "    focus: 应急管理、防灾减灾和安全生产\n"
    report.write_text(text.replace(anchor, anchor + "    highlights:\n" + items, 1), "utf-8")
    output = refused(["build", str(example_ws)], str(report), "answers.overview.highlights")
    assert "最多30项，现有120项" in output and "overview.yaml" not in output
    line = text[: text.index(anchor)].count("\n") + 2
    assert f"第{line}行 answers.overview.highlights" in output


# --- the phrase sandbox: bounded by what an expression builds ---------------------------------

# Each keeps every operand under the old per-operand limit; what it builds is gigabytes, or a
# quadratic sum. None is ever chosen (its slot is taken), yet its `when` would be evaluated.
BOMBS = {
    "join": "([([('a'*2000)]*2000)|join]*2000)|join|length < 0",
    "sum": "([([1]*2000)]*2000)|sum(start=[])|length < 0",
    "literal": "[" + ", ".join(["[1]*1999"] * 14) + "]|sum(start=[])|join|length < 0",
    "plus": "(([('a'*1999)]*15) + ([('a'*1999)]*15))|join|length < 0",
    "separator": "([1]*2000)|join('a'*2000)|length < 0",
}


def bomb_folder(tmp_path: Path, name: str, field: str = "when") -> Path:
    import yaml

    folder = tmp_path / "team"
    folder.mkdir(exist_ok=True)
    phrase = {"id": f"team.{name}", "slot": "other.none", "text": "无。"}
    if field == "when":
        phrase["when"] = BOMBS[name]
    else:
        phrase["text"] = "{{ " + BOMBS[name].rsplit(" < ", 1)[0] + " }}"
    text = yaml.safe_dump({"phrases": [phrase]}, allow_unicode=True)
    (folder / "team.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(BOMBS))
def test_lint_refuses_a_phrase_that_builds_too_much(tmp_path: Path, name: str) -> None:
    folder = bomb_folder(tmp_path, name)
    result = runner.invoke(app, ["phrasebank", "lint", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"{folder / 'team.yaml'}：team.{name}：" in result.output
    assert "过大" in result.output and "内部错误" not in result.output


@pytest.mark.parametrize("name", ["join", "sum"])
def test_lint_refuses_a_text_that_builds_too_much(tmp_path: Path, name: str) -> None:
    folder = bomb_folder(tmp_path, name, field="text")
    result = runner.invoke(app, ["phrasebank", "lint", str(folder)])
    assert result.exit_code == 1 and f"team.{name}：" in result.output, result.output


@pytest.mark.parametrize("name", ["join", "sum"])
def test_build_with_a_bomb_in_the_team_folder_stops_quickly(
    tmp_path: Path, example_ws: Path, name: str
) -> None:
    folder = bomb_folder(tmp_path, name)
    refused(
        ["build", str(example_ws), "--phrasebank", str(folder), "--format", "md"],
        f"team.{name}",
        str(folder / "team.yaml"),
        "过大",
    )


# --- files that are not regular files: devices, pipes, symlinks to them -----------------------


def special(tmp_path: Path, kind: str, name: str) -> Path:
    import os

    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_a_phrase_file_that_is_a_device_or_pipe_is_refused(
    tmp_path: Path, example_ws: Path, kind: str
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    bad = special(folder, kind, "evil.yaml")
    code, out = run_cli("phrasebank", "lint", folder)
    assert code in (1, 2) and str(bad) in out and "不是普通文件" in out, out
    code, out = run_cli("build", example_ws, "--phrasebank", folder, "--format", "md")
    assert code == 2 and str(bad) in out and "不是普通文件" in out, out
    assert "内部错误" not in out


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_answers_or_import_from_a_device_or_pipe_is_refused(
    tmp_path: Path, example_ws: Path, kind: str
) -> None:
    bad = special(tmp_path, kind, "answers.yaml")
    code, out = run_cli("interview", example_ws, "--answers", bad)
    assert code == 2 and str(bad) in out and "不是普通文件" in out, out
    source = special(tmp_path, kind, "report.txt")
    code, out = run_cli("import", source, "-o", tmp_path / "ws")
    assert code == 2 and str(source) in out and "不是普通文件" in out, out


def test_a_report_yaml_that_is_a_device_is_refused(example_ws: Path) -> None:
    report = example_ws / "report.yaml"
    report.unlink()
    report.symlink_to("/dev/zero")
    code, out = run_cli("check", example_ws)
    assert code == 2 and "不是普通文件" in out and "内部错误" not in out, out


# --- duplicate keys ---------------------------------------------------------------------------


def test_duplicate_key_in_report_yaml_is_refused_by_every_command(
    example_ws: Path, tmp_path: Path
) -> None:
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("  year: 2023", "  year: 2023\n  year: 2024", 1), "utf-8")
    line = text[: text.index("  year: 2023")].count("\n") + 2
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  leadership:\n    staff: 2\n", encoding="utf-8")
    for args in (
        ["build", str(example_ws)],
        ["check", str(example_ws)],
        ["interview", str(example_ws), "--answers", str(answers)],
    ):
        out = refused(args, str(report), f"第{line}行", "year")
        assert "重复" in out


def test_duplicate_key_in_a_phrase_file_is_reported_by_lint_and_refused_by_add(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    phrases = folder / "team.yaml"
    phrases.write_text(
        "phrases:\n  - id: team.a\n    slot: other.none\n    text: 无。\n    text: 没有。\n",
        encoding="utf-8",
    )
    before = phrases.read_bytes()
    result = runner.invoke(app, ["phrasebank", "lint", str(folder)])
    assert result.exit_code == 1 and str(phrases) in result.output, result.output
    assert "第5行" in result.output and "text" in result.output and "重复" in result.output
    add = ["phrasebank", "add", "--slot", "other.none", "--text", "无。", "--id", "team.b"]
    refused([*add, "--to", str(folder)], str(phrases), "重复")
    assert phrases.read_bytes() == before


# --- build --out another workspace ------------------------------------------------------------


def test_build_out_into_another_workspace_is_refused(example_ws: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "other"
    shutil.copytree(example_ws, other)
    assert runner.invoke(app, ["build", str(other), "--format", "md"]).exit_code == 0
    before = (other / "draft.md").read_bytes()
    refused(["build", str(example_ws), "--out", str(other)], str(other), "工作区")
    refused(["build", str(example_ws), "--out", str(other / "sub" / "..")], "工作区")
    assert (other / "draft.md").read_bytes() == before
    assert runner.invoke(app, ["build", str(example_ws), "--out", str(example_ws)]).exit_code == 0


# --- interview --answers: one lock from saving to building; problems blamed where they are -----


def test_answers_are_saved_and_built_under_one_lock(
    example_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between saving the answers and building, another process's build is refused: the lock
    is never let go in between."""
    import report_writer.build as build_module

    real_build = build_module.build
    seen: list[tuple[int, str]] = []

    def build_after_a_rival(*args: object, **kwargs: object) -> object:
        seen.append(run_cli("build", example_ws, "--format", "md"))
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "build", build_after_a_rival)
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  leadership:\n    staff: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["interview", str(example_ws), "--answers", str(answers)])
    assert "初稿已生成" in result.output, result.output  # exit 1: the example's own C4 error
    ((code, out),) = seen
    assert code == 2 and "正由另一个 report-writer 进程使用" in out, out
    assert "2名工作人员" in (example_ws / "draft.md").read_text(encoding="utf-8")


def test_answers_file_is_not_blamed_for_report_yaml(example_ws: Path, tmp_path: Path) -> None:
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("penalty: {decisions: 60}", "penalty: {decisions: 六十}"), "utf-8"
    )
    text = report.read_text(encoding="utf-8")
    line = text[: text.index("penalty: {decisions: 六十}")].count("\n") + 1
    report.write_text(text.replace("  level: department", "  level: bureau", 1), "utf-8")
    level_line = text[: text.index("  level: department")].count("\n") + 1
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  leadership:\n    staff: 2\n", encoding="utf-8")
    before = report.read_bytes()
    out = refused(["interview", str(example_ws), "--answers", str(answers)], str(report))
    assert f"第{level_line}行 meta.level" in out, out
    assert f"{answers} 有" not in out
    assert report.read_bytes() == before
    del line


# --- smaller ones -----------------------------------------------------------------------------


def test_leftover_temporary_files_in_the_state_folder_are_removed(example_ws: Path) -> None:
    assert runner.invoke(app, ["build", str(example_ws), "--format", "md"]).exit_code == 0
    state = example_ws / ".report-writer"
    leftover = state / ".generated.json.999999.0a1b2c3d.tmp"
    leftover.write_text("{", encoding="utf-8")
    assert runner.invoke(app, ["build", str(example_ws), "--format", "md"]).exit_code == 0
    assert not leftover.exists()
    assert not list(state.glob("*.tmp")) and not list(example_ws.glob(".*.tmp"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_save_keeps_windows_line_ends_and_the_byte_order_mark(
    example_ws: Path, tmp_path: Path, bom: bytes
) -> None:
    report = example_ws / "report.yaml"
    report.write_bytes(bom + report.read_bytes().replace(b"\n", b"\r\n"))
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  leadership:\n    staff: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["interview", str(example_ws), "--answers", str(answers)])
    assert "初稿已生成" in result.output, result.output
    saved = report.read_bytes()
    assert saved.startswith(bom) and (not bom or not saved.startswith(bom + bom))
    assert b"staff: 2" in saved
    assert saved.count(b"\n") == saved.count(b"\r\n"), "mixed line ends"


def test_os_errors_are_told_in_chinese(tmp_path: Path) -> None:
    import re

    dangling = tmp_path / "sl6"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    out = refused(["init", str(dangling), "--agency", "测试局", "--year", "2024"], str(dangling))
    message = out.replace(str(dangling), "").replace(str(tmp_path), "")
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", message), out  # "File exists"


def test_a_taken_over_lock_says_note_once(example_ws: Path) -> None:
    import json
    import os
    import time

    holder = {"pid": 999_999, "host": os.uname().nodename, "command": "build", "since": time.time()}
    (example_ws / ".report-writer.lock").write_text(json.dumps(holder), encoding="utf-8")
    result = runner.invoke(app, ["build", str(example_ws), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "注意：工作区曾被进程 999999" in result.output
    assert "注意：注意：" not in result.output


def test_a_read_only_workspace_builds_into_a_writable_out(tmp_path: Path) -> None:
    """As an ordinary user (root may write anywhere): the workspace folder is read-only."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    from conftest import EXAMPLE

    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("needs an ordinary user, or setpriv to become one")
    base = Path(tempfile.mkdtemp(prefix="i16-ro-"))
    try:
        base.chmod(0o777)
        ws = base / "ws"
        shutil.copytree(EXAMPLE, ws, ignore=shutil.ignore_patterns(".report-writer*"))
        out = base / "out"
        out.mkdir()
        out.chmod(0o777)
        (base / "cache").mkdir()
        (base / "cache").chmod(0o777)
        for path in [ws, *ws.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        command = [*(prefix if os.geteuid() == 0 else []), sys.executable, "-m", "report_writer"]
        env = {**os.environ, "REPORT_WRITER_CACHE": str(base / "cache"), "HOME": str(base)}
        done = subprocess.run(
            [*command, "build", str(ws), "--out", str(out), "--format", "md"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert (out / "draft.md").is_file() and not (ws / "draft.md").exists()
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o777 if path.is_dir() else 0o666)
        shutil.rmtree(base)


def test_long_answers_within_their_limits_blame_the_answers(example_ws: Path) -> None:
    """30 highlights of 200 characters each pass the schema, but make a sentence too long for
    the built-in phrase that lists them: the answers are named, not the built-in file."""
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    items = "".join(f"      - {'推进' * 98}第{i:02d}\n" for i in range(30))
    anchor = "    focus: 应急管理、防灾减灾和安全生产\n"
    report.write_text(text.replace(anchor, anchor + "    highlights:\n" + items, 1), "utf-8")
    output = refused(["build", str(example_ws)], "answers.overview.highlights", "请精简")
    assert "phrasebank" not in output and ".yaml）" not in output


def test_workspace_bookkeeping_files_that_are_devices_are_not_read(example_ws: Path) -> None:
    """A workspace copied from a colleague: its holder file and draft state are links to
    /dev/zero. The build reads neither without bound."""
    (example_ws / ".report-writer.lock").symlink_to("/dev/zero")
    code, out = run_cli("build", example_ws, "--format", "md")
    assert code in (0, 1) and "已生成" in out and "内部错误" not in out, out


def test_a_key_holding_a_bracket_is_named_not_an_internal_error(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "meta:\n  agency: 甲局\n  year: 2024\ntables:\n  applic[ations:\n    new: {natural_person: 3}\n",
        encoding="utf-8",
    )
    refused(
        ["interview", str(tmp_path / "ws"), "--answers", str(answers)], "第5行 tables.applic[ations"
    )


LOOPED = (
    "{% for a in problems.measures %}{% for b in problems.measures %}"
    "{{ ((['abcdefghij' * 200] * 20)|join|length) * 0 }}"
    "{{ ((['abcdefghij' * 200] * 20)|join|length) * 0 }}{% endfor %}{% endfor %}"
)


def test_a_loop_that_builds_a_little_each_time_is_bounded_in_total(
    tmp_path: Path, example_ws: Path
) -> None:
    """Each step builds 40,000 characters, under the bound of one operation; nine times over
    (two loops over three measures), it is more than one evaluation may build."""
    import yaml

    folder = tmp_path / "team"
    folder.mkdir()
    phrase = {"id": "team.loop", "slot": "overview.opening", "text": f"本年度。{LOOPED}"}
    (folder / "team.yaml").write_text(
        yaml.safe_dump({"phrases": [phrase]}, allow_unicode=True), encoding="utf-8"
    )
    result = runner.invoke(app, ["phrasebank", "lint", str(folder)])
    assert result.exit_code == 1 and "team.loop：计算量过大" in result.output.replace(
        "不安全的写法（", ""
    ), result.output
    report = example_ws / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("phrases: {}", "phrases: {overview.opening: team.loop}"), "utf-8"
    )
    refused(
        ["build", str(example_ws), "--phrasebank", str(folder), "--format", "md"],
        "team.loop",
        "计算量过大",
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ nothing|default('无') }}", "无"),  # an undefined value is not read as a sequence
        ("{{ [3, 1, 2]|map('abs')|sort|join('、') }}", "1、2、3"),
        ("{{ [[1], [2, 3]]|sum(start=[])|join }}", "123"),
        ("{{ ('ab' * 3) ~ ([1] + [2])|join }}", "ababab12"),
        ("{{ [1, 2, 3]|sum }}", "6"),
    ],
)
def test_the_bounds_keep_what_the_filters_mean(source: str, expected: str) -> None:
    from report_writer.phrasebank.sandbox import budgeted, compile_template

    with budgeted():
        assert "".join(compile_template(source).generate({})) == expected
