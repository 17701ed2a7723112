"""Parsed YAML kept by content (cache.py): used only for the very text and code that made it,
never trusted when unreadable, bounded in number, and invisible in what a build writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from report_writer import build, cache
from report_writer.document import Block
from report_writer.errors import InputError
from report_writer.workspace import Workspace, load_report, open_workspace

CODE = ("report_writer.limits",)  # the code a test parser depends on


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("REPORT_WRITER_CACHE", str(path))
    return path


class Parser:
    """A parser that counts its calls."""

    def __init__(self, result: Any = None) -> None:
        self.calls = 0
        self.result = result

    def __call__(self, text: str) -> tuple[Any, int]:
        self.calls += 1
        return ({"text": text} if self.result is None else self.result), 0


def test_same_text_is_parsed_once(folder: Path) -> None:
    parse = Parser()
    assert cache.parsed("t", "a: 1", parse, code=CODE) == {"text": "a: 1"}
    assert cache.parsed("t", "a: 1", parse, code=CODE) == {"text": "a: 1"}
    assert parse.calls == 1
    assert cache.parsed("t", "a: 2", parse, code=CODE) == {"text": "a: 2"}
    assert parse.calls == 2
    assert len(list(folder.glob("t-*.json"))) == 2
    assert folder.stat().st_mode & 0o077 == 0  # the officer's own folder


def test_an_unreadable_entry_is_parsed_again(folder: Path) -> None:
    parse = Parser()
    cache.parsed("t", "a: 1", parse, code=CODE)
    (entry,) = folder.glob("t-*.json")
    entry.write_text('{"text": ', encoding="utf-8")  # torn, as a power cut may leave it
    assert cache.parsed("t", "a: 1", parse, code=CODE) == {"text": "a: 1"}
    assert parse.calls == 2


def test_data_json_would_change_is_not_kept(folder: Path) -> None:
    import datetime

    for result in ({1: "int key"}, {"day": datetime.date(2024, 1, 1)}, {"t": (1, 2)}):
        parse = Parser(result)
        assert cache.parsed("t", repr(result), parse, code=CODE) == result
        assert cache.parsed("t", repr(result), parse, code=CODE) == result
        assert parse.calls == 2
    assert not list(folder.glob("t-*.json"))


def test_entries_are_private_in_a_folder_made_before(folder: Path) -> None:
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # as an older version made it
    cache.parsed("t", "answers", Parser(), code=CODE)
    (entry,) = folder.glob("t-*.json")
    assert entry.stat().st_mode & 0o077 == 0


def test_leftover_temporary_files_are_removed(folder: Path) -> None:
    folder.mkdir()
    old, new = folder / ".t-2-aa.json.1.aa.tmp", folder / ".t-2-bb.json.2.bb.tmp"
    other = folder / ".someone-else.tmp"  # not ours: the folder may be shared
    for path in (old, new, other):
        path.write_text("{", encoding="utf-8")
    os.utime(old, (0, 0))  # a process killed long ago
    os.utime(other, (0, 0))
    cache.parsed("t", "x", Parser(), code=CODE)
    assert not old.exists() and new.exists()  # a fresh one may still be being written
    assert other.exists()


def test_a_figure_too_large_for_json_is_still_built(
    folder: Path, example_ws: Path, tmp_path: Path
) -> None:
    path = example_ws / "report.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("staff: 1", f"staff: {2**70}"), encoding="utf-8")
    assert f"staff: {2**70}" in path.read_text(encoding="utf-8")
    out = tmp_path / "out"
    command = ["build", str(example_ws), "--format", "md", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "report_writer", *command], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "draft.md").is_file()


def test_only_the_newest_entries_are_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    parse = Parser()
    for i in range(6):
        cache.parsed("t", f"n: {i}", parse, code=CODE)
        for n, entry in enumerate(sorted(folder.glob("t-*.json"), key=os.path.getmtime)):
            os.utime(entry, (n, n))  # distinct times, oldest first, on any file system
    cache.parsed("u", "other kind", parse, code=CODE)
    assert len(list(folder.glob("t-*.json"))) == 3
    assert len(list(folder.glob("u-*.json"))) == 1
    calls = parse.calls
    cache.parsed("t", "n: 5", parse, code=CODE)  # the newest is still there
    assert parse.calls == calls


def test_a_build_writes_the_same_draft_with_or_without_the_cache(
    folder: Path, example_ws: Path, tmp_path: Path
) -> None:
    drafts = []
    for run in range(3):  # an empty cache, then one filled by the first run, then unreadable
        if run == 2:
            for entry in folder.glob("*.json"):
                entry.write_text("[", encoding="utf-8")
        out = tmp_path / f"out{run}"
        command = ["build", str(example_ws), "--format", "md", "--out", str(out)]
        # a process of its own: nothing of the earlier runs is remembered in memory
        proc = subprocess.run(
            [sys.executable, "-m", "report_writer", *command], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        assert "C4" in proc.stdout + proc.stderr  # the example's one error, on every run
        drafts.append((out / "draft.md").read_text(encoding="utf-8"))
    kinds = {entry.name.split("-")[0] for entry in folder.glob("*.json")}
    assert kinds == {"data", "phrases"}  # no answers: report.yaml and the narrative are not kept
    assert drafts[0] == drafts[1] == drafts[2]


def other(ws: Workspace, team: Path) -> list[Block]:
    """The blocks of section 六 as a build makes them with the team folder over the built-in."""
    doc = build.generate(load_report(ws), ws, [team])
    return next(s for s in doc.sections if s.key == "other").blocks


def test_an_unreadable_phrase_file_is_reported_as_without_the_cache(
    folder: Path, example_ws: Path, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "gbk.yaml").write_bytes("phrases: []  # 中文注释\n".encode("gbk"))
    ws = open_workspace(example_ws)
    with pytest.raises(InputError) as caught:
        other(ws, team)
    assert caught.value.message.startswith("表述库有1处问题")
    assert "gbk.yaml" in str(caught.value.details)


def test_a_cache_folder_that_cannot_be_used_changes_nothing(
    tmp_path: Path, example_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("REPORT_WRITER_CACHE", str(blocked))
    out = tmp_path / "out"
    command = ["build", str(example_ws), "--format", "md", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "report_writer", *command], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "draft.md").is_file()
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_a_change_of_the_parsing_code_is_a_miss(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "rw_test_parser.py"
    module.write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    parse = Parser()
    cache.parsed("t", "x", parse, code=("rw_test_parser",))
    cache.parsed("t", "x", parse, code=("rw_test_parser",))
    assert parse.calls == 1
    module.write_text("VERSION = 2\n", encoding="utf-8")  # a new release of the parser
    cache._code_hash.cache_clear()  # a new process reads it again
    cache.parsed("t", "x", parse, code=("rw_test_parser",))
    assert parse.calls == 2
    assert cache.parsed("t", "x", Parser(), code=("rw_no_such_module",)) == {"text": "x"}


def test_the_yaml_library_is_part_of_the_key() -> None:

    assert yaml.__version__ in Path(str(yaml.__file__)).read_text(encoding="utf-8")
    assert cache._code_hash("yaml") != cache._code_hash("report_writer.limits")
