"""The workspace lock: a second holder is refused with pid and time; a stale lock is taken over."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from report_writer.cli import app
from report_writer.errors import WorkspaceError
from report_writer.workspace import Workspace, open_workspace
from report_writer.workspace.lock import LOCK_FILE, Holder, acquire, locked, release

HOLD = """
import sys, time
from report_writer.workspace.lock import locked
from report_writer.workspace import open_workspace
with locked(open_workspace(sys.argv[1]), "build"):
    print("locked", flush=True)
    time.sleep(60)
"""


def write_lock(ws: Workspace, pid: int, host: str | None = None, since: float = 0.0) -> None:
    holder = {"pid": pid, "host": host or socket.gethostname(), "command": "interview"}
    (ws.path / LOCK_FILE).write_text(json.dumps({**holder, "since": since or time.time()}))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_lock_file_names_the_holder_and_goes_away(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    with locked(ws, "build") as lock:
        assert lock.notice is None
        content = json.loads((example_ws / LOCK_FILE).read_text(encoding="utf-8"))
        assert content["pid"] == os.getpid()
        assert content["command"] == "build"
    assert not (example_ws / LOCK_FILE).exists()


def test_lock_is_released_when_the_block_fails(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    with pytest.raises(RuntimeError), locked(ws, "build"):
        raise RuntimeError("boom")
    assert not (example_ws / LOCK_FILE).exists()


def test_second_holder_in_the_same_process_is_refused(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    with locked(ws, "interview"), pytest.raises(WorkspaceError) as info:
        acquire(ws, "build")
    assert f"进程号 {os.getpid()}" in str(info.value)
    assert "命令 interview" in str(info.value)


def test_other_process_is_refused_then_its_stale_lock_taken_over(example_ws: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(example_ws)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        ws = open_workspace(example_ws)
        with pytest.raises(WorkspaceError) as info:
            acquire(ws, "interview")
        message = str(info.value)
        assert f"进程号 {holder.pid}" in message
        assert "命令 build" in message
        assert time.strftime("%Y-%m-%d") in message  # since when
        assert "删除" not in message  # the system's lock proves the holder runs: nothing to delete
    finally:
        holder.kill()
        holder.wait()
    # killed with SIGKILL: its lock file is left behind, and now stale
    assert (example_ws / LOCK_FILE).exists()
    with locked(open_workspace(example_ws), "interview") as lock:
        assert lock.taken_over is not None and lock.taken_over.pid == holder.pid
        assert lock.notice is not None and f"进程 {holder.pid}" in lock.notice
        assert "已接管" in lock.notice
        assert json.loads((example_ws / LOCK_FILE).read_text())["pid"] == os.getpid()


def test_stale_lock_of_dead_pid_is_taken_over(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    pid = dead_pid()
    write_lock(ws, pid, since=time.mktime((2024, 3, 1, 9, 30, 0, 0, 0, -1)))
    lock = acquire(ws, "build")
    try:
        assert lock.taken_over == Holder(
            pid, socket.gethostname(), "interview", lock.taken_over.since
        )
        assert lock.notice is not None and "2024-03-01 09:30:00" in lock.notice
    finally:
        release(lock)


def test_lock_from_another_computer_is_never_taken_over(example_ws: Path) -> None:
    ws = open_workspace(example_ws)
    write_lock(ws, dead_pid(), host="other-pc")
    with pytest.raises(WorkspaceError, match="计算机 other-pc 上的") as info:
        acquire(ws, "build")
    assert f"可删除 {example_ws / LOCK_FILE} 后重试" in str(info.value)  # it may be a leftover


def test_garbage_holder_file_without_a_holder_is_passed_over(example_ws: Path) -> None:
    """The system's lock says who holds the workspace; a holder file nobody holds (a crash between
    creating and writing it) is simply replaced."""
    ws = open_workspace(example_ws)
    lock_file = example_ws / LOCK_FILE
    lock_file.write_bytes(b"")
    lock = acquire(ws, "build")
    assert lock.taken_over is None
    assert json.loads(lock_file.read_text(encoding="utf-8"))["pid"] == os.getpid()
    release(lock)
    assert not lock_file.exists()


def test_a_holder_that_has_not_written_its_name_yet_is_refused_in_general_words(
    example_ws: Path,
) -> None:
    ws = open_workspace(example_ws)
    with locked(ws, "build"):
        (example_ws / LOCK_FILE).write_bytes(b"")
        with pytest.raises(
            WorkspaceError, match="正由另一个 report-writer 进程使用。请等它结束后再试"
        ):
            acquire(ws, "interview")


def _contend(folder: str, ready: object, go: object, results: object) -> None:
    ready.put(os.getpid())  # type: ignore[attr-defined]
    go.wait()  # type: ignore[attr-defined]
    try:
        lock = acquire(Workspace(Path(folder)), "build")
    except WorkspaceError:
        results.put("refused")  # type: ignore[attr-defined]
        return
    results.put("won")  # type: ignore[attr-defined]
    time.sleep(30)  # held until the test ends it
    release(lock)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("stale", [False, True], ids=["free", "stale"])
def test_of_many_processes_starting_together_exactly_one_wins(
    example_ws: Path, stale: bool
) -> None:
    if stale:
        write_lock(open_workspace(example_ws), dead_pid())
    ctx = multiprocessing.get_context("fork")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    processes = [
        ctx.Process(target=_contend, args=(str(example_ws), ready, go, results)) for _ in range(6)
    ]
    for p in processes:
        p.start()
    try:
        for _ in processes:
            ready.get(timeout=30)
        go.set()
        outcomes = sorted(results.get(timeout=30) for _ in processes)
    finally:
        for p in processes:
            p.kill()
            p.join()
    assert outcomes == ["refused"] * 5 + ["won"]


def test_build_of_a_locked_workspace_is_refused_through_the_cli(example_ws: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(example_ws)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        result = CliRunner().invoke(app, ["build", str(example_ws), "--format", "md"])
    finally:
        holder.kill()
        holder.wait()
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert f"错误：工作区 {example_ws} 正由另一个 report-writer 进程使用（进程号 {holder.pid}" in (
        result.stderr
    )
    assert not (example_ws / "draft.md").exists()


def test_own_lock_is_recognised_under_another_spelling_of_the_path(
    example_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_ws.parent)
    with locked(Workspace(Path(example_ws.name)), "interview"), pytest.raises(WorkspaceError):
        acquire(Workspace(example_ws), "build")  # same folder, absolute: held, not stale


def test_taking_the_lock_clears_temporary_files_of_killed_saves(example_ws: Path) -> None:
    """Every save into a workspace happens under its lock: while it is ours, another process's
    temporary file there is a leftover. Files not named as write_atomic names them stay."""
    dead = dead_pid()
    leftovers = [
        example_ws / f".report.yaml.{dead}.1a2b3c4d.tmp",
        example_ws / f".draft.md.{dead}.ffff0000.tmp",
    ]
    kept = [example_ws / ".notes.tmp", example_ws / "notes.tmp"]
    for path in leftovers + kept:
        path.write_text("半截", encoding="utf-8")
    with locked(open_workspace(example_ws), "build"):
        assert [p.exists() for p in leftovers + kept] == [False, False, True, True]


def test_build_says_it_took_over_a_stale_lock(example_ws: Path) -> None:
    pid = dead_pid()
    write_lock(open_workspace(example_ws), pid)
    result = CliRunner().invoke(app, ["build", str(example_ws), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert f"进程 {pid}" in result.output and "已接管" in result.output
    assert not (example_ws / LOCK_FILE).exists()  # released after the build
