"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, the top-level `phrasebank/` is copied into the package as `builtin_phrasebank/` (the
package `phrasebank/` is the code that reads it) and `templates/` as `templates/`; in a source
checkout (editable install, tests) they stay at the repository top level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_writer.errors import InputError

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

    def parse(text: str) -> tuple[Any, int]:
        import yaml

        try:
            return yaml.load(text, Loader=yaml.CSafeLoader), 0  # our own files have no aliases
        except yaml.YAMLError as exc:
            raise InputError(f"{path} 有 YAML 语法错误：{exc}") from None

    text = path.read_text(encoding="utf-8")
    return cache.parsed("data", text, parse, code=("report_writer.resources", "yaml"))
