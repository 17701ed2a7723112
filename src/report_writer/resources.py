"""Where the data shipped with the package lives: the built-in phrasebank, templates, formats.

In a wheel, the top-level `phrasebank/` is copied into the package as `builtin_phrasebank/` (the
package `phrasebank/` is the code that reads it) and `templates/` as `templates/`; in a source
checkout (editable install, tests) they stay at the repository top level.
"""

from __future__ import annotations

import os
from functools import cache
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

    def parse(text: str) -> tuple[Any, int]:
        import yaml

        try:
            return yaml.load(text, Loader=yaml.CSafeLoader), 0  # our own files have no aliases
        except yaml.YAMLError as exc:
            raise InputError(f"{path} 有 YAML 语法错误：{exc}") from None

    return parsecache.parsed("data", path.read_text(encoding="utf-8"), parse)
