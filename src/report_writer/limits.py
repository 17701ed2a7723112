"""Limits on what the tool reads, so that a hostile or broken file is refused quickly.

A real report.yaml is a few kilobytes, five levels deep, without aliases; a team's phrase file of
10,000 phrases is about 2 MB. The limits leave ample room for both.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations

from typing import Any

from report_writer.errors import InputError

# Any text file the tool reads (report.yaml, phrase files, drafts, published reports to import).
MAX_FILE_BYTES = 5 * 1024 * 1024
# Nesting of mappings and lists in a YAML file.
MAX_YAML_DEPTH = 32
# Size of a YAML document once every alias is expanded: one per mapping or list, plus the length
# of every string. Without aliases this stays below the file size; an alias bomb exceeds it.
MAX_YAML_EXPANDED = 20_000_000


# A published Word or PDF file to import (pictures and fonts included).
MAX_PUBLISHED_BYTES = 100 * 1024 * 1024


def check_file_size(size: int, path: object, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise InputError(
            f"{path} 太大（{size / 1024 / 1024:.1f} MB），本工具只读取不超过"
            f" {limit // 1024 // 1024} MB 的文件。请确认选对了文件"
        )


def check_yaml_structure(data: Any, path: object) -> int:
    """Refuse data nested deeper than MAX_YAML_DEPTH or larger than MAX_YAML_EXPANDED once its
    aliases (`*name`, shared objects after loading) are expanded, else return that expanded
    size. Linear in the distinct objects."""
    sizes: dict[int, tuple[int, int]] = {}  # id of a mapping or list -> (expanded size, height)
    too_deep = InputError(
        f"{path} 嵌套超过 {MAX_YAML_DEPTH} 层，不是本工具能使用的文件。请检查缩进或括号是否有误"
    )

    def measure(node: dict[Any, Any] | list[Any], depth: int) -> tuple[int, int]:
        known = sizes.get(id(node))
        if known is None:
            if depth > MAX_YAML_DEPTH:
                raise too_deep
            size, height = 1, 0
            for child in [*node.keys(), *node.values()] if isinstance(node, dict) else node:
                if isinstance(child, dict | list):
                    child_size, child_height = measure(child, depth + 1)
                    size += child_size
                    height = max(height, child_height + 1)
                else:
                    size += len(child) if isinstance(child, str) else 1
            known = sizes[id(node)] = (size, height)
        if depth + known[1] > MAX_YAML_DEPTH:
            raise too_deep
        if known[0] > MAX_YAML_EXPANDED:
            raise InputError(
                f"{path} 中的别名引用（*名称）展开后过于庞大（超过 {MAX_YAML_EXPANDED:,} 个字符），"
                "疑似恶意构造的文件，已拒绝读取"
            )
        return known

    if isinstance(data, dict | list):
        return measure(data, 1)[0]
    return len(data) if isinstance(data, str) else 1
