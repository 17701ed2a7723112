"""Data layer: the workspace lock, one interview or build at a time on a workspace.

The lock itself is an operating-system file lock (the `filelock` library) on
`.report-writer/workspace.lock`: the system releases it when its process ends, however it ends, so
no crash leaves it stale. Beside it, `.report-writer.lock` names the holder (process id, host,
command, since when) for the message a second user sees. A holder file left by a process that was
killed is noticed when the lock is next taken (the caller gets a notice to show). A holder file
from another computer is never passed over: on a shared network folder the system's lock may not
reach across computers. Imports only the workspace and the ground floor.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import msgspec
from filelock import FileLock, Timeout
from msgspec import Struct

from report_writer.errors import InputError, WorkspaceError
from report_writer.files import make_dir, os_reason, read_bytes, write_atomic
from report_writer.workspace import Workspace

LOCK_FILE = ".report-writer.lock"
OS_LOCK_FILE = Path(".report-writer") / "workspace.lock"

_locks: dict[Path, FileLock] = {}  # the system locks this process holds, by holder file
_chained: set[Path] = set()  # those held for a chain of commands, which share them
_depth: dict[Path, int] = {}  # how many holders in this process share each


def _host() -> str:
    """This computer's name (os.uname, else the socket module, which is slower to import)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # Windows

    return socket.gethostname()


class Holder(Struct, frozen=True):
    pid: int
    host: str
    command: str
    since: float  # seconds since the epoch

    @property
    def since_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.since))


class Lock(Struct, frozen=True):
    path: Path
    taken_over: Holder | None  # the dead holder whose stale lock was taken over, if any

    @property
    def notice(self) -> str | None:
        """A sentence for the user when a stale lock was taken over, else None."""
        old = self.taken_over
        if old is None:
            return None
        return (  # the caller puts 「注意：」 before it, as before its other notes
            f"工作区曾被进程 {old.pid}（{old.command}，{old.since_text} 起）锁定，"
            "该进程已不存在（可能异常退出），已接管该锁"
        )


@contextmanager
def locked(
    ws: Workspace, command: str, out: Path | None = None, chain: bool = False
) -> Iterator[Lock]:
    """Hold the workspace lock while the block runs; raise WorkspaceError if another holds it.

    `out` is a folder other than the workspace that drafts are written to. If this process
    cannot write to the workspace folder, no save of report.yaml can happen in it (a save renames
    a new file into the folder): `out` is locked instead, so that a read-only workspace can still
    be built into a writable folder. With `chain`, the commands run inside the block (a save,
    then a build) may take the same lock again: it is let go only when the block ends, so no
    other process gets in between them."""
    folder = ws.path
    if out is not None and out.resolve() != ws.path.resolve() and not os.access(ws.path, os.W_OK):
        folder = out
    lock = acquire(Workspace(folder), command, chain=chain)
    try:
        yield lock
    finally:
        release(lock)


def acquire(ws: Workspace, command: str, chain: bool = False) -> Lock:
    path = ws.path / LOCK_FILE
    held = path.resolve()
    if held in _chained:  # held by this process for a chain of commands: share it
        _depth[held] += 1
        return Lock(path, None)
    make_dir(ws.path / OS_LOCK_FILE.parent)
    os_lock = FileLock(ws.path / OS_LOCK_FILE, timeout=0)
    try:
        os_lock.acquire()
    except Timeout:
        holder = _read(path)
        if holder is None:  # it has not written its name yet
            raise WorkspaceError(
                f"工作区 {ws.path} 正由另一个 report-writer 进程使用。请等它结束后再试"
            ) from None
        raise _held_by(ws, holder, path) from None
    except OSError as exc:
        raise WorkspaceError(f"无法在 {ws.path} 中建立工作区锁：{os_reason(exc)}") from None
    left = _read(path)  # the holder file of a process that was killed, if any
    if left is not None and left.host != _host():
        os_lock.release()
        raise _held_by(ws, left, path)
    me = Holder(os.getpid(), _host(), command, time.time())
    try:
        write_atomic(path, msgspec.json.encode(me), durable=False)
    except WorkspaceError:
        os_lock.release()
        raise
    _locks[held] = os_lock
    _depth[held] = 1
    if chain:
        _chained.add(held)
    _remove_leftover_temporaries(ws.path)
    _remove_leftover_temporaries(ws.path / OS_LOCK_FILE.parent)
    return Lock(path, left)


def release(lock: Lock) -> None:
    """Remove the holder file, then let go of the system's lock (unless an outer holder in this
    process still holds it)."""
    held = lock.path.resolve()
    if _depth.get(held, 0) > 1:
        _depth[held] -= 1
        return
    _depth.pop(held, None)
    _chained.discard(held)
    os_lock = _locks.pop(held, None)
    lock.path.unlink(missing_ok=True)
    if os_lock is not None:
        os_lock.release()


def _held_by(ws: Workspace, holder: Holder, path: Path) -> WorkspaceError:
    """The refusal naming the holder. On this computer the system's lock proves it still runs;
    from another computer it may be a leftover, which the user can remove."""
    here = holder.host == _host()
    where = "" if here else f"计算机 {holder.host} 上的"
    then = "" if here else f"；如确认该进程已不在运行，可删除 {path} 后重试"
    return WorkspaceError(
        f"工作区 {ws.path} 正由{where}另一个 report-writer 进程使用"
        f"（进程号 {holder.pid}，命令 {holder.command}，{holder.since_text} 起）。"
        f"请等它结束后再试{then}"
    )


def _read(path: Path) -> Holder | None:
    try:
        raw = msgspec.json.decode(read_bytes(path, limit=64 * 1024))
        return Holder(int(raw["pid"]), str(raw["host"]), str(raw["command"]), float(raw["since"]))
    except (InputError, ValueError, KeyError, TypeError):  # missing, a device, garbled: none
        return None


def _remove_leftover_temporaries(folder: Path) -> None:
    """Delete the temporary files of saves whose process was killed mid-write (write_atomic names
    them `.<file>.<pid>.<random>.tmp`): every save into a workspace happens under its lock, so
    while this process holds it, another process's temporary file there is a leftover."""
    if not folder.is_dir():
        return
    for tmp in folder.glob(".*.tmp"):
        pid = tmp.name.rsplit(".", 3)[-3]
        if pid.isdigit() and int(pid) != os.getpid():
            with suppress(OSError):  # another's file in a shared folder: leave it
                tmp.unlink(missing_ok=True)
