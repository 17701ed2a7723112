"""What the interview writes: each answer into report.yaml at once, and its own progress.

report.yaml is edited through `workspace.edit_report` (atomic, comments and key order kept). The
progress file records which questions were answered or skipped, since a table cell that `init`
wrote as 0 looks the same whether or not anybody confirmed it.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from report_writer.files import read_text, read_text_form, write_atomic, write_text_form
from report_writer.formats.spec import Format
from report_writer.model import parse_report
from report_writer.workspace import Workspace, edit_report
from report_writer.yamlio import dump_yaml, parse_yaml

PROGRESS_FILE = ".interview.yaml"
PROGRESS_HEADER = (
    "# 报告起草助手 interview 的进度：已回答（done）、跳过（skipped）、填写到一半（partial）的问题，\n"
    "# 以及 --revisit 重新询问、尚未问到（revisit）的问题，本年没有要写而不再询问（closed）的问题。\n"
    "# 删除本文件后，interview 会重新从头询问，以 report.yaml 中已有的答案为默认值。\n"
)


class Progress(Struct):
    """Questions answered, skipped, and partial: a list left mid-way (Ctrl-C, /quit) whose lines
    typed so far are saved; it is asked again, continuing after them. `revisit`: the questions
    of a part asked again with --revisit that were not reached yet; they are open until asked,
    so a revisit left mid-way is taken up by the next run."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    revisit: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def mark(self, key: str, skipped: bool = False, partial: bool = False) -> None:
        for seen in (self.done, self.skipped, self.partial, self.revisit, self.closed):
            if key in seen:
                seen.remove(key)
        (self.partial if partial else self.skipped if skipped else self.done).append(key)

    def close(self, keys: list[str]) -> None:
        """Questions a gate answered for: nothing to say this year, so not asked."""
        for key in keys:
            for seen in (self.done, self.skipped, self.partial, self.revisit, self.closed):
                if key in seen:
                    seen.remove(key)
            self.closed.append(key)

    def reopen(self, keys: list[str]) -> None:
        """Questions a gate chose: asked, even if closed before."""
        self.closed = [k for k in self.closed if k not in keys]


def progress_path(ws: Workspace) -> Path:
    return ws.path / PROGRESS_FILE


def load_progress(ws: Workspace) -> Progress:
    path = progress_path(ws)
    if not path.is_file():
        return Progress()
    raw = parse_yaml(read_text(path), path) or {}
    if not isinstance(raw, dict):
        return Progress()
    return Progress(
        done=[str(k) for k in raw.get("done") or []],
        skipped=[str(k) for k in raw.get("skipped") or []],
        partial=[str(k) for k in raw.get("partial") or []],
        revisit=[str(k) for k in raw.get("revisit") or []],
        closed=[str(k) for k in raw.get("closed") or []],
    )


def save_progress(ws: Workspace, progress: Progress) -> None:
    state = {"done": progress.done, "skipped": progress.skipped}
    if progress.partial:
        state["partial"] = progress.partial
    if progress.revisit:
        state["revisit"] = progress.revisit
    if progress.closed:
        state["closed"] = progress.closed
    body = dump_yaml(state)
    write_atomic(progress_path(ws), PROGRESS_HEADER + body)


def _plain(value: Any) -> Any:
    """A typed answer as ruamel can write it: records as one-line maps, lists as block lists."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        record = CommentedMap((k, _plain(v)) for k, v in value.items())
        record.fa.set_flow_style()
        return record
    if isinstance(value, list):
        seq = CommentedSeq(_plain(v) for v in value)
        seq.fa.set_block_style()
        return seq
    return value


def _mapping(parent: Any, key: str, flow: bool = False) -> Any:
    """parent[key] as a mapping, created when missing; an empty `{}` opens up into block style."""
    from ruamel.yaml.comments import CommentedMap

    child = parent.get(key)
    if not isinstance(child, CommentedMap):
        child = CommentedMap()
        parent[key] = child
    if flow:
        child.fa.set_flow_style()
    elif not child:
        child.fa.set_block_style()
    return child


def _gap_after(doc: Any, key: str) -> None:
    """Keep one blank line between `answers:` and the next top-level key. ruamel attaches that
    blank line to whichever item was last when the block grew; it is moved to the new last item
    (comments that have text are left where they are)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    def strip(node: Any) -> None:
        if not isinstance(node, CommentedMap | CommentedSeq):
            return
        for tokens in node.ca.items.values():
            for i, token in enumerate(tokens):
                if isinstance(token, CommentToken) and not token.value.strip():
                    tokens[i] = None
        if node.ca.end:
            node.ca.end = [
                t for t in node.ca.end if not (isinstance(t, CommentToken) and not t.value.strip())
            ]
        for child in node.values() if isinstance(node, CommentedMap) else node:
            strip(child)

    def nested_block(value: Any) -> bool:
        return isinstance(value, CommentedMap | CommentedSeq) and not value.fa.flow_style()

    blank = [None, None, None, None]  # doc-level tokens after `answers: {}` (before it grew)
    tokens = doc.ca.items.get(key, blank)
    doc.ca.items[key] = [
        None if isinstance(t, CommentToken) and not t.value.strip() else t for t in tokens
    ]
    strip(doc[key])
    keys = list(doc)
    following = keys[keys.index(key) + 1] if keys[-1] != key else None
    before = doc.ca.items.get(following, [None, None])[1] if following else None
    if before and any(isinstance(t, CommentToken) and t.value.startswith("\n") for t in before):
        return  # the next key carries the blank line itself
    node = doc[key]
    while node:
        last: Any = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        if nested_block(node[last]):
            node = node[last]
            continue
        gap = CommentToken("\n\n", CommentMark(0), None)
        node.ca.items[last] = (
            [None, None, gap, None] if isinstance(node, CommentedMap) else [gap, None]
        )
        break


def _drop_given_totals(table: Any, fmt: Format, table_key: str) -> None:
    """Totals are derived: a total written in the file would go stale once a term changes."""
    spec = fmt.tables[table_key]
    for row in spec.rows:
        cells = table.get(row.key)
        if cells is None:
            continue
        if row.derived:
            del table[row.key]
            continue
        for col in row.columns:
            if col.derived and col.key in cells:
                del cells[col.key]


class ReportEditor:
    """report.yaml kept loaded between answers, since ruamel's round-trip load is most of the
    cost of a save. What is on disk wins: the file is read again whenever it differs from what
    was last written here (a reviewer's hand edit is never overwritten). Each save is checked
    to be a valid report and written atomically, as `workspace.edit_report` does."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.text: str | None = None
        self.doc: Any = None

    @contextmanager
    def edit(self) -> Iterator[Any]:
        import io

        from report_writer.yamlio import roundtrip_yaml

        rt = roundtrip_yaml()
        text, form = read_text_form(self.ws.report_path)  # saved back in the same form
        if text != self.text:
            parse_yaml(text, self.ws.report_path)  # a syntax error is reported with its line
            self.doc = rt.load(text)
        self.text = None  # until this save is on disk, the loaded copy is not to be trusted
        yield self.doc
        buffer = io.StringIO()
        rt.dump(self.doc, buffer)
        new_text = buffer.getvalue()
        parse_report(parse_yaml(new_text, self.ws.report_path))
        write_text_form(self.ws.report_path, new_text, form)
        self.text = new_text


def save_answers(
    ws: Workspace, fmt: Format, values: dict[str, Any], editor: ReportEditor | None = None
) -> None:
    """Write answers into report.yaml in one atomic save. Keys: meta.<field>, <group>.<field>,
    tables.<table>.<row>.<column>, phrases.<slot>; a value of None removes the answer. Totals
    written in a table that is touched are dropped first (they are derived), unless given here."""
    with (editor or ReportEditor(ws)).edit() as doc:
        for table_key in dict.fromkeys(k.split(".")[1] for k in values if k.startswith("tables.")):
            _drop_given_totals(_mapping(_mapping(doc, "tables"), table_key), fmt, table_key)
        for key, value in values.items():
            head, _, rest = key.partition(".")
            if head == "meta":
                doc["meta"][rest] = value
            elif head == "phrases":
                phrases = _mapping(doc, "phrases")
                if value is None:
                    phrases.pop(rest, None)
                else:
                    phrases[rest] = value
            elif head == "tables":
                table_key, row_key, col_key = rest.split(".")
                table = _mapping(_mapping(doc, "tables"), table_key)
                _mapping(table, row_key, flow=True)[col_key] = _plain(value)
            else:
                group_key, field_key = key.split(".")
                if value is None or value == []:  # removed; an absent group is not created
                    group = (doc.get("answers") or {}).get(group_key)
                    if isinstance(group, dict):
                        group.pop(field_key, None)
                    continue
                group = _mapping(_mapping(doc, "answers"), group_key)
                group[field_key] = _plain(value)
        if isinstance(doc.get("answers"), dict) and doc["answers"]:
            _gap_after(doc, "answers")


def add_phrasebank(ws: Workspace, folder: str) -> None:
    """List a team phrasebank folder in report.yaml `phrasebanks:` (once)."""
    from ruamel.yaml.comments import CommentedSeq

    with edit_report(ws) as doc:
        banks = doc.get("phrasebanks")
        if not isinstance(banks, CommentedSeq):
            banks = CommentedSeq()
            doc["phrasebanks"] = banks
        if folder not in banks:
            banks.fa.set_block_style()
            banks.append(folder)
