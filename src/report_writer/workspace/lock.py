"""The workspace lock: one interview or build at a time on a workspace.

The lock is a small file in the workspace naming its holder (process id, host, command, since
when). It is created exclusively, so of two processes starting together exactly one wins. A lock
left behind by a process that no longer exists (killed, machine restarted) is taken over; the
caller gets a notice to show. A lock from another computer (a shared network folder) is never
taken over: whether its process still runs cannot be known from here.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import msgspec
from msgspec import Struct

from report_writer.errors import WorkspaceError
from report_writer.files import os_reason
from report_writer.workspace import Workspace

LOCK_FILE = ".report-writer.lock"
# A lock file that is empty or unreadable and older than this is a leftover of a crash between
# creating and writing it; younger, it is a holder that is still writing it.
UNREADABLE_GRACE_SECONDS = 10.0

_held: set[Path] = set()  # lock files this process holds, as absolute paths


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
        return (
            f"注意：工作区曾被进程 {old.pid}（{old.command}，{old.since_text} 起）锁定，"
            "该进程已不存在（可能异常退出），已接管该锁"
        )


@contextmanager
def locked(ws: Workspace, command: str) -> Iterator[Lock]:
    """Hold the workspace lock while the block runs; raise WorkspaceError if another holds it."""
    lock = acquire(ws, command)
    try:
        yield lock
    finally:
        release(lock)


def acquire(ws: Workspace, command: str) -> Lock:
    path = ws.path / LOCK_FILE
    me = Holder(os.getpid(), _host(), command, time.time())
    taken_over: Holder | None = None
    for _ in range(5):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _read(path)
            if holder is not None and not _stale(holder, path):
                raise _held_by(ws, holder, path) from None
            if holder is None and time.time() - _mtime(path) < UNREADABLE_GRACE_SECONDS:
                raise WorkspaceError(
                    f"工作区 {ws.path} 正由另一个 report-writer 进程使用。请等它结束后再试"
                ) from None
            if _remove_stale(path, holder):
                taken_over = holder
            continue
        except OSError as exc:
            raise WorkspaceError(f"无法在 {ws.path} 中建立工作区锁：{os_reason(exc)}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(msgspec.json.encode(me).decode())
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise WorkspaceError(f"无法在 {ws.path} 中建立工作区锁：{os_reason(exc)}") from None
        _held.add(path.resolve())
        _remove_leftover_temporaries(ws.path)
        return Lock(path, taken_over)
    raise WorkspaceError(f"工作区 {ws.path} 的锁正被多个进程争用，请稍后再试")


def release(lock: Lock) -> None:
    """Remove the lock file if it is still ours (it always is, unless someone deleted it)."""
    _held.discard(lock.path.resolve())
    holder = _read(lock.path)
    if holder is not None and holder.pid == os.getpid() and holder.host == _host():
        lock.path.unlink(missing_ok=True)


def _held_by(ws: Workspace, holder: Holder, path: Path) -> WorkspaceError:
    where = "" if holder.host == _host() else f"计算机 {holder.host} 上的"
    return WorkspaceError(
        f"工作区 {ws.path} 正由{where}另一个 report-writer 进程使用"
        f"（进程号 {holder.pid}，命令 {holder.command}，{holder.since_text} 起）。"
        f"请等它结束后再试；如确认该进程已不在运行，可删除 {path} 后重试"
    )


def _read(path: Path) -> Holder | None:
    try:
        raw = msgspec.json.decode(path.read_bytes())
        return Holder(int(raw["pid"]), str(raw["host"]), str(raw["command"]), float(raw["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _stale(holder: Holder, path: Path) -> bool:
    if holder.host != _host():
        return False
    if holder.pid == os.getpid():  # ours, or an earlier process's (e.g. a restarted container)
        return path.resolve() not in _held
    return not _alive(holder.pid)


def _remove_stale(path: Path, holder: Holder | None) -> bool:
    """Move the stale lock aside and delete it; False if another process got there first.

    Renaming is atomic, so of several processes taking over together only one moves the file. If
    what was moved is no longer the stale lock (a live process replaced it meanwhile), it is put
    back."""
    aside = path.with_name(f"{path.name}.{os.getpid()}.stale")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return False
    if _read(aside) != holder:
        with suppress(OSError):
            os.link(aside, path)
        aside.unlink(missing_ok=True)
        return False
    aside.unlink(missing_ok=True)
    return True


def _remove_leftover_temporaries(folder: Path) -> None:
    """Delete the temporary files of saves whose process was killed mid-write: write_atomic names
    them `.<file>.<pid>.<random>.tmp`."""
    for tmp in folder.glob(".*.tmp"):
        pid = tmp.name.rsplit(".", 3)[-3]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it runs, as another user
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
