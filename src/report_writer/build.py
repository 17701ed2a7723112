"""`build`, `regenerate` and `explain`: the Document from the report, kept in step with draft.md.

build: check, generate, refresh every region of draft.md that nobody edited (edited ones are kept
and named), write draft.md / draft.html / draft.docx. HTML and Word carry the reviewer's text of
edited regions. regenerate: one region from the current answers, merged 3-way with the
reviewer's edits; every other byte of draft.md stays. explain: where each sentence came from.

The folder the drafts are written to (the workspace, or `--out`) is the home of its draft.md:
the hand edits are read from there, and its `.report-writer/generated.json` keeps the text last
generated for it. Both build and regenerate first carry the edits made to its draft.docx in Word
into draft.md (draft/word_edits.py), and keep a dated copy of a draft.docx or draft.html changed
since it was written before writing it again (draft/exports.py).

Floor: orchestration. Must not import from the floors above (chains and up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from msgspec import Struct, field

from report_writer.check import CheckResult
from report_writer.commandline import command_line, quote
from report_writer.document import Document, build_document
from report_writer.draft.exports import Exports, load_exports, save_exports, write_export
from report_writer.draft.markers import (
    DRAFT_FILE,
    OPENING,
    STATE_FILE,
    Draft,
    Generated,
    Source,
    State,
    base_of,
    compose,
    dump_state,
    load_state,
    parse_draft,
    region_texts,
    remember,
    replace_regions,
    units,
)
from report_writer.draft.merge import merge3, merged_text
from report_writer.draft.read import apply_edits
from report_writer.draft.word_edits import DOCX_FILE, WordEdits, word_edits
from report_writer.errors import InputError, WorkspaceError
from report_writer.files import make_dir, read_text, write_atomic
from report_writer.model import Report
from report_writer.render.markdown import unescape
from report_writer.workspace import REPORT_FILE, Workspace, load_report, open_workspace

FORMATS = ("md", "html", "docx")
OUTPUT_NAMES = {"md": DRAFT_FILE, "html": "draft.html", "docx": "draft.docx"}
TABLE_RE = re.compile(r'<table(?: data-table="([^"]*)")?')


def parse_formats(names: Sequence[str]) -> list[str]:
    """The output formats asked for ("md", "html,docx"), each once, in the order given; an
    unknown one is an error."""
    wanted = [n.strip().lower() for name in names for n in name.replace("，", ",").split(",")]
    wanted = [n for n in wanted if n]
    unknown = [n for n in wanted if n not in FORMATS]
    if unknown or not wanted:
        raise InputError(
            f"未知的输出格式“{'、'.join(unknown)}”。可用：{'、'.join(FORMATS)}（以逗号分隔）"
        )
    return list(dict.fromkeys(wanted))


def generate(report: Report, ws: Workspace, phrasebanks: Sequence[Path] = ()) -> Document:
    """The Document as the answers and the phrasebank make it now."""
    from report_writer.narrative import build_narrative
    from report_writer.phrasebank import phrasebank_for

    return build_document(
        report, build_narrative(report, phrasebank_for(report, ws.path, phrasebanks))
    )


def pinned_notes(report: Report, ws: Workspace, phrasebanks: Sequence[Path] = ()) -> list[str]:
    """One line for each built-in choice recorded in report.yaml `phrases:` that keeps out a
    team phrase the draft would otherwise use, with the command that changes it."""
    from report_writer.narrative import pinned_over_team, plan
    from report_writer.phrasebank import phrasebank_for

    bank = phrasebank_for(report, ws.path, phrasebanks)
    options = [w for d in phrasebanks for w in ("--phrasebank", d)]

    def revisit(slot: str) -> str:
        number = report.fmt.section(plan().slots[slot].section).number
        return command_line("interview", ws.path, "--revisit", number, *options)

    return [
        f"report.yaml 的 phrases.{slot} 固定选用了内置表述 {recorded}，团队表述 {team} 因此未被采用；"
        f"如要改用，运行 {revisit(slot)}，或删去 report.yaml 中 phrases 下的 {slot} 一行"
        for slot, recorded, team in pinned_over_team(report, bank)
    ]


def _region_names(report: Report) -> dict[str, str]:
    names = {OPENING: "开头（标题和导语）"}
    names.update({s.number: s.heading for s in report.fmt.sections})
    return names


def _table_keys(report: Report) -> set[str]:
    return {s.key for s in report.fmt.sections if s.kind == "table"}


def _read_draft(folder: Path, report: Report) -> Draft | None:
    path = folder / DRAFT_FILE
    if not path.is_file():
        return None
    return parse_draft(path, read_text(path), list(_region_names(report)))


def draft_home(ws: Workspace, out: Path | None) -> Path:
    """The folder whose draft.md a command works on: `out` when given, else the workspace."""
    if out is None:
        return ws.path
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise WorkspaceError(f"无法输出到 {target}：这不是文件夹")
    if (target.resolve() / REPORT_FILE).exists() and target.resolve() != ws.path.resolve():
        raise WorkspaceError(
            f"无法输出到 {target}：这是另一个工作区（其中有 {REPORT_FILE}），"
            f"写入会用 {ws.path} 的内容覆盖它的草稿。请另选一个文件夹作为 --out"
        )
    return target


def _out_option(ws: Workspace, home: Path) -> str:
    """The `--out` a command needs to work on the draft in `home` ("" for the workspace)."""
    return "" if home.resolve() == ws.path.resolve() else f" --out {quote(home)}"


def _need_draft(ws: Workspace, home: Path, report: Report) -> Draft:
    """The draft.md of `home`; its absence is an error that says which build writes it and
    where else a draft may be."""
    draft = _read_draft(home, report)
    if draft is not None:
        return draft
    message = f"{home / DRAFT_FILE} 还不存在：请先运行 {command_line('build', ws.path)}"
    if _out_option(ws, home):
        message += _out_option(ws, home)
        if (ws.path / DRAFT_FILE).is_file():
            message += f"；工作区中的草稿 {ws.path / DRAFT_FILE} 不用 --out"
    else:
        message += "；如果草稿是用 build --out 写到别的文件夹的，请给出同样的 --out 文件夹"
    raise WorkspaceError(message)


def _export(doc: Document, fmt: str) -> str | bytes:
    if fmt == "html":
        from report_writer.render.html import render_html

        return render_html(doc)
    from report_writer.render.docx import render_docx

    return render_docx(doc)


class BuildResult(Struct):
    check: CheckResult
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # finished sentences for the user
    stopped: bool = False  # --strict and the check failed: nothing was written
    # draft.md and draft.docx changed the same sentences: marked in draft.md, nothing exported
    conflicts: list[str] = field(default_factory=list)


def build(
    path: Path,
    formats: Sequence[str] = FORMATS,
    out: Path | None = None,
    strict: bool = False,
    phrasebanks: Sequence[Path] = (),
) -> BuildResult:
    """Compose the drafts, check the tables and the draft as it will be written, then write
    them. Edits made in draft.docx come into draft.md first. A region of draft.md edited by hand
    is kept as it is (HTML and Word carry the edited text); the others are refreshed from the
    answers. Where draft.md and draft.docx changed the same sentences differently, draft.md
    gets the conflict marked and nothing else is written."""
    from report_writer.check import CheckResult, check_report
    from report_writer.draft.checks import check_draft
    from report_writer.workspace.lock import locked

    formats = parse_formats(formats)
    ws = open_workspace(path)
    report = load_report(ws)
    target = draft_home(ws, out)
    notes: list[str] = []
    with locked(ws, "build", out=target) as lock:
        if lock.notice:
            notes.append(lock.notice)
        doc = generate(report, ws, phrasebanks)
        notes.extend(pinned_notes(report, ws, phrasebanks))
        fresh = region_texts(doc)
        draft = _read_draft(target, report)
        names = _region_names(report)
        exports = load_exports(target)
        if draft is None:
            state: State = {n: [g] for n, g in fresh.items()}
            text = compose({n: (g.hash, g.text) for n, g in fresh.items()})
            draft = parse_draft(target / DRAFT_FILE, text, list(names))
            refresh = False
        else:
            state = load_state(target)
            refresh = True
        edits = word_edits(target, report, draft, exports, names)
        if edits is not None:
            notes.extend(edits.notes)
            if edits.conflicts:  # draft.md holds them marked; the exports wait
                held = BuildResult(check_report(report), notes=notes)
                return _held(target, state, exports, edits, held)
            draft = parse_draft(draft.path, edits.text, list(names))
            if edits.taken and "md" not in formats:
                formats = ["md", *formats]  # the Word edits live on in draft.md
        text = draft.text
        if refresh:
            refreshed = {}
            for number, generated in fresh.items():
                region = draft.regions[number]
                if region.edited:
                    notes.append(_kept_note(names[number], number, region.line, ws, target))
                    if number != OPENING and report.fmt.section(number).kind == "table":
                        notes.append(
                            f"“{names[number]}”的表格在 HTML 和 Word 中按 report.yaml 的数字生成"
                        )
                else:
                    remember(state, number, generated, region.hash)
                    refreshed[number] = (generated.hash, generated.text)
            text = replace_regions(draft, refreshed)
        written = parse_draft(target / DRAFT_FILE, text, list(names))
        doc = apply_edits(doc, written, _table_keys(report))
        findings = check_report(report).findings + check_draft(report, written)
        check = CheckResult(findings + (edits.findings if edits else []))
        result = BuildResult(check, notes=notes)
        if strict and check.failed(strict=True):
            result.stopped = True
            return result
        make_dir(target)
        if "md" in formats:
            _save_state(target, state)  # before draft.md: see draft.remember
            write_atomic(target / DRAFT_FILE, text)
            result.written.append(target / DRAFT_FILE)
        exported = [f for f in formats if f != "md"]
        result.written.extend(_write_exports(target, doc, exported, exports, result.notes))
        _seen(exports, edits, "docx" in exported)
        save_exports(target, exports)
    return result


def _write_exports(
    home: Path, doc: Document, formats: Sequence[str], exports: Exports, notes: list[str]
) -> list[Path]:
    """Write draft.html / draft.docx, each changed one kept first (its notice added to
    `notes`), and record what was written (for draft.docx, the text of each region)."""
    written = []
    for fmt in formats:
        file = home / OUTPUT_NAMES[fmt]
        regions = {n: g.text for n, g in region_texts(doc).items()} if fmt == "docx" else None
        notice = write_export(file, _export(doc, fmt), exports, regions)
        if notice:
            notes.append(notice)
        written.append(file)
    return written


def _seen(exports: Exports, edits: WordEdits | None, rewritten: bool) -> None:
    """Once draft.md holds the Word edits, a draft.docx not written again is recorded as read,
    so that its edits are not merged a second time."""
    if edits is not None and edits.seen is not None and not rewritten:
        exports[DOCX_FILE] = edits.seen


def _held(
    home: Path, state: State, exports: Exports, edits: WordEdits, result: BuildResult
) -> BuildResult:
    """draft.md with the conflicts between it and draft.docx marked; HTML and Word wait."""
    _save_state(home, state)
    write_atomic(home / DRAFT_FILE, edits.text)
    _seen(exports, edits, False)
    save_exports(home, exports)
    result.written.append(home / DRAFT_FILE)
    result.conflicts = edits.conflicts
    return result


def _kept_note(name: str, number: str, line: int, ws: Workspace, home: Path) -> str:
    return (
        f"“{name}”（{home / DRAFT_FILE} 第{line}行起）有人工修改，已保留未覆盖；"
        "如需按最新答案重写这一部分，"
        f"运行 {command_line('regenerate', ws.path)}{_out_option(ws, home)} --section {number}"
    )


def _save_state(home: Path, state: State) -> None:
    folder = home / STATE_FILE.parent
    make_dir(folder)
    write_atomic(home / STATE_FILE, dump_state(state))


class RegenerateResult(Struct):
    section: str  # the region's name, e.g. 五、存在的主要问题及改进情况
    diff: str  # unified diff of draft.md
    changed: bool
    merged: bool = False  # the reviewer's edits were merged into the new text
    conflicts: list[str] = field(default_factory=list)  # one finished sentence per conflict
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # finished sentences: what still differs
    backup: Path | None = None  # --force: draft.md as it was, with the discarded edits
    waiting: bool = False  # draft.md and draft.docx conflict: marked, not regenerated yet


def regenerate(
    path: Path,
    section: str,
    force: bool = False,
    dry_run: bool = False,
    phrasebanks: Sequence[Path] = (),
    out: Path | None = None,
) -> RegenerateResult:
    """Re-render one region of draft.md (the workspace's, or the one in `out`) from the current
    answers and phrasebank; leave every other byte as it was; merge the reviewer's edits of that
    region 3-way (base = the text last generated); `force` drops the edits; `dry_run` only
    computes the diff. Rebuilds HTML and Word beside draft.md."""
    from report_writer.workspace.lock import locked

    ws = open_workspace(path)
    report = load_report(ws)
    names = _region_names(report)
    number = _region_number(report, section, names)
    home = draft_home(ws, out)
    with locked(ws, "regenerate", out=home):
        draft = _need_draft(ws, home, report)
        original = draft.text
        doc = generate(report, ws, phrasebanks)
        fresh = region_texts(doc)
        new = fresh[number]
        state = load_state(home)
        result = RegenerateResult(names[number], "", False)
        exports = load_exports(home)
        edits = word_edits(home, report, draft, exports, names)
        if edits is not None:
            result.notes.extend(edits.notes)
            result.notes.extend(f.message for f in edits.findings)
            if edits.conflicts:  # marked in draft.md; the region is regenerated once resolved
                result.changed = result.waiting = True
                result.conflicts = edits.conflicts
                result.diff = _diff(original, edits.text, number)
                if not dry_run:
                    write_atomic(draft.path, edits.text)
                    _seen(exports, edits, False)
                    save_exports(home, exports)
                    result.written.append(draft.path)
                return result
            draft = parse_draft(draft.path, edits.text, list(names))
        region = draft.regions[number]
        body = new.text
        if region.edited and not force:
            base = base_of(state, number, region.hash)
            if base is None:
                base = Generated("")  # the last generated text is lost: every change conflicts
            body, lines = merged_text(merge3(base.text, region.text, new.text))
            result.merged = True
            for at in lines:
                line = region.line + at
                result.conflicts.append(
                    f"“{names[number]}”（{draft.path} 第{line}行）：审阅人修改的文字与重新生成的文字"
                    "冲突，请保留其一，删去另一段和标记行后运行 report-writer build"
                )
        text = replace_regions(draft, {number: (new.hash, body)})
        result.changed = text != original
        result.diff = _diff(original, text, number)
        if number != OPENING and report.fmt.section(number).kind == "table":
            from report_writer.draft.checks import table_differences

            kept = parse_draft(draft.path, text, list(names))
            result.notes.extend(f.message for f in table_differences(report, kept, number))
        if dry_run:
            return result
        if force and region.edited and result.changed:
            result.backup = _backup(home, draft, number)
        remember(state, number, new, region.hash)
        _save_state(home, state)  # before draft.md: see draft.remember
        write_atomic(draft.path, text)
        result.written.append(draft.path)
        if not result.conflicts:  # else HTML and Word wait until the conflicts are resolved
            doc = apply_edits(doc, parse_draft(draft.path, text, list(names)), _table_keys(report))
            result.written.extend(
                _write_exports(home, doc, ("html", "docx"), exports, result.notes)
            )
        _seen(exports, edits, not result.conflicts)
        save_exports(home, exports)
    return result


def _diff(before: str, after: str, number: str) -> str:
    """draft.md before and after regenerating region `number`, as a unified diff."""
    from difflib import unified_diff  # regenerate only

    return "".join(
        unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{DRAFT_FILE}（现在）",
            f"{DRAFT_FILE}（重新生成“{number}”后）",
        )
    )


def _backup(home: Path, draft: Draft, number: str) -> Path:
    """draft.md as it is, saved before `--force` replaces a region edited by hand, as
    `.report-writer/discarded-<time>-<region>.md` beside it."""
    from datetime import datetime

    folder = home / STATE_FILE.parent
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"discarded-{stamp}-{number}.md"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"discarded-{stamp}-{number}-{n}.md"
    make_dir(folder)
    write_atomic(path, draft.text)
    return path


def _region_number(report: Report, section: str, names: dict[str, str]) -> str:
    wanted = section.strip().rstrip("、")
    for number in names:
        if wanted == number:
            return number
    for s in report.fmt.sections:
        if wanted in (s.key, s.heading, s.title):
            return s.number
    if wanted == "opening":
        return OPENING
    choices = "、".join(names)
    raise InputError(f"没有“{section}”这一部分。可选：{choices}")


class Explained(Struct, frozen=True):
    text: str
    sources: tuple[Source, ...]  # empty: written by hand
    kind: str = "sentence"  # "sentence", "heading", or "table" (text: the table's key)


class ExplainedRegion(Struct, frozen=True):
    number: str
    name: str
    edited: bool
    items: list[Explained]


def explain(
    path: Path,
    section: str | None = None,
    phrasebanks: Sequence[Path] = (),
    out: Path | None = None,
) -> list[ExplainedRegion]:
    """For every sentence of the draft (the workspace's draft.md when it exists, else a fresh
    generation; with `out`, the draft.md there, which must exist): the phrase id, its layer and
    the answers or cells it used; none for hand-written sentences."""
    ws = open_workspace(path)
    report = load_report(ws)
    names = _region_names(report)
    wanted = _region_number(report, section, names) if section else None
    home = draft_home(ws, out)
    draft = _read_draft(home, report) if out is None else _need_draft(ws, home, report)
    state = load_state(home) if draft else {}
    fresh = region_texts(generate(report, ws, phrasebanks)) if draft is None else {}
    regions = []
    for number, name in names.items():
        if wanted and number != wanted:
            continue
        if draft is not None:
            text, edited = draft.regions[number].text, draft.regions[number].edited
            found = base_of(state, number, draft.regions[number].hash)
            generated = found or Generated("")
        else:
            text, edited, generated = fresh[number].text, False, fresh[number]
        regions.append(ExplainedRegion(number, name, edited, _explained(text, generated)))
    return regions


def _explained(text: str, generated: Generated) -> list[Explained]:
    items = []
    in_table = False
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        table = TABLE_RE.match(stripped)
        if table:
            in_table = True
            items.append(Explained(table.group(1), (), "table"))
        if in_table:
            in_table = "</table>" not in stripped
            continue
        if not stripped or stripped.startswith("<!--"):
            continue
        if stripped.startswith("#"):
            items.append(Explained(unescape(stripped.lstrip("#").strip()), (), "heading"))
            continue
        for unit in units(unescape(stripped)):
            if unit.strip():
                items.append(Explained(unit, generated.sources.get(unit, ())))
    return items
