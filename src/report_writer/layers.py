"""The phrasebank layers of one report: which folders, in which order, and what their files say.

The built-in folder comes first; over it lie the team folders given with `--phrasebank`, then
those named in report.yaml's `phrasebanks:` (relative to the workspace folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from report_writer import resources
from report_writer.errors import InputError

if TYPE_CHECKING:
    from report_writer.model import Report

BUILTIN = "builtin"  # the layer name of the shipped phrasebank


def layer_label(name: str | None) -> str:
    """A layer as the officer reads it: 内置 for the shipped one, else the folder as given."""
    return "内置" if name == BUILTIN else str(name)


def team_folders(
    report: Report, workspace_path: Path, extra_dirs: Sequence[Path] = ()
) -> list[Path]:
    """The folders layered over the built-in phrasebank for one report, in order."""
    return [*extra_dirs, *(workspace_path / p for p in report.phrasebanks)]


def layer_folders(team: Iterable[Path]) -> list[tuple[str, Path]]:
    """(layer name, folder) of the built-in phrasebank, then of each team folder."""
    return [(BUILTIN, resources.shipped_dir("phrasebank")), *((str(d), Path(d)) for d in team)]


def layer_texts(team: Iterable[Path]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each layer's folder with the name and text of each of its phrase files, as the phrasebank
    reads them: what a phrasebank is made of, without parsing it. InputError when a folder is
    missing or a file cannot be read (reading the phrasebank tells more)."""
    from report_writer.workspace import read_text

    result = []
    for _, folder in layer_folders(team):
        if not folder.is_dir():
            raise InputError(f"找不到表述库文件夹“{folder}”")
        files = [(path.name, read_text(path)) for path in sorted(folder.glob("*.yaml"))]
        result.append((str(folder), files))
    return result
