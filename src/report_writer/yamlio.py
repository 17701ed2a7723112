"""Ground floor: every YAML read and write of the tool, in one place.

Holds: `parse_yaml` (PyYAML's C safe loader, with the limits of limits.py and messages naming the
line and what the problem means), `parse_data` (our own shipped files, trusted), `line_of` (the
line of a key path), `dump_yaml` (plain data as the tool writes it), and `roundtrip_yaml` with
`dump_roundtrip` (ruamel.yaml's round-trip mode, which keeps a reviewer's comments and key order).
`parse_strings` reads a phrase file: strings only, aliases shared, errors naming the line.
Imports only errors.py and limits.py.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_writer.errors import InputError
from report_writer.limits import check_yaml_structure

if TYPE_CHECKING:
    import yaml


def parse_yaml(text: str, path: Path) -> Any:
    """Safe-load YAML; refuse what the limits in `limits.py` forbid (deep nesting, alias bombs)."""
    return parse_yaml_sized(text, path)[0]


def parse_yaml_sized(text: str, path: Path) -> tuple[Any, int]:
    """The data and its size once aliases are expanded (see limits.check_yaml_structure)."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except DuplicateKey as exc:
        raise InputError(
            f"{path} 第{exc.line}行：键“{exc.key}”重复出现（第{exc.first}行已有）。"
            "同一层中的键不能重复，否则只有一个会生效：请删去或合并其中一个"
        ) from None
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
        if "integer string conversion" in str(exc):  # Python's own limit, told in English
            raise InputError(
                f"{path} 有无法识别的数值：位数超过 {sys.get_int_max_str_digits()} 位，请改正后重试"
            ) from None
        raise InputError(f"{path} 有无法识别的数值或日期：{exc}") from None
    return data, check_yaml_structure(data, path)


class DuplicateKey(Exception):
    """A key written twice in one mapping (1-based lines of both)."""

    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


@cache
def _loader() -> type:
    """PyYAML's C safe loader, refusing a key written twice in one mapping: YAML forbids it and
    PyYAML would silently keep the last one."""
    import yaml

    class Loader(yaml.CSafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise DuplicateKey(str(key), line, seen[key])
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return Loader


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
    for piece in path.split("."):
        # `name[0][1]`; a key that itself holds a bracket (`applic[ations`) stays one name
        split = re.fullmatch(r"(.*?)((?:\[\d+\])*)", piece, re.S)
        assert split is not None  # the pattern matches every string
        parts.append(split.group(1))
        parts.extend(int(i) for i in re.findall(r"\d+", split.group(2)))
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


def dump_yaml(data: Any) -> str:
    """Plain data as YAML text, as the tool writes its own files: keys in the given order, Chinese
    as it is, long lines unbroken, text of several lines as a literal block (`|`)."""
    import yaml

    class Literal(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Literal.add_representer(str, text)
    return yaml.dump(data, Dumper=Literal, allow_unicode=True, sort_keys=False, width=4096)


def parse_data(text: str, path: Path) -> Any:
    """A YAML data file shipped with the package (ours: trusted, no aliases, no limits)."""
    import yaml

    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(f"{path} 有 YAML 语法错误：{exc}") from None


def roundtrip_yaml() -> Any:
    """A ruamel.yaml loader/dumper that keeps comments, key order and quotes of report.yaml."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def dump_roundtrip(doc: Any) -> str:
    """The text of a round-trip document, as `roundtrip_yaml` writes it."""
    import io

    buffer = io.StringIO()
    roundtrip_yaml().dump(doc, buffer)
    return buffer.getvalue()


def parse_strings(text: str, path: Path, max_depth: int) -> tuple[Any, int]:
    """A phrase file as plain data (mappings, lists and strings only: no type guessing; `draft`
    is read by the phrasebank) and its size once aliases are expanded (strings count their
    length); nesting deeper than `max_depth` is refused.

    libyaml parses it (nesting is capped there); an alias (`*name`) gives the very object its
    anchor built, never a copy, so a small file cannot become a large one in memory. About twice
    as fast as yaml.load with CSafeLoader; InputError (with the line) on a syntax error, and,
    as for report.yaml, on data that aliases would expand beyond the limits of limits.py.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.CBaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else ""
        raise InputError(f"{where}有 YAML 语法错误：{exc.problem or '格式错误'}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"有 YAML 语法错误：{exc}") from None
    built: dict[int, tuple[Any, int]] = {}

    def build(node: yaml.Node, depth: int) -> tuple[Any, int]:
        if id(node) in built:
            return built[id(node)]
        if depth > max_depth:
            raise InputError(f"第{node.start_mark.line + 1}行：嵌套超过{max_depth}层")
        if isinstance(node, yaml.ScalarNode):
            done: tuple[Any, int] = (node.value, len(node.value))
        elif isinstance(node, yaml.SequenceNode):
            items = [build(n, depth + 1) for n in node.value]
            done = ([x for x, _ in items], 1 + sum(n for _, n in items))
        else:
            mapping: dict[str, Any] = {}
            lines: dict[str, int] = {}
            size = 1
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode):
                    raise InputError(f"第{line}行：键应为文字")
                if key.value in lines:  # PyYAML would keep the last one silently
                    raise InputError(
                        f"第{line}行：键“{key.value}”重复出现（第{lines[key.value]}行已有），"
                        "请删去或合并其中一个"
                    )
                lines[key.value] = line
                mapping[key.value], n = build(value, depth + 1)
                size += n + len(key.value)
            done = (mapping, size)
        built[id(node)] = done
        return done

    if root is None:
        return None, 0
    data, size = build(root, 1)
    check_yaml_structure(data, path.name)  # the issue names the file's full path already
    return data, size
