"""Ground floor: reading and writing files. Atomic writes, decoding text files, making folders.

Holds: `read_text` (UTF-8 only, with a message for UTF-16/GBK/binary), `decode_published` (the
lenient decoding of a published page: UTF-8, UTF-16 or GBK), `write_atomic`, `make_dir`, and
`os_reason` (an OSError's cause in Chinese), `backup_path` (a free, time-stamped name). Imports only errors.py and limits.py; never anything
above the ground floor.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from contextlib import suppress
from pathlib import Path
from typing import NamedTuple

from report_writer.errors import InputError, WorkspaceError
from report_writer.limits import MAX_FILE_BYTES, check_file_size


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, refused before reading when it is too large, and never more
    than `limit` of them (a file that grows while it is read is refused too). A device, a pipe
    or a folder is refused without reading (and without waiting for a pipe's writer)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(_not_regular(path, info.st_mode))
    with os.fdopen(fd, "rb") as handle:
        check_file_size(info.st_size, path, limit)
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
    check_file_size(len(raw), path, limit)
    return raw


# Opening a pipe for reading waits for a writer unless it is opened without blocking; reading a
# regular file is the same either way.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def check_regular(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse `path` unless it is a regular file (a symbolic link to one is fine) of at most
    `limit` bytes: for files a library opens itself (a .docx, a PDF)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(_not_regular(path, info.st_mode))
    check_file_size(info.st_size, path, limit)


def _not_regular(path: Path, mode: int) -> str:
    if stat.S_ISDIR(mode):
        return f"无法读取 {path}：这是一个文件夹，不是文件"
    kind = (
        "管道（FIFO）"
        if stat.S_ISFIFO(mode)
        else "设备文件"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "套接字"
        if stat.S_ISSOCK(mode)
        else "特殊文件"
    )
    return f"{path} 不是普通文件（而是{kind}），不能读取。请确认选对了文件"


def read_text(path: Path) -> str:
    """The text of a UTF-8 file. Too large, binary, UTF-16 or GBK files are refused with a message
    that says what to do (GBK is never guessed silently: saving would change the file's encoding)."""
    return _utf8(read_bytes(path), path)


class TextForm(NamedTuple):
    """How a text file is written, beyond its text: a byte order mark, Windows line ends."""

    bom: bool = False
    crlf: bool = False


def read_text_form(path: Path) -> tuple[str, TextForm]:
    """`read_text` with Unix line ends, and the form to write it back in (`write_text_form`)."""
    raw = read_bytes(path)
    form = TextForm(raw.startswith(codecs.BOM_UTF8), b"\r\n" in raw)
    return _utf8(raw, path).replace("\r\n", "\n"), form


def write_text_form(path: Path, text: str, form: TextForm) -> None:
    """Write `text` atomically in `form`: every line end alike, the byte order mark kept."""
    text = text.replace("\r\n", "\n")
    if form.crlf:
        text = text.replace("\n", "\r\n")
    write_atomic(path, ("\ufeff" if form.bom else "") + text)


def _utf8(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path} 是 UTF-16（Unicode）编码，本工具只读取 UTF-8 编码的文件。"
            "请用记事本打开，“另存为”时把编码选为 UTF-8 后重试"
        )
    if b"\x00" in raw:
        raise InputError(f"{path} 不是文本文件（含有二进制内容），请确认选对了文件")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if _looks_like_gbk(raw):
            raise InputError(
                f"{path} 是 GBK（GB18030）编码，本工具只读取 UTF-8 编码的文件。"
                "请用记事本打开，“另存为”时把编码选为 UTF-8 后重试"
            ) from None
        raise InputError(
            f"{path} 不是 UTF-8 编码（第{line}行附近）。请用记事本等编辑器“另存为”UTF-8 编码后重试"
        ) from None


def _looks_like_gbk(raw: bytes) -> bool:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def os_reason(exc: OSError) -> str:
    """The reason of a failed file operation, in Chinese where the cause is a common one."""
    return _REASONS.get(exc.errno or 0) or f"操作系统报告错误（错误码 {exc.errno}）"


# The system's own wording is English; a Chinese message carries these words instead.
_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名的文件，或是一个指向不存在位置的链接",
    errno.ELOOP: "符号链接套得太深或互相指向",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EFBIG: "文件太大",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EXDEV: "不能跨磁盘移动",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "打开的文件太多",
    errno.ENFILE: "打开的文件太多",
    errno.EINVAL: "文件名或参数无效",
    errno.ENXIO: "设备不存在或未就绪",
    errno.EAGAIN: "资源暂时不可用",
}


def decode_published(path: Path) -> str:
    """A published page as text: UTF-8, UTF-16 with its mark, or GBK (saved by older tools).
    Unlike `read_text`, GBK is accepted: an imported page is read, never saved back."""
    raw = read_bytes(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw:
        raise InputError(f"{path} 不是文本文件（含有二进制内容），请确认选对了文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path} 既不是 UTF-8 也不是 GBK 编码的文本，无法导入")


def make_dir(path: Path, what: str = "文件夹") -> None:
    """Create the folder `path` (and its parents), or raise a WorkspaceError naming it."""
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"无法新建{what} {path}：这是一个文件")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"无法新建{what} {path}：{os_reason(exc)}") from None


def write_atomic(
    path: Path, data: str | bytes, durable: bool = True, mode: int | None = None
) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`.

    A reader, or a crash at any moment, sees the old file or the new one, never a mixture. The new
    file keeps the old one's permissions (a new file gets the usual ones, as the umask allows).
    Without `durable` (for files that may be lost, such as cache entries) nothing is fsynced:
    other processes still never see a partial file, but a power cut may leave an empty one.
    `mode` gives the file exactly these permissions instead.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise WorkspaceError(f"无法写入 {path}：这是一个文件夹")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags, 0o666 if mode is None else mode)
    except OSError as exc:
        raise WorkspaceError(f"无法写入 {path}：{os_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)  # whatever the umask allowed
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException as exc:  # Ctrl-C included: leave no temporary file behind
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WorkspaceError(f"无法写入 {path}：{os_reason(exc)}") from None
        raise
    if durable and os.name == "posix":  # make the rename itself durable
        with suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def backup_path(folder: Path, head: str, suffix: str, tail: str = "") -> Path:
    """A name not yet taken in `folder` for a copy kept now: `head-<time>tail` + `suffix`, with
    -2, -3 … before the suffix when two copies are kept within the same second."""
    from datetime import datetime

    stem = f"{head}-{datetime.now().strftime('%Y%m%d-%H%M%S')}{tail}"
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path
