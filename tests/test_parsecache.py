"""Parsed data kept by content (parsecache.py): used only for the very text and parser that made
it, never trusted when unreadable, bounded in number, and invisible in what a build writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from report_writer import build, narrative, parsecache, resources
from report_writer.document import Block, Paragraph
from report_writer.errors import InputError
from report_writer.phrasebank import load_phrasebank
from report_writer.workspace import Workspace, load_report, open_workspace


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORT_WRITER_CACHE", str(folder))
    return folder


class Parser:
    """A parser that counts its calls."""

    def __init__(self, result: Any = None) -> None:
        self.calls = 0
        self.result = result

    def __call__(self, text: str) -> tuple[Any, int]:
        self.calls += 1
        return ({"text": text} if self.result is None else self.result), 0


def test_same_text_is_parsed_once(cache: Path) -> None:
    parse = Parser()
    assert parsecache.parsed("t", "a: 1", parse) == {"text": "a: 1"}
    assert parsecache.parsed("t", "a: 1", parse) == {"text": "a: 1"}
    assert parse.calls == 1
    assert parsecache.parsed("t", "a: 2", parse) == {"text": "a: 2"}
    assert parse.calls == 2
    assert len(list(cache.glob("t-*.json"))) == 2
    assert cache.stat().st_mode & 0o077 == 0  # it holds answers: the officer's own folder


def test_an_unreadable_entry_is_parsed_again(cache: Path) -> None:
    parse = Parser()
    parsecache.parsed("t", "a: 1", parse)
    (entry,) = cache.glob("t-*.json")
    entry.write_text('{"text": ', encoding="utf-8")  # torn, as a power cut may leave it
    assert parsecache.parsed("t", "a: 1", parse) == {"text": "a: 1"}
    assert parse.calls == 2


def test_data_json_would_change_is_not_kept(cache: Path) -> None:
    import datetime

    for result in ({1: "int key"}, {"day": datetime.date(2024, 1, 1)}, {"t": (1, 2)}):
        parse = Parser(result)
        assert parsecache.parsed("t", repr(result), parse) == result
        assert parsecache.parsed("t", repr(result), parse) == result
        assert parse.calls == 2
    assert not list(cache.glob("t-*.json"))


def test_read_only_use_writes_nothing(cache: Path) -> None:
    parse = Parser()
    parsecache.parsed("t", "a: 1", parse, store=False)
    assert not cache.exists()
    parsecache.parsed("t", "a: 1", parse)
    parsecache.parsed("t", "a: 1", parse, store=False)  # but what is there is read
    assert parse.calls == 2


def test_a_change_of_the_code_or_its_libraries_is_a_miss(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = resources.package_stamp()
    # every file of the package (the Chinese filters a template analysis depends on, the limits
    # a report is checked against) and the libraries that parse and render
    for part in ("report_writer/chinese.py", "report_writer/limits.py", "yaml", "jinja2"):
        assert part in stamp, part
    parse = Parser()
    parsecache.parsed("t", "x", parse)
    parsecache.parsed("t", "x", parse)
    assert parse.calls == 1
    monkeypatch.setattr(parsecache, "package_stamp", lambda: stamp + "\nchinese.py:1:2")
    parsecache.parsed("t", "x", parse)
    assert parse.calls == 2


def test_entries_are_private_in_a_folder_made_before(cache: Path) -> None:
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)  # as an older version made it
    parsecache.parsed("t", "answers", Parser())
    (entry,) = cache.glob("t-*.json")
    assert entry.stat().st_mode & 0o077 == 0


def test_leftover_temporary_files_are_removed(cache: Path) -> None:
    cache.mkdir()
    old, new = cache / ".t-1-aa.json.1.aa.tmp", cache / ".t-1-bb.json.2.bb.tmp"
    other = cache / ".someone-else.tmp"  # not ours: the folder may be shared
    for path in (old, new, other):
        path.write_text("{", encoding="utf-8")
    os.utime(old, (0, 0))  # a process killed long ago
    os.utime(other, (0, 0))
    parsecache.parsed("t", "x", Parser())
    assert not old.exists() and new.exists()  # a fresh one may still be being written
    assert other.exists()


def test_an_entry_of_the_wrong_shape_is_made_again(
    cache: Path, example_ws: Path, tmp_path: Path
) -> None:
    ws = open_workspace(example_ws)
    team = tmp_path / "team"
    team.mkdir()
    first = other(ws, team)
    for entry in [*cache.glob("narrative-*.json"), *cache.glob("analyses-*.json")]:
        entry.write_text('{"overview": [{"type": "Nothing"}]}', encoding="utf-8")
    assert other(ws, team) == first


def test_a_figure_too_large_for_the_cache_key_is_still_built(
    cache: Path, example_ws: Path, tmp_path: Path
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


def test_only_the_newest_entries_are_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "KEEP", 3)
    parse = Parser()
    for i in range(6):
        parsecache.parsed("t", f"n: {i}", parse)
        for n, entry in enumerate(sorted(cache.glob("t-*.json"), key=os.path.getmtime)):
            os.utime(entry, (n, n))  # distinct times, oldest first, on any file system
    parsecache.parsed("u", "other kind", parse)
    assert len(list(cache.glob("t-*.json"))) == 3
    assert len(list(cache.glob("u-*.json"))) == 1
    calls = parse.calls
    parsecache.parsed("t", "n: 5", parse)  # the newest is still there
    assert parse.calls == calls


def test_an_edited_report_is_read_anew(cache: Path, example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    assert load_report(ws).meta.agency == "东丽区应急管理局"
    path = example_ws / "report.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("东丽区应急管理局", "某区某局"), encoding="utf-8"
    )
    assert load_report(ws).meta.agency == "某区某局"
    assert len(list(cache.glob("report-*.json"))) == 2


def test_a_build_writes_the_same_draft_with_or_without_the_cache(
    cache: Path, example_ws: Path, tmp_path: Path
) -> None:
    drafts = []
    for run in range(3):  # an empty cache, then one filled by the first run, then unreadable
        if run == 2:
            for entry in cache.glob("*.json"):
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
    kinds = {entry.name.split("-")[0] for entry in cache.glob("*.json")}
    assert kinds == {"data", "phrases", "report", "analyses", "narrative"}
    assert drafts[0] == drafts[1] == drafts[2]


def other(ws: Workspace, team: Path) -> list[Block]:
    """The blocks of section 六 as a build makes them with the team folder over the built-in."""
    doc = build.generate(load_report(ws), ws, [team])
    return next(s for s in doc.sections if s.key == "other").blocks


def test_the_narrative_is_made_anew_when_anything_it_is_made_from_changes(
    cache: Path, example_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    plain = narrative.build_narrative

    def counted(report: Any, bank: Any) -> Any:
        made.append(1)
        return plain(report, bank)

    monkeypatch.setattr(narrative, "build_narrative", counted)
    ws = open_workspace(example_ws)
    team = tmp_path / "team"
    team.mkdir()

    def text() -> str:
        return "".join(b.text for b in other(ws, team) if isinstance(b, Paragraph))

    first = text()
    assert text() == first and len(made) == 1  # remembered
    chosen = other(ws, team)[-1]
    assert isinstance(chosen, Paragraph)
    last = chosen.sentences[-1]
    assert last.phrase_id and last.phrase_id.startswith("other.")
    slot = load_phrasebank().phrases[last.phrase_id].slot
    override = {"id": last.phrase_id, "slot": slot, "text": "本机关本年度没有其他需要报告的事项。"}
    (team / "t.yaml").write_text(yaml.safe_dump({"phrases": [override]}, allow_unicode=True))
    assert text() != first and len(made) == 2  # a phrase file changed
    path = example_ws / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 备注\n", encoding="utf-8")
    text()
    assert len(made) == 2  # a comment changes no answer: the same report
    path.write_text(
        path.read_text(encoding="utf-8").replace("东丽区应急管理局", "某区某局"), encoding="utf-8"
    )
    text()
    assert len(made) == 3  # the report changed
    monkeypatch.setattr(parsecache, "package_stamp", lambda: "another release")
    text()
    assert len(made) == 4  # the package changed


def test_an_unreadable_phrase_file_is_reported_as_without_the_cache(
    cache: Path, example_ws: Path, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "gbk.yaml").write_bytes("phrases: []  # 中文注释\n".encode("gbk"))
    ws = open_workspace(example_ws)
    with pytest.raises(InputError) as caught:
        other(ws, team)
    assert caught.value.message.startswith("表述库有1处问题")
    assert "gbk.yaml" in str(caught.value.details)
    assert not list(cache.glob("narrative-*.json"))


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


def test_a_file_of_the_package_that_cannot_be_read_is_stamped_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "report_writer"
    package.mkdir()
    (package / "cli.py").write_text("", encoding="utf-8")
    (package / "gone.py").symlink_to(tmp_path / "nowhere.py")  # a dangling link
    (package / ".#cli.py").symlink_to("user@host.1234:1700000000")  # an editor's lock file
    monkeypatch.setattr(resources, "_PACKAGE", package)
    stamp = resources.package_stamp.__wrapped__()
    assert "gone.py:?" in stamp and "cli.py:0:" in stamp and ".#cli.py" not in stamp
