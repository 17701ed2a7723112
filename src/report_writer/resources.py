"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, `phrasebank/` and `templates/` are copied into the package; in a source checkout
(editable install, tests) they stay at the repository top level.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from report_writer.errors import InputError

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The folder `name` ("phrasebank" or "templates") inside the package, else in the checkout."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / name


@cache
def package_stamp() -> str:
    """The size and time of every code and data file of the package: what a result cached by
    its inputs (see parsecache.py) must also be keyed by, so that no edit or release of the
    package meets results the old one made."""
    found = []
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".j2")):
                info = os.stat(os.path.join(folder, name))
                found.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(found)


def formats_dir() -> Path:
    return _PACKAGE / "formats"


def load_data(path: Path) -> Any:
    """A YAML data file shipped with the package (a format, the answers schema, the rules, the
    questions), parsed once per content: see parsecache.py."""
    from report_writer import parsecache

    def parse(text: str) -> tuple[Any, int]:
        import yaml

        try:
            return yaml.load(text, Loader=yaml.CSafeLoader), 0  # our own files have no aliases
        except yaml.YAMLError as exc:
            raise InputError(f"{path} 有 YAML 语法错误：{exc}") from None

    return parsecache.parsed("data", path.read_text(encoding="utf-8"), parse)
