"""Data layer: the previous year's folder of a workspace, `<workspace>/previous/`.

`init DIR --from LAST` keeps last year's workspace there (importer/previous.py reads a published
report into it); `check` compares with it when no --previous is given. Floor: data. Must not
import from the floors above (output and up).
"""

from __future__ import annotations

from pathlib import Path

from report_writer.errors import WorkspaceError
from report_writer.files import make_dir, read_bytes, write_atomic
from report_writer.limits import MAX_PUBLISHED_BYTES
from report_writer.workspace import REPORT_FILE

PREVIOUS_DIR = "previous"
# Files of last year's workspace copied into previous/ (report.yaml first).
COPIED = (REPORT_FILE, "imported.yaml", "import-log.yaml", "draft.md")


def default_previous(folder: Path) -> Path | None:
    """`<ws>/previous` when the workspace has one."""
    candidate = folder / PREVIOUS_DIR
    return candidate if (candidate / REPORT_FILE).is_file() else None


def copy_workspace(source: Path, target: Path) -> None:
    """Last year's workspace `source` copied into `target` (its report, import files and draft)."""
    if (target / REPORT_FILE).exists():
        raise WorkspaceError(f"“{target}”已存在，未做改动")
    make_dir(target)
    for name in COPIED:
        path = source / name
        if path.is_file():
            write_atomic(target / name, read_bytes(path, MAX_PUBLISHED_BYTES))
