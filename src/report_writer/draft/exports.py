"""Draft layer: what was last written to draft.html and draft.docx, and a dated copy of one
changed since.

`.report-writer/exports.json` beside the drafts keeps, for each exported file, the hash of the
bytes written and, for draft.docx, the text of each region as written there (in draft.md's
form), so that Word edits can later be told apart and merged. Before a file is written over,
`keep_changed` compares it with that record: a file changed since (or one the tool has no record
of) is first copied to `.report-writer/<name>-<date>-<time>.<ext>`. Must not import anything
above the draft layer.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import sys
from pathlib import Path

import msgspec
from msgspec import Struct, field

from report_writer.errors import InputError, WorkspaceError
from report_writer.files import backup_path, check_regular, os_reason, read_bytes, write_atomic

FOLDER = Path(".report-writer")
EXPORTS_FILE = FOLDER / "exports.json"


class Exported(Struct):
    hash: str  # sha256 of the bytes written
    regions: dict[str, str] = field(default_factory=dict)  # draft.docx: region -> text written


Exports = dict[str, Exported]  # file name -> what was last written to it


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_exports(home: Path) -> Exports:
    path = home / EXPORTS_FILE
    try:
        return msgspec.json.decode(read_bytes(path), type=Exports)
    except (InputError, msgspec.DecodeError, msgspec.ValidationError):
        return {}  # none or unreadable: every existing export counts as changed, and is kept


def save_exports(home: Path, exports: Exports) -> None:
    folder = home / FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"无法新建文件夹 {folder}：{os_reason(exc)}") from None
    write_atomic(home / EXPORTS_FILE, msgspec.json.format(msgspec.json.encode(exports), indent=1))


def file_hash(path: Path) -> str | None:
    """The hash of a regular file's bytes; None when there is none (or it cannot be read)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def changed_since(path: Path, exports: Exports) -> bool:
    """The file exists and is not what the tool last wrote to it."""
    if not path.exists():
        return False
    record = exports.get(path.name)
    return record is None or file_hash(path) != record.hash


def keep_changed(path: Path, exports: Exports) -> str | None:
    """Before `path` is written over: when it changed since the tool wrote it, copy it under
    `.report-writer/` and return the one-line notice; else None."""
    if not changed_since(path, exports):
        return None
    try:  # a link to /dev/zero or a pipe would be copied forever: refuse, as every reader does
        check_regular(path, limit=sys.maxsize)
    except InputError as exc:
        raise WorkspaceError(f"{exc.message}；未覆盖，请移走它后重试") from None
    folder = path.parent / FOLDER
    backup = backup_path(folder, path.stem, path.suffix)
    try:
        folder.mkdir(exist_ok=True)
        shutil.copyfile(path, backup)
    except OSError as exc:
        raise WorkspaceError(
            f"{path} 在上次生成后有改动，但无法备份到 {backup}（{os_reason(exc)}），未覆盖"
        ) from None
    why = "在上次生成后有改动" if path.name in exports else "不是本工具记录的生成版本"
    return f"{path} {why}，已备份为 {backup}，再按最新内容重新生成"


def write_export(
    path: Path, data: str | bytes, exports: Exports, regions: dict[str, str] | None = None
) -> str | None:
    """Write an export (draft.html, draft.docx) after keeping a changed one; record what was
    written. Returns the backup notice, if any. The caller saves `exports`."""
    notice = keep_changed(path, exports)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_atomic(path, payload)
    exports[path.name] = Exported(content_hash(payload), regions or {})
    return notice
