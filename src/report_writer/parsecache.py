"""Parsed data kept between runs, by the hash of the text it came from.

Parsing YAML costs more than a build's own work, so the package's data files (the format, the
answers schema, the narrative plan, the rules) and large phrase files are parsed once per content
and kept as JSON in the user's cache folder; so is a workspace's report.yaml, which a build reads
again after a check or after edits to draft.md. An entry is used only for the very text it was
made from; an entry that cannot be read is ignored and the text parsed again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from report_writer.errors import ReportWriterError

VERSION = 1  # bump when a parser changes what it returns for the same text
KEEP = 100  # entries of one kind kept (the newest): each edit of a report.yaml makes one


def cache_dir() -> Path:
    """$REPORT_WRITER_CACHE, else $XDG_CACHE_HOME/report-writer, else ~/.cache/report-writer."""
    own = os.environ.get("REPORT_WRITER_CACHE")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "report-writer"


def parsed(kind: str, text: str, parse: Callable[[str], tuple[Any, int]]) -> Any:
    """The data `parse(text)` returns, or what it returned for the same text before. `kind`
    names the parser ("data", "phrases", "report") and starts the cache file's name.

    `parse` gives the data and its size once aliases are expanded (0 where it has none): data
    that aliases made larger than twice its text is never written out expanded, nor data that
    JSON would not give back exactly (keys that are not strings, dates)."""
    import json

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = cache_dir() / f"{kind}-{VERSION}-{digest}.json"
    with suppress(OSError, ValueError):
        return json.loads(entry.read_text(encoding="utf-8"))
    data, size = parse(text)
    if size > 2 * len(text):
        return data
    encoded = json.dumps(data, ensure_ascii=False, default=str)
    if json.loads(encoded) == data:
        from report_writer.workspace import write_atomic

        with suppress(OSError, ReportWriterError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, encoded)
            _prune(entry.parent, kind)
    return data


def _prune(folder: Path, kind: str) -> None:
    """Remove all but the KEEP newest entries of `kind`."""
    entries = []
    for path in folder.glob(f"{kind}-*.json"):
        with suppress(OSError):
            entries.append((path.stat().st_mtime, path))
    entries.sort(reverse=True)
    for _, path in entries[KEEP:]:
        with suppress(OSError):
            path.unlink()
