"""Parsed YAML kept between runs, keyed by content only: the text parsed and the code parsing it.

Parsing YAML (and importing the parser) costs more than a build's own work, so the package's data
files (the format, the answers schema, the narrative plan, the rules, the questions) and large
phrase files are parsed once per content and kept as JSON in the user's cache folder. None of
them holds an officer's answers. An entry's name is the hash of the text, of the source of the
modules that parse it (named by the caller: ours, and `yaml`, whose source carries its version),
of msgspec's version and of VERSION: no edit of the code or upgrade meets entries the old code
made, and no file is stat'ed to find out. An entry that cannot be read is ignored and the text
parsed again.

Floor: ground. Imports errors.py and files.py only (and the standard library, msgspec).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

VERSION = 2  # bump when the format of an entry changes
KEEP = 100  # entries of one kind kept (the newest)


def cache_dir() -> Path:
    """$REPORT_WRITER_CACHE, else $XDG_CACHE_HOME/report-writer, else ~/.cache/report-writer."""
    own = os.environ.get("REPORT_WRITER_CACHE")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "report-writer"


def parsed(
    kind: str,
    text: str,
    parse: Callable[[str], tuple[Any, int]],
    code: Sequence[str],
) -> Any:
    """The data `parse(text)` returns, or what it returned for the same text before. `kind`
    names the parser ("data", "phrases") and starts the cache file's name; `code` names the
    modules whose source decides what `parse` gives (their text is part of the key).

    `parse` gives the data and its size once aliases are expanded (0 where it has none): data
    that aliases made larger than twice its text is never written out expanded, nor data that
    JSON would not give back exactly (keys that are not strings, dates, tuples)."""
    import msgspec

    try:
        source = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: nothing to key it by
        return parse(text)[0]
    stamp = "\0".join([f"{VERSION}", msgspec.__version__, *(_code_hash(name) for name in code)])
    digest = hashlib.sha256(f"{stamp}\0".encode() + source).hexdigest()
    entry = cache_dir() / f"{kind}-{VERSION}-{digest}.json"
    with suppress(OSError, ValueError, TypeError):  # msgspec's decode errors included
        return msgspec.json.decode(entry.read_bytes())
    data, size = parse(text)
    if size <= 2 * len(text):
        _store(entry, data)
    return data


@cache
def _code_hash(module: str) -> str:
    """The hash of a module's source (found without importing it), read once per process."""
    import sys
    from importlib.util import find_spec

    loaded = sys.modules.get(module)
    path = getattr(loaded, "__file__", None) if loaded else None
    if path is None:
        spec = find_spec(module)
        path = spec.origin if spec else None
    try:
        return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()
    except OSError:  # no source to read: the module's name stands for it
        return f"{module}:?"


def _store(entry: Path, data: Any) -> None:
    import msgspec

    try:
        encoded = msgspec.json.encode(data)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return  # not plain data: parsed again each time
    if msgspec.json.decode(encoded) != data:
        return
    from report_writer.errors import ReportWriterError
    from report_writer.files import write_atomic

    with suppress(OSError, ReportWriterError):
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # a lost entry is parsed again; only their owner reads them
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
