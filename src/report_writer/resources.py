"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, the top-level `phrasebank/` is copied into the package as `builtin_phrasebank/` (the
package `phrasebank/` is the code that reads it) and `templates/` as `templates/`; in a source
checkout (editable install, tests) they stay at the repository top level.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


# The name of a shipped folder inside the wheel, where it differs from the checkout's.
_IN_WHEEL = {"phrasebank": "builtin_phrasebank"}


def shipped_dir(name: str) -> Path:
    """The folder `name` ("phrasebank" or "templates") inside the package, else in the checkout."""
    inside = _PACKAGE / _IN_WHEEL.get(name, name)
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / name


def formats_dir() -> Path:
    return _PACKAGE / "formats"


def load_data(path: Path) -> Any:
    """A YAML data file shipped with the package (a format, the answers schema, the rules, the
    questions), parsed once per content: see cache.py."""
    from report_writer import cache
    from report_writer.yamlio import parse_data

    text = path.read_text(encoding="utf-8")
    code = ("report_writer.yamlio", "yaml")
    return cache.parsed("data", text, lambda t: (parse_data(t, path), 0), code=code)
