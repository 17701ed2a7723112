"""Bounded reading of an Office Open XML package (.docx, .xlsx): a zip of XML parts.

The file must be a regular file no larger than MAX_PACKAGE_BYTES, and its parts together may not
unpack to more than MAX_UNPACKED_BYTES (a few kilobytes of zip can hold gigabytes of `<w:p/>`).
zipfile never yields more than a member's declared size, so checking the declared sizes before
reading bounds what is read. The XML is parsed without entity expansion or network access.

Floor: ground. Imports only errors.py.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path
from typing import Any

from report_writer.errors import InputError

MAX_PACKAGE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def open_package(path: Path, label: str) -> zipfile.ZipFile:
    """The package at `path`, checked: a regular file of bounded size whose parts unpack to a
    bounded size. `label` names the kind of file in messages (「Word 文档」)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} 不是普通文件，无法作为{label}读取")
    if info.st_size > MAX_PACKAGE_BYTES:
        raise InputError(
            f"{path} 太大（{info.st_size / 1024 / 1024:.1f} MB），本工具只读取不超过"
            f" {MAX_PACKAGE_BYTES // 1024 // 1024} MB 的{label}"
        )
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path} 不是有效的{label}（{exc}）") from None
    unpacked = sum(member.file_size for member in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        package.close()
        raise InputError(
            f"{path} 解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，"
            f"不像是正常的{label}，已拒绝读取"
        )
    return package


def read_part(package: zipfile.ZipFile, name: str, path: Path, label: str) -> bytes | None:
    """The bytes of one part, or None when the package has no such part."""
    try:
        return package.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path} 已损坏，无法作为{label}读取（{name}：{exc}）") from None


def parse_part(data: bytes, name: str, path: Path, label: str) -> Any:
    """An XML part as an lxml element: no entities resolved, no network, no huge trees."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path} 已损坏，无法作为{label}读取（{name}：{exc}）") from None
