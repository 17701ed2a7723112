"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, `phrasebank/` and `templates/` are copied into the package; in a source checkout
(editable install, tests) they stay at the repository top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The folder `name` ("phrasebank" or "templates") inside the package, else in the checkout."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / name


def formats_dir() -> Path:
    return _PACKAGE / "formats"
