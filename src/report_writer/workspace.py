"""A workspace: one folder per agency and year, holding report.yaml and the drafts.

Reading uses PyYAML's C loader (fast, safe); saving report.yaml goes through ruamel.yaml's
round-trip mode so that a reviewer's comments and key order survive. Every write is atomic.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from report_writer import parsecache
from report_writer.commandline import command
from report_writer.errors import InputError, WorkspaceError
from report_writer.limits import check_file_size, check_yaml_structure
from report_writer.model import Report, ReportProblems, parse_report

if TYPE_CHECKING:
    import yaml

REPORT_FILE = "report.yaml"


class Workspace(Struct, frozen=True):
    path: Path

    @property
    def report_path(self) -> Path:
        return self.path / REPORT_FILE


def open_workspace(path: str | Path) -> Workspace:
    ws = Workspace(Path(path))
    if not ws.path.exists():
        raise WorkspaceError(
            f"找不到工作区“{path}”。新建请运行：{command('init', path)} --agency 机关全称 --year 年度"
        )
    if not ws.report_path.is_file():
        raise WorkspaceError(
            f"“{path}”不是工作区：其中没有 {REPORT_FILE}。新建请运行：{command('init', path)}"
        )
    return ws


def read_text(path: Path) -> str:
    """The text of a UTF-8 file. Too large, binary, UTF-16 or GBK files are refused with a message
    that says what to do (GBK is never guessed silently: saving would change the file's encoding)."""
    try:
        with path.open("rb") as handle:
            check_file_size(os.fstat(handle.fileno()).st_size, path)
            raw = handle.read()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{os_reason(exc)}") from None
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
    reasons = {
        errno.EACCES: "没有权限",
        errno.EPERM: "没有权限",
        errno.ENOENT: "文件或文件夹不存在",
        errno.ENOTDIR: "路径中有一部分不是文件夹",
        errno.EISDIR: "这是一个文件夹",
        errno.ENOSPC: "磁盘空间已满",
        errno.EROFS: "所在磁盘是只读的",
        errno.ENAMETOOLONG: "文件名太长",
    }
    return reasons.get(exc.errno or 0) or exc.strerror or str(exc)


def parse_yaml(text: str, path: Path) -> Any:
    """Safe-load YAML; refuse what the limits in `limits.py` forbid (deep nesting, alias bombs)."""
    return _parse_yaml(text, path)[0]


def _parse_yaml(text: str, path: Path) -> tuple[Any, int]:
    """The data and its size once aliases are expanded (see limits.check_yaml_structure)."""
    import yaml

    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise InputError(f"{path} {_yaml_problem(exc)}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(
            f"{path} 第{line}行含有不可见的控制字符（#x{char:04X}），请删除后重试"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} 有 YAML 语法错误：{exc}") from None
    except ValueError as exc:  # e.g. a 5,000-digit number or the date 2023-02-30
        raise InputError(f"{path} 有无法识别的数值或日期：{exc}") from None
    return data, check_yaml_structure(data, path)


# What the YAML parser's (English) problem means, for an officer: (context or problem, words).
_YAML_PROBLEMS = (
    ("quoted scalar", "引号没有闭合"),
    ("flow mapping", "花括号 { } 没有闭合，或其中的项之间缺少逗号"),
    ("flow sequence", "方括号 [ ] 没有闭合，或其中的项之间缺少逗号"),
    (
        "mapping values are not allowed",
        "缩进或冒号有误：同一级的键要左对齐，键后要有冒号，值中含冒号时请加引号（也请看看上一行）",
    ),
    ("could not find expected ':'", "缺少冒号：键和值之间要有“: ”"),
    ("expected key", "缩进不一致：同一级的键要左对齐"),
    ("block end", "缩进不一致：同一级的键要左对齐"),
    ("cannot start any token", "含有不能出现在这里的字符（例如制表符 Tab，请改用空格）"),
    ("undefined alias", "引用了未定义的别名（*名称）"),
    ("end of stream", "文件在内容完整之前就结束了"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """「第2行第9列有 YAML 语法错误：引号没有闭合（…）」: where it starts, what it means."""
    context, problem = exc.context or "", exc.problem or ""
    words = next(
        (w for key, w in _YAML_PROBLEMS if key in context or key in problem),
        "格式有误",
    )
    # An unclosed quote or bracket is found only at the end; where it was opened helps more.
    opened = context.startswith(("while scanning a quoted", "while parsing a flow"))
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
    original = "; ".join(x for x in (context, problem) if x)
    return f"{where}有 YAML 语法错误：{words}（{original}）"


def line_of(text: str, path: str) -> int | None:
    """1-based line of the key path `a.b[0].c` in YAML text, or of its nearest existing parent."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    parts: list[str | int] = []
    for piece in path.replace("]", "").split("."):
        name, *indexes = piece.split("[")
        parts.append(name)
        parts.extend(int(i) for i in indexes)
    line = None
    for part in parts:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = [(k, v) for k, v in node.value if k.value == part]
            if not found:
                break
            line = found[0][0].start_mark.line + 1
            node = found[0][1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_report(ws: Workspace, keep_parsed: bool = True) -> Report:
    """The workspace's report. Its parsed report.yaml is kept per content (see parsecache.py;
    `keep_parsed` False only reads that cache), so that a build after a check, or after edits to
    draft.md only, does not even load the YAML parser."""
    text = read_text(ws.report_path)
    data = parsecache.parsed(
        "report", text, lambda t: _parse_yaml(t, ws.report_path), store=keep_parsed
    )
    try:
        return parse_report(data)
    except ReportProblems as exc:
        details = []
        for path, message in exc.problems:
            line = line_of(text, path)
            where = f"第{line}行 " if line else ""
            details.append(f"{where}{path}：{message}")
        raise InputError(
            f"{ws.report_path} 有{len(exc.problems)}处问题，请修改后重试：", details=details
        ) from None


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


def roundtrip_yaml() -> Any:
    """A ruamel.yaml loader/dumper that keeps comments, key order and quotes of report.yaml."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


@contextmanager
def edit_report(ws: Workspace) -> Iterator[Any]:
    """Yield report.yaml as a ruamel round-trip mapping; save it atomically afterwards.

    Comments, key order and blank lines of a hand-edited file survive. The result must still be a
    valid report, else nothing is written.
    """
    import io

    rt = roundtrip_yaml()
    text = read_text(ws.report_path)
    parse_yaml(text, ws.report_path)  # a syntax error is reported with its line, as on load
    doc = rt.load(text)
    yield doc
    buffer = io.StringIO()
    rt.dump(doc, buffer)
    new_text = buffer.getvalue()
    parse_report(parse_yaml(new_text, ws.report_path))
    write_atomic(ws.report_path, new_text)


def create_workspace(path: str | Path, text: str) -> Workspace:
    ws = Workspace(Path(path))
    if ws.report_path.exists():
        raise WorkspaceError(f"“{path}”已是工作区（已有 {REPORT_FILE}），未做改动")
    if ws.path.exists() and not ws.path.is_dir():
        raise WorkspaceError(f"无法新建工作区：“{path}”是一个文件")
    try:
        ws.path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"无法新建文件夹 {path}：{os_reason(exc)}") from None
    write_atomic(ws.report_path, text)
    return ws


def init_workspace(path: str | Path, agency: str, year: int, level: str) -> Workspace:
    """A new workspace whose report.yaml lists every table cell as 0, commented."""
    from report_writer.formats.spec import format_for_year
    from report_writer.model import Meta
    from report_writer.skeleton import report_yaml

    fmt = format_for_year(year)
    meta = Meta(agency=agency, year=year, level=level, format=fmt.id)
    text = report_yaml(meta, fmt)
    parse_report(parse_yaml(text, Path(path) / REPORT_FILE))  # what we write must load
    return create_workspace(path, text)
