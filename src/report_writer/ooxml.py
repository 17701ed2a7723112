"""An Office Open XML package (.docx, .xlsx) read within bounds.

Such a package is a zip archive of XML parts. A hostile one may hold millions of members, a
part that inflates from megabytes to gigabytes, or XML built to exhaust the parser (entity
expansion, deep nesting, a huge text node). Here the archive is measured before anything is
inflated, and every part is parsed by lxml with entities, DTDs, the network and huge trees off;
whatever still goes wrong becomes an InputError that names the file.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.files import check_regular
from report_writer.limits import MAX_PUBLISHED_BYTES

# A published report's package holds a few dozen members and its document part a few megabytes
# at most; pictures are members too but are never inflated here.
MAX_MEMBERS = 5_000
MAX_PART_BYTES = 20 * 1024 * 1024  # inflated size of one XML part that is read
MAX_XML_BYTES = 50 * 1024 * 1024  # inflated size of all XML parts (a library may read them all)
MAX_ELEMENTS = 200_000  # elements of one part; a report's document part has some tens of thousands


def open_package(path: Path, label: str) -> zipfile.ZipFile:
    """The archive at `path`, refused if it is not a regular file (a pipe would block, a device
    never end), is not an archive or holds too many members."""
    check_regular(path, MAX_PUBLISHED_BYTES)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{path} 不是有效的{label}（无法作为压缩包打开：{_reason(exc)}）"
        ) from None
    members = package.infolist()
    problem = None
    if len(members) > MAX_MEMBERS:
        problem = f"内含文件超过 {MAX_MEMBERS:,} 个，不像正常的{label}，疑似恶意构造"
    else:
        xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
        if xml > MAX_XML_BYTES:
            problem = f"其中的 XML 解压后共有 {xml / 1024 / 1024:.0f} MB，疑似压缩炸弹"
    if problem:
        package.close()
        raise InputError(f"{path} {problem}，已拒绝读取")
    return package


def iter_children(package: zipfile.ZipFile, name: str, path: Path, parent: str) -> Iterator[Any]:
    """The children of the element named `parent` (Clark notation) in part `name`, each whole, in
    order. Each is freed once the caller moves on, so memory stays bounded by the largest one."""
    from lxml import etree

    try:
        info = package.getinfo(name)
    except KeyError:
        raise InputError(f"{path} 中缺少 {name}，不是完整的文档") from None
    if info.file_size > MAX_PART_BYTES:
        raise InputError(
            f"{path} 中的 {name} 解压后有 {info.file_size / 1024 / 1024:.0f} MB，超过"
            f" {MAX_PART_BYTES // 1024 // 1024} MB 的上限，疑似压缩炸弹，已拒绝读取"
        )
    try:
        with package.open(info) as stream:
            events = etree.iterparse(
                stream,
                events=("end",),
                resolve_entities=False,
                load_dtd=False,
                no_network=True,
                huge_tree=False,
            )
            for count, (_, element) in enumerate(events):
                if count >= MAX_ELEMENTS:
                    raise InputError(
                        f"{path} 中的 {name} 有超过 {MAX_ELEMENTS:,} 个元素（段落、文字块、单元格等），"
                        "远超一份年度报告，疑似恶意构造，已拒绝读取"
                    )
                container = element.getparent()
                if container is None or container.tag != parent:
                    continue
                if element.getroottree().docinfo.internalDTD is not None:
                    raise InputError(
                        f"{path} 中的 {name} 含有 DTD 声明（正常文档没有），已拒绝读取"
                    )
                yield element
                container.remove(element)  # read: free it
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"{path} 中的 {name} 不是有效的 XML，无法读取（{_xml_reason(exc)}）"
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path} 已损坏，无法解压 {name}（{_reason(exc)}）") from None


def _xml_reason(exc: Exception) -> str:
    """What lxml's (English) message means, in Chinese where it is one of its safety limits."""
    text = str(exc)
    for key, words in (
        ("Excessive depth", "嵌套层数过深"),
        ("huge", "单段文字过长"),
        ("Detected an entity reference loop", "实体引用循环"),
        ("amplification", "实体展开过大"),
        ("entity", "含有实体引用"),
    ):
        if key.lower() in text.lower():
            return words
    return "格式错误"


def _reason(exc: Exception) -> str:
    return "无法读取该文件" if isinstance(exc, OSError) else "压缩数据已损坏"
