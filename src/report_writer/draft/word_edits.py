"""Draft layer: edits made to draft.docx in Word, carried into draft.md before anything is
written again.

The record of the last export (exports.py) holds each region's text as written to draft.docx.
A region whose text in Word differs from it was edited there. Its Word text goes into draft.md
as a hand edit of that region (the marker keeps the hash of the text last generated, so build
keeps it and regenerate merges it like any edit of draft.md). When draft.md was edited too, the
two are merged 3-way by sentence over the text last exported; where both changed the same
sentences, the conflict is marked in draft.md as regenerate marks one. A table edited in Word
is reported, figure by figure: the tables come from report.yaml. Must not import anything above
the draft layer.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from report_writer.document import Document, Paragraph, Section, Table, build_table
from report_writer.draft.docx import WordDraft, WordTable, read_word_draft
from report_writer.draft.exports import Exported, Exports, file_hash
from report_writer.draft.markers import MARKER_RE, OPENING, Draft, replace_regions
from report_writer.draft.merge import merge3, merged_text
from report_writer.draft.read import parse_blocks
from report_writer.errors import InputError
from report_writer.formats.checks import Finding
from report_writer.model import Report
from report_writer.render.markdown import render_opening, render_section

DOCX_FILE = "draft.docx"
OURS = "<<<<<<< draft.md 中的文字"
THEIRS = ">>>>>>> draft.docx（Word）中的文字"


class WordEdits(Struct):
    text: str  # draft.md with the Word edits merged in
    taken: list[str] = field(default_factory=list)  # regions that took edits from Word
    conflicts: list[str] = field(default_factory=list)  # finished sentences, one per conflict
    notes: list[str] = field(default_factory=list)  # finished sentences for the user
    findings: list[Finding] = field(default_factory=list)  # tables edited in Word (D2)
    seen: Exported | None = None  # the record once draft.md holds the edits of draft.docx


def word_edits(
    home: Path, report: Report, draft: Draft, exports: Exports, names: dict[str, str]
) -> WordEdits | None:
    """The Word edits of `home`/draft.docx merged into `draft`'s text; None when draft.docx is
    missing or is what the tool last wrote."""
    path = home / DOCX_FILE
    record = exports.get(DOCX_FILE)
    if not path.is_file():
        return None
    now = file_hash(path)
    if record is not None and now == record.hash:
        return None
    result = WordEdits(draft.text)
    if record is None or not record.regions:
        result.notes.append(
            f"{path} 没有生成记录（可能是旧版本生成的），其中的修改无法逐句读入；"
            "原文件会先备份再重新生成"
        )
        return result
    try:
        word = read_word_draft(path, report.fmt)
    except InputError as exc:
        result.notes.append(f"{exc.message}；其中的修改未能读入，原文件会先备份再重新生成")
        return result
    if word.tracked:
        result.notes.append(f"{path} 中有修订标记，已按“接受全部修订”后的文字读取")
    replaced: dict[str, tuple[str, str]] = {}
    labels: dict[str, list[int]] = {}
    for number, base in record.regions.items():
        if number not in draft.regions:
            continue
        kind = "narrative" if number == OPENING else report.fmt.section(number).kind
        if kind == "table":
            result.findings.extend(_table_edits(report, number, base, word, path))
            if _words(word.sections.get(number)) != _words_of(base):
                result.notes.append(
                    f"{path} 中“{names[number]}”表格以外的文字有改动，未读入（这一部分只有统计表）；"
                    f"需要的话请写入 {draft.path} 的这一部分"
                )
            continue
        mine = word.region_markdown(number, OPENING)
        if mine is None:
            result.notes.append(
                f"{path} 中找不到“{names[number]}”的标题，这一部分在 Word 中的修改未能读入"
                "（原文件会先备份）"
            )
            continue
        if mine == base:
            continue
        region = draft.regions[number]
        if _normal(region.text, number == OPENING) == base:
            replaced[number] = (region.hash, mine)
        else:
            body, lines = merged_text(merge3(base, region.text, mine), OURS, THEIRS)
            replaced[number] = (region.hash, body)
            labels[number] = lines
        result.taken.append(number)
    if replaced:
        result.text = replace_regions(draft, replaced)
        result.notes.append(
            f"{path} 中“{'”“'.join(names[n] for n in result.taken)}”的修改并入 {draft.path}"
        )
        if labels:
            _conflicts(result, draft.path, names, labels)
    # the regions as read, so they are not merged twice; the hash as written, so the file
    # is still kept before it is written over
    result.seen = Exported(
        record.hash,
        {n: word.region_markdown(n, OPENING) or record.regions[n] for n in record.regions},
    )
    return result


def _words(section: Section | None) -> list[str]:
    """The headings and paragraphs of a section, its tables left out."""
    if section is None:
        return []
    return [b.text for b in section.blocks if not isinstance(b, Table)]


def _words_of(base: str) -> list[str]:
    return [b.text for b in parse_blocks(base, tables=False).blocks if not isinstance(b, Table)]


def _normal(text: str, opening: bool) -> str:
    """A region of draft.md in the form draft.docx gives it back: one line a paragraph."""
    parsed = parse_blocks(text, opening=opening, tables=False)
    if opening:
        paragraphs = [b for b in parsed.blocks if isinstance(b, Paragraph)]
        return render_opening(Document(parsed.title or "", paragraphs, []))
    section = Section("", "", "", parsed.blocks, parsed.title or "")
    return render_section(section)


def _conflicts(
    result: WordEdits, path: Path, names: dict[str, str], labels: dict[str, list[int]]
) -> None:
    starts = _marker_lines(result.text, list(names))
    for number, lines in labels.items():
        for at in lines:
            result.conflicts.append(
                f"“{names[number]}”（{path} 第{starts[number] + at}行）：draft.md 和 draft.docx "
                "改了同一处，文字不同。请保留要用的一段，删去另一段和标记行后运行 report-writer build"
            )


def _marker_lines(text: str, numbers: list[str]) -> dict[str, int]:
    """The line of each region's start marker (parse_draft refuses a text with conflicts)."""
    return {
        m.group("number"): text.count("\n", 0, m.start()) + 1
        for m in MARKER_RE.finditer(text)
        if m.group("kind") == "开始" and m.group("number") in numbers
    }


def _table_edits(
    report: Report, number: str, base: str, word: WordDraft, path: Path
) -> list[Finding]:
    """D2 for draft.docx: each figure of the table changed in Word, with both values."""
    spec = report.fmt.section(number)
    exported = next((b for b in parse_blocks(base).blocks if isinstance(b, Table)), None)
    edited: WordTable | None = next(iter(word.tables.get(number, [])), None)
    if exported is None or edited is None:
        return []
    generated = build_table(report, spec.key).rows
    fix = (
        "统计表以 report.yaml 为准，这一修改未采用（Word 中的表格按 report.yaml 重新生成）。"
        "若 Word 中的数字是对的，请改 report.yaml 中的对应数字后重新运行 report-writer build"
    )
    findings = []
    other = len(edited.rows) != len(exported.rows)
    for r, row in enumerate(exported.rows):
        now_row = edited.rows[r] if r < len(edited.rows) else []
        other = other or len(now_row) != len(row)
        for i, cell in enumerate(row):
            now = now_row[i] if i < len(now_row) else "（空）"
            key = generated[r][i].key if r < len(generated) and i < len(generated[r]) else None
            if now == cell.text:
                continue
            if key is None:
                other = True
                continue
            t, row_key, column = key
            findings.append(
                Finding(
                    "D2",
                    "warning",
                    f"{path} 中{report.fmt.cell_label(key)}被改为{now}，原为{cell.text}"
                    f"（tables.{t}.{row_key}.{column}）。{fix}",
                    table=t,
                    row=row_key,
                    column=column,
                    values={"file": str(path), "draft": now, "report": cell.text},
                )
            )
    if other:
        findings.append(
            Finding(
                "D2",
                "warning",
                f"{path} 中“{spec.heading}”表格的文字或行列被改动。{fix}",
                table=spec.key,
                values={"file": str(path)},
            )
        )
    return findings
