"""Hostile input, round two (issue 16): no unbounded memory or time, no internal errors, no
silent zeros. Each test runs the command as a user would and fails without its fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

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
    """pypdf's own limits stop a deflate bomb and a stream of millions of operators; they are
    reported as what they are, not as an internal error."""
    pytest.importorskip("pypdf")
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
        text.replace("我局将政府信息公开工作", "我局始终把政府信息公开工作", 1), "utf-8"
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
    anchor = "我局将政府信息公开工作"
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
        text.replace("我局将政府信息公开工作", block + "我局将政府信息公开工作", 1), "utf-8"
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
