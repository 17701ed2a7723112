"""Parsed data kept between runs, by the hash of the text it came from.

Parsing YAML costs more than a build's own work, so the package's data files (the format, the
answers schema, the narrative plan, the rules) and large phrase files are parsed once per content
and kept as JSON in the user's cache folder; so are a workspace's report.yaml, which a build
reads again after a check or after edits to draft.md, and the analyses of the phrase templates.
An entry is used only for the very text and code it was made by; an entry that cannot be read
is ignored and the text parsed again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from report_writer.errors import ReportWriterError
from report_writer.resources import package_stamp

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
    kind: str,
    text: str | bytes,
    parse: Callable[[Any], tuple[Any, int]],
    store: bool = True,
    shape: Callable[[Any], Any] | None = None,
) -> Any:
    """The data `parse(text)` returns, or what it returned for the same text before. `kind`
    names the parser ("data", "phrases", "report", "analyses", "narrative") and starts the cache
    file's name. `text` may also be bytes: everything a result is made from, encoded. The files
    of the package and of the libraries that parse and render are part of the key (see
    resources.package_stamp): no edit or upgrade of the code meets entries the old code made.

    `parse` gives the data and its size once aliases are expanded (0 where it has none): data
    that aliases made larger than twice its text is never written out expanded, nor data that
    JSON would not give back exactly (keys that are not strings, dates, tuples). `shape`, when
    given, turns the plain data into what the caller wants (an entry it refuses is parsed
    again). With `store` False the cache is only read (a check of a thousand workspaces would
    only churn it)."""
    import msgspec

    try:
        source = text.encode("utf-8") if isinstance(text, str) else text
        digest = hashlib.sha256(package_stamp().encode() + b"\0" + source).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate: nothing to key it by
        data = parse(text)[0]
        return shape(data) if shape else data
    entry = cache_dir() / f"{kind}-{VERSION}-{digest}.json"
    with suppress(OSError, ValueError, TypeError):  # msgspec's decode and shape errors included
        found = msgspec.json.decode(entry.read_bytes())
        return shape(found) if shape else found
    data, size = parse(text)
    if store and size <= 2 * len(text):
        _store(entry, data)
    return shape(data) if shape else data


def _store(entry: Path, data: Any) -> None:
    import msgspec

    try:
        encoded = msgspec.json.encode(data)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return  # not plain data: parsed again each time
    if msgspec.json.decode(encoded) != data:
        return
    from report_writer.workspace import write_atomic

    with suppress(OSError, ReportWriterError):
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # a lost entry is parsed again; the entries hold answers, so only their owner reads them
        write_atomic(entry, encoded, durable=False, mode=0o600)
        _prune(entry.parent, entry.name.split("-")[0])


def _prune(folder: Path, kind: str) -> None:
    """Remove all but the KEEP newest entries of `kind`, and temporary files that a process
    killed while writing left behind an hour ago or more."""
    entries = []
    for path in folder.glob(f"{kind}-*.json"):
        with suppress(OSError):
            entries.append((path.stat().st_mtime, path))
    entries.sort(reverse=True)
    stale = [path for _, path in entries[KEEP:]]
    for path in folder.glob(f".*-{VERSION}-*.json.*.tmp"):  # write_atomic's, of entries only
        with suppress(OSError):
            if time.time() - path.stat().st_mtime > 3600:
                stale.append(path)
    for path in stale:
        with suppress(OSError):
            path.unlink()
