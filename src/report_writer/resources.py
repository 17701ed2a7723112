"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, `phrasebank/` and `templates/` are copied into the package; in a source checkout
(editable install, tests) they stay at the repository top level.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The folder `name` ("phrasebank" or "templates") inside the package, else in the checkout."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / name


@cache
def package_stamp() -> str:
    """The size and time of every code and data file of the package, and of the libraries that
    parse and render what is cached (PyYAML, jinja2, msgspec): what a result cached by its inputs
    (see parsecache.py) must also be keyed by, so that no edit, release or upgrade meets results
    the old code made."""
    from importlib.util import find_spec

    found: list[str] = []
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(
            os.path.join(folder, n)
            for n in sorted(files)
            if n.endswith(_STAMPED) and not n.startswith(".")  # not an editor's lock file
        )
    for library in ("yaml", "jinja2", "msgspec"):
        spec = find_spec(library)
        if spec is not None and spec.origin:
            found.append(spec.origin)
    stamps = []
    for path in found:
        try:
            info = os.stat(path)
            stamps.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:  # gone, or a dangling link: known as such
            stamps.append(f"{path}:?")
    return "\n".join(stamps)


_STAMPED = (".py", ".yaml", ".j2")


def formats_dir() -> Path:
    return _PACKAGE / "formats"


def load_data(path: Path) -> Any:
    """A YAML data file shipped with the package (a format, the answers schema, the rules, the
    questions), parsed once per content: see parsecache.py."""
    from report_writer import parsecache
    from report_writer.yamlio import parse_data

    text = path.read_text(encoding="utf-8")
    return parsecache.parsed("data", text, lambda t: (parse_data(t, path), 0))
