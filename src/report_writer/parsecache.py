"""Parsed data kept between runs, by the hash of the text it came from.

Parsing YAML costs more than a build's own work, so the package's data files (the format, the
answers schema, the narrative plan, the rules) and large phrase files are parsed once per content
and kept as JSON in the user's cache folder; so are a workspace's report.yaml, which a build
reads again after a check or after edits to draft.md, and the analyses of the phrase templates.
An entry is used only for the very text and parser it was made by; an entry that cannot be read
is ignored and the text parsed again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from report_writer.errors import ReportWriterError

VERSION = 1  # bump when the format of an entry changes
KEEP = 100  # entries of one kind kept (the newest): each edit of a report.yaml makes one


def cache_dir() -> Path:
    """$REPORT_WRITER_CACHE, else $XDG_CACHE_HOME/report-writer, else ~/.cache/report-writer."""
    own = os.environ.get("REPORT_WRITER_CACHE")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "report-writer"


def parsed(
    kind: str, text: str | bytes, parse: Callable[[Any], tuple[Any, int]], store: bool = True
) -> Any:
    """The data `parse(text)` returns, or what it returned for the same text before. `kind`
    names the parser ("data", "phrases", "report", "analyses", "narrative") and starts the cache
    file's name; the file that defines `parse` is part of the key (see _stamp). `text` may also
    be bytes: everything a result is made from, encoded.

    `parse` gives the data and its size once aliases are expanded (0 where it has none): data
    that aliases made larger than twice its text is never written out expanded, nor data that
    JSON would not give back exactly (keys that are not strings, dates). With `store` False
    the cache is only read (a check of a thousand workspaces would only churn it)."""
    import msgspec

    source = text.encode("utf-8") if isinstance(text, str) else text
    digest = hashlib.sha256(f"{_stamp(parse)}\0".encode() + source).hexdigest()
    entry = cache_dir() / f"{kind}-{VERSION}-{digest}.json"
    with suppress(OSError, ValueError):
        return msgspec.json.decode(entry.read_bytes())
    data, size = parse(text)
    if not store or size > 2 * len(text):
        return data
    try:
        encoded = msgspec.json.encode(data)
    except (TypeError, msgspec.EncodeError):  # not plain data: parsed again each time
        return data
    if msgspec.json.decode(encoded) == data:
        from report_writer.workspace import write_atomic

        with suppress(OSError, ReportWriterError):
            entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # answers: private
            write_atomic(entry, encoded, durable=False)  # a lost entry is parsed again
            _prune(entry.parent, kind)
    return data


def _stamp(parse: Callable[..., Any]) -> str:
    """The size and time of the file that defines `parse`: an edit of the parsing code (or a new
    release of the package) then never meets entries the old code made."""
    with suppress(AttributeError, OSError):
        found = os.stat(parse.__code__.co_filename)
        return f"{found.st_size}-{found.st_mtime_ns}"
    return ""


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
