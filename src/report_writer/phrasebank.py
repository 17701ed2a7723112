"""The phrasebank: layered folders of phrase files, their lint, and rendering one phrase safely.

A phrase is a jinja template over the answers and tables. Layers: the built-in folder, then each
team folder in order; a later layer adds phrases and may override an id. Text from a team folder
is untrusted: before it is compiled its syntax tree is checked against a short list of what a
phrase may contain (no include/import/macros/calls, no `_` attributes, a bounded loop depth),
then it runs in jinja's immutable sandbox with StrictUndefined and a bounded output size.

This module knows slots only as names; which slot goes where is narrative.py's business.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import Struct, field

from report_writer import chinese, parsecache
from report_writer.errors import InputError, ReportWriterError
from report_writer.layers import layer_folders, layer_label, team_folders
from report_writer.limits import check_yaml_structure

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.environment import Template
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from report_writer.model import Report

PHRASE_KEYS = ("id", "slot", "text", "when", "tags", "note", "draft")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")

# Limits on untrusted phrase text (a phrase that breaks one fails lint and is never rendered).
MAX_TEMPLATE_CHARS = 2_000  # length of a phrase's template source (`text` or `when`)
MAX_OUTPUT_CHARS = 2_000  # length of one rendered phrase
MAX_LOOP_DEPTH = 2  # nesting of {% for %}; loops may only run over list answers
MAX_FILE_DEPTH = 6  # nesting in a phrase file: phrases → phrase → tags → tag
# Phrase files longer than this (the built-in ones too) are cached parsed.
CACHE_MIN_CHARS = 2 * 1024
MAX_REPEAT = 2_000  # `*` on a string or list may make it at most this long

# What a phrase template may contain: anything else (Call, Include, Import, Extends, Macro,
# Assign, Block, With, Pow, ...) is refused by lint and at render time.
ALLOWED_NODES = frozenset(
    {
        "Template",
        "Output",
        "TemplateData",
        "Name",
        "Getattr",
        "Getitem",
        "Slice",
        "Const",
        "List",
        "Tuple",
        "If",
        "CondExpr",
        "For",
        "Filter",
        "Test",
        "Keyword",
        "Compare",
        "Operand",
        "And",
        "Or",
        "Not",
        "Neg",
        "Pos",
        "Add",
        "Sub",
        "Mul",
        "Div",
        "FloorDiv",
        "Mod",
        "Concat",
    }
)
# jinja's own filters a phrase may use, besides the Chinese helpers of chinese.FILTERS.
SAFE_JINJA_FILTERS = (
    "abs",
    "default",
    "first",
    "int",
    "join",
    "last",
    "length",
    "list",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "round",
    "select",
    "selectattr",
    "sort",
    "sum",
    "unique",
)
_FILTER_NAMES = frozenset([*SAFE_JINJA_FILTERS, *chinese.FILTERS])
# Punctuation that must be full-width in phrase text (all of it is Chinese): half-width
# , ; : ? ! ( ) " and a . that is not inside a number or a name (3.5, www.gov.cn). Patterns
# only lint uses stay strings, compiled on first use by re's own cache.
_HALF_WIDTH = r'[,;:?!()"]|(?<![0-9A-Za-z])\.|\.(?![0-9A-Za-z])'
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PAIR_CHARS = "[“”‘’（）《》【】「」〔〕]"
_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」", "〔": "〕"}


class Phrase(Struct, frozen=True):
    id: str
    slot: str
    text: str
    file: Path
    layer: str
    when: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    draft: bool = False  # written by a harvest: loaded and listed, never selected

    @property
    def where(self) -> str:
        return f"表述 {self.id}（{self.file}）"

    @property
    def line(self) -> str:
        """One line for a listing: id, slot, layer, the start of the text."""
        draft = "（草稿）" if self.draft else ""
        preview = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return f"{self.id}  [{self.slot}]  {layer_label(self.layer)}{draft}  {preview}"


class Issue(Struct, frozen=True):
    """A lint finding: the file, the phrase id when known, the problem in Chinese."""

    file: Path
    phrase_id: str | None
    message: str

    def __str__(self) -> str:
        who = f"{self.phrase_id}：" if self.phrase_id else ""
        return f"{self.file}：{who}{self.message}"


class Layer(Struct):
    name: str  # BUILTIN, or the team folder as given
    path: Path
    phrases: list[Phrase] = field(default_factory=list)
    entries: int = 0  # entries in its files, broken and duplicate ones included (for lint)


class Phrasebank:
    """The layers as read, and the phrase in force for each id (a later layer overrides an
    earlier one in place; a new id is appended)."""

    def __init__(self, layers: list[Layer], issues: list[Issue] | None = None) -> None:
        self.layers = layers
        self.issues = issues or []  # problems found while reading the files
        self.phrases: dict[str, Phrase] = {}
        for layer in layers:
            for p in layer.phrases:
                self.phrases[p.id] = p
        self._by_slot: dict[str, list[Phrase]] = {}
        for p in self.phrases.values():
            self._by_slot.setdefault(p.slot, []).append(p)

    def get(self, phrase_id: str) -> Phrase | None:
        return self.phrases.get(phrase_id)

    def for_slot(self, slot: str) -> list[Phrase]:
        """The phrases in force for `slot`, drafts included, in layer and file order."""
        return self._by_slot.get(slot, [])

    def find(
        self, slot: str | None = None, tag: str | None = None, words: Sequence[str] = ()
    ) -> list[Phrase]:
        """Phrases in force filtered by slot, tag, and words all found in id, text, tags or note."""
        found = []
        for p in self.phrases.values():
            if slot and p.slot != slot:
                continue
            if tag and tag not in p.tags:
                continue
            hay = " ".join([p.id, p.slot, p.text, *p.tags, p.note or ""]).lower()
            if all(w.lower() in hay for w in words):
                found.append(p)
        return found


# ---------------------------------------------------------------------------------------------
# Loading


def load_phrasebank(extra_dirs: Sequence[Path] = ()) -> Phrasebank:
    """The built-in phrasebank with each team folder layered over it, in order.

    Raises InputError listing every problem (file and id) when a file cannot be used: YAML
    syntax, a phrase without id/slot/text, an id used twice in one layer.
    """
    bank = read_phrasebank(layer_folders(extra_dirs))
    if bank.issues:
        raise InputError(
            f"表述库有{len(bank.issues)}处问题，请修改后重试（可运行 report-writer phrasebank lint 查看）：",
            details=[str(i) for i in bank.issues],
        )
    return bank


def phrasebank_for(
    report: Report, workspace_path: Path, extra_dirs: Sequence[Path] = ()
) -> Phrasebank:
    """The layers for one report: built-in, the `--phrasebank` folders, then report.yaml's own
    `phrasebanks:` (paths relative to the workspace folder)."""
    return load_phrasebank(team_folders(report, workspace_path, extra_dirs))


def read_phrasebank(layers: Sequence[tuple[str, Path]]) -> Phrasebank:
    """Read the layers (name, folder), collecting problems instead of raising on them."""
    bank_layers: list[Layer] = []
    issues: list[Issue] = []
    below: dict[str, Phrase] = {}  # the phrase in force for each id in the layers read so far
    for name, folder in layers:
        layer = Layer(name, folder)
        if not folder.is_dir():
            raise InputError(f"找不到表述库文件夹“{folder}”")
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.yaml")):
            for phrase in _read_file(path, layer, issues):
                if phrase.id in seen:
                    issues.append(
                        Issue(path, phrase.id, f"编号与同一表述库中 {seen[phrase.id]} 的表述重复")
                    )
                    continue
                seen[phrase.id] = path
                overridden = below.get(phrase.id)
                if overridden is not None and overridden.slot != phrase.slot:
                    issues.append(Issue(path, phrase.id, _moved(overridden, phrase.slot)))
                    continue
                layer.phrases.append(phrase)
        below.update((p.id, p) for p in layer.phrases)
        bank_layers.append(layer)
    return Phrasebank(bank_layers, issues)


def _moved(overridden: Phrase, slot: str) -> str:
    return (
        f"与{overridden.where}编号相同（即替代它），但段落不同"
        f"（原为 {overridden.slot}，此处为 {slot}）：替代时段落须相同，新增表述请换一个编号"
    )


def _read_file(path: Path, layer: Layer, issues: list[Issue]) -> Iterator[Phrase]:
    try:
        data = _parsed(path)
    except InputError as exc:
        issues.append(Issue(path, None, exc.message))
        return
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("phrases"), list):
        issues.append(Issue(path, None, "应为键值映射，顶层键 phrases 下是表述的列表"))
        return
    for key in data:
        if key != "phrases":
            issues.append(Issue(path, None, f"未知的顶层键“{key}”（只应有 phrases）"))
    layer.entries += len(data["phrases"])
    for index, raw in enumerate(data["phrases"]):
        phrase = _phrase(raw, path, layer.name, index, issues)
        if phrase is not None:
            yield phrase


def load_yaml(text: str, path: Path) -> tuple[Any, int]:
    """A phrase file as plain data (mappings, lists and strings only: no type guessing; `draft`
    is read by _phrase) and its size once aliases are expanded (strings count their length).

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
        if depth > MAX_FILE_DEPTH:
            raise InputError(f"第{node.start_mark.line + 1}行：嵌套超过{MAX_FILE_DEPTH}层")
        if isinstance(node, yaml.ScalarNode):
            done: tuple[Any, int] = (node.value, len(node.value))
        elif isinstance(node, yaml.SequenceNode):
            items = [build(n, depth + 1) for n in node.value]
            done = ([x for x, _ in items], 1 + sum(n for _, n in items))
        else:
            mapping: dict[str, Any] = {}
            size = 1
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise InputError(f"第{key.start_mark.line + 1}行：键应为文字")
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


def _parsed(path: Path) -> Any:
    """The data of a phrase file; a large one is parsed once per content (see parsecache.py), so that
    a team's 10,000 phrases load in a few ms."""
    from report_writer.workspace import read_text

    text = read_text(path)
    if len(text) < CACHE_MIN_CHARS:
        return load_yaml(text, path)[0]
    return parsecache.parsed("phrases", text, lambda t: load_yaml(t, path))


def _phrase(raw: Any, path: Path, layer: str, index: int, issues: list[Issue]) -> Phrase | None:
    where = f"第{index + 1}条表述"
    if not isinstance(raw, dict):
        issues.append(Issue(path, None, f"{where}应为键值映射（id、slot、text 等）"))
        return None
    pid = raw.get("id")
    if not isinstance(pid, str) or not ID_PATTERN.match(pid):
        issues.append(
            Issue(path, None, f"{where}的编号 id“{pid}”无效：应为字母、数字、点、短横线或下划线")
        )
        return None
    ok = True
    for key in raw:
        if key not in PHRASE_KEYS:
            issues.append(Issue(path, pid, f"未知的键“{key}”（可用：{'、'.join(PHRASE_KEYS)}）"))
            ok = False
    for key in ("slot", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            issues.append(Issue(path, pid, f"缺少 {key} 或其值不是文字"))
            ok = False
    for key in ("when", "note"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            issues.append(Issue(path, pid, f"{key} 应为文字"))
            ok = False
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        issues.append(Issue(path, pid, "tags 应为文字的列表"))
        ok = False
    draft = raw.get("draft", False)
    if isinstance(draft, str) and draft.lower() in ("true", "false"):
        draft = draft.lower() == "true"
    if not isinstance(draft, bool):
        issues.append(Issue(path, pid, "draft 应为 true 或 false"))
        ok = False
    if not ok:
        return None
    return Phrase(
        id=pid,
        slot=raw["slot"].strip(),
        text=raw["text"].strip(),
        file=path,
        layer=layer,
        when=raw["when"].strip() if raw.get("when") else None,
        tags=tuple(tags),
        note=raw.get("note"),
        draft=draft,
    )


# ---------------------------------------------------------------------------------------------
# Templates: the sandbox, the syntax-tree check, the variables a template names


class _Recorder:
    """The answer keys and cells read while rendering (paths like tables.applications.new.total)."""

    def __init__(self) -> None:
        self.paths: list[str] = []


class Node(dict[str, Any]):
    """A mapping of the template context that records each key read through it."""

    def __init__(self, data: Mapping[str, Any], path: str, recorder: _Recorder) -> None:
        super().__init__(data)
        self.path = path
        self.recorder = recorder

    def read(self, key: str) -> Any:
        value = self[key]
        self.recorder.paths.append(f"{self.path}.{key}" if self.path else key)
        return value


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The one jinja environment phrases render in (immutable sandbox, StrictUndefined)."""
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.runtime import LoopContext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class PhraseEnvironment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "%", "**"})

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "**":
                raise SecurityError("不允许乘方运算")
            if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
                if op == "%":
                    raise SecurityError("不允许用 % 格式化文字")
                seq, times = (
                    (left, right) if isinstance(left, str | list | tuple) else (right, left)
                )
                if not isinstance(times, int) or len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"重复后的文字或列表不能超过{MAX_REPEAT}项")
            return {"*": operator.mul, "%": operator.mod}[op](left, right)

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, Node):
                return (
                    obj.read(attribute)
                    if attribute in obj
                    else self.undefined(obj=obj, name=attribute)
                )
            if isinstance(obj, dict):
                return (
                    obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
                )
            if isinstance(obj, LoopContext) and not attribute.startswith("_"):
                return super().getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if isinstance(obj, dict) and isinstance(argument, str):
                return self.getattr(obj, argument)
            if isinstance(obj, list | tuple | str) and isinstance(argument, int | slice):
                return super().getitem(obj, argument)
            return self.undefined(obj=obj, name=str(argument))

    env = PhraseEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    safe = {name: env.filters[name] for name in SAFE_JINJA_FILTERS}
    env.filters.clear()
    env.filters.update(safe)
    env.filters.update(chinese.FILTERS)
    env.globals.clear()
    return env


class Analysis(Struct, frozen=True):
    """What lint and selection need to know about one template, found from its syntax tree."""

    paths: tuple[str, ...]  # context paths it reads, e.g. ("platforms.channels", "meta.we")
    loops: tuple[str, ...]  # paths it loops over
    attributes: tuple[tuple[str, str], ...]  # (loop path, attribute) read from loop items
    problems: tuple[str, ...]  # syntax errors and forbidden constructs, in Chinese


# (source, is a `when` expression) -> its analysis, for this process; see remember_analyses.
_ANALYSES: dict[tuple[str, bool], Analysis] = {}


def analyse(source: str, expression: bool = False) -> Analysis:
    """Parse a phrase text (or a `when` expression) and check it against ALLOWED_NODES."""
    key = (source, expression)
    found = _ANALYSES.get(key)
    if found is None:
        found = _ANALYSES[key] = _analyse(source, expression)
    return found


def remember_analyses(phrases: Sequence[Phrase]) -> None:
    """Analyse every text and condition of `phrases` at once, taking the analyses from the cache
    (see parsecache.py) when the same set was analysed before: a build judges every phrase of
    the bank, and analysing them costs more than the rest of the narrative."""
    wanted = {(p.text, False) for p in phrases} | {(p.when, True) for p in phrases if p.when}
    missing = sorted(wanted - _ANALYSES.keys())
    if not missing:
        return

    def analysed(_: bytes) -> tuple[Any, int]:
        analyses = [_analyse(s, e) for s, e in missing]
        return msgspec.json.decode(msgspec.json.encode(analyses)), 0  # as plain lists

    def shape(plain: Any) -> list[Analysis]:
        found = msgspec.convert(plain, list[Analysis])
        if len(found) != len(missing):
            raise ValueError("an entry of another length")
        return found

    found = parsecache.parsed("analyses", msgspec.json.encode(missing), analysed, shape=shape)
    _ANALYSES.update(zip(missing, found, strict=True))


def _analyse(source: str, expression: bool) -> Analysis:
    if len(source) > MAX_TEMPLATE_CHARS:
        return Analysis((), (), (), (f"长度超过{MAX_TEMPLATE_CHARS}个字符",))
    if expression:
        simple = _plain_condition(source)
    else:
        simple = _simple(source)
        simple = _structured(source) if simple is None else simple
    if simple is not None:
        return simple
    try:
        tree = _parse(source, expression)
    except Exception as exc:  # jinja's TemplateSyntaxError and whatever a hostile text provokes
        line = getattr(exc, "lineno", None)
        message = syntax_message(getattr(exc, "message", None) or str(exc))
        return Analysis(
            (), (), (), (f"模板语法错误{f'（第{line}行）' if line else ''}：{message}",)
        )
    scan = _Scan()
    scan.visit(tree, {}, 0)
    return Analysis(
        tuple(dict.fromkeys(scan.paths)),
        tuple(dict.fromkeys(scan.loops)),
        tuple(dict.fromkeys(scan.attributes)),
        tuple(dict.fromkeys(scan.problems)),
    )


_OUTPUT = re.compile(
    r"\{\{ *([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)((?: *\| *[A-Za-z][A-Za-z0-9_]*)*) *\}\}"
)
# Names jinja reads as constants or operators, and `loop`: such texts take the full parse.
_KEYWORDS = frozenset(
    {
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "loop",
    }
)


def _simple(source: str) -> Analysis | None:
    """The analysis of a text whose only template parts are `{{ a.b }}` or `{{ a.b|filter }}`
    (most phrases), found without jinja's parser; None when the text needs the full parse. It
    gives what the full parse gives for such a text (a test compares them on the whole bank)."""
    if "{" not in source:
        return Analysis((), (), (), ())
    if "{%" in source or "{#" in source or "{" in _OUTPUT.sub("", source):
        return None
    paths = []
    for match in _OUTPUT.finditer(source):
        path, filters = match.groups()
        names = [f.strip() for f in filters.split("|")[1:]]
        if path.split(".")[0] in _KEYWORDS or not all(n in _FILTER_NAMES for n in names):
            return None
        paths.append(path)
    return Analysis(tuple(dict.fromkeys(paths)), (), (), ())


# ---------------------------------------------------------------------------------------------
# Fast paths: the plain shapes nearly every phrase has, analysed, evaluated and rendered without
# jinja (parsing and compiling a template costs a millisecond or two; a build renders hundreds).
# Each gives exactly what the sandboxed jinja path gives (a test runs both over the whole bank);
# anything else, and any failure on the way (a missing value, an exception in a filter), takes
# the jinja path, which then gives the same result or the same error as it always did.

_CONDITION_TOKEN = re.compile(
    r"""\s*(?:(?P<path>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)"""
    r"""|(?P<float>[0-9]+\.[0-9]+)|(?P<int>0|[1-9][0-9]*)"""
    r"""|(?P<str>'[^'\\\r\n]*'|"[^"\\\r\n]*")|(?P<op>==|!=|<=|>=|<|>|\(|\)))"""
)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
# A parsed condition: ("path", "a.b") | ("const", value) | ("not", c) | ("and"|"or", c, c)
# | ("compare", c, ((op, c), ...)).
Condition = tuple[Any, ...]


class _Fallback(Exception):
    """The fast path cannot give jinja's answer here: take the jinja path."""


@lru_cache(maxsize=65_536)
def _condition(source: str) -> Condition | None:
    """A `when` of the plain shape (paths and number or string literals compared with == != <
    <= > >= in, not in; joined by and, or, not; parentheses), parsed; None for anything else."""
    tokens: list[tuple[str, Any]] = []
    position = 0
    end = len(source.rstrip())
    while position < end:
        match = _CONDITION_TOKEN.match(source, position)
        if match is None:
            return None
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind or "")
        if kind == "path":
            if value in ("and", "or", "not", "in"):
                kind = value
            elif any(part in _KEYWORDS for part in value.split(".")):
                return None
        elif kind == "float":
            kind, value = "const", float(value)
        elif kind == "int":
            kind, value = "const", int(value)
        elif kind == "str":
            kind, value = "const", value[1:-1]
        tokens.append((str(kind), value))
    parser = _ConditionParser(tokens)
    try:
        tree = parser.disjunction()
    except _Fallback:
        return None
    return tree if parser.at == len(tokens) else None


class _ConditionParser:
    """Recursive descent with jinja's precedence: or < and < not < comparison."""

    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, offset: int = 0) -> tuple[str, Any]:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", None)

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token[0] == "end":
            raise _Fallback
        self.at += 1
        return token

    def disjunction(self) -> Condition:
        left = self.conjunction()
        while self.peek()[0] == "or":
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Condition:
        left = self.negation()
        while self.peek()[0] == "and":
            self.take()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Condition:
        if self.peek()[0] == "not":
            self.take()
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Condition:
        first = self.operand()
        ops: list[tuple[str, Condition]] = []
        while True:
            kind, value = self.peek()
            if kind == "op" and value in _COMPARE:
                op = value
            elif kind == "in":
                op = "in"
            elif kind == "not" and self.peek(1)[0] == "in":
                self.take()
                op = "not in"
            else:
                break
            self.take()
            ops.append((op, self.operand()))
        return ("compare", first, tuple(ops)) if ops else first

    def operand(self) -> Condition:
        kind, value = self.take()
        if kind == "path":
            return ("path", value)
        if kind == "const":
            return ("const", value)
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise _Fallback
            return inner
        raise _Fallback


def _plain_condition(source: str) -> Analysis | None:
    """The analysis of a plain `when` (see _condition), or None when it needs the full parse."""
    tree = _condition(source)
    if tree is None:
        return None
    paths: list[str] = []

    def walk(node: Condition) -> None:
        if node[0] == "path":
            paths.append(node[1])
        elif node[0] == "not":
            walk(node[1])
        elif node[0] in ("and", "or"):
            walk(node[1])
            walk(node[2])
        elif node[0] == "compare":
            walk(node[1])
            for _, operand in node[2]:
                walk(operand)

    walk(tree)
    return Analysis(tuple(dict.fromkeys(paths)), (), (), ())


def _run_condition(node: Condition, context: Mapping[str, Any]) -> Any:
    """A parsed condition's value, as jinja's compiled expression computes it (Python's own
    short-circuit `and`/`or`, `not`, chained comparisons), reading values as the sandbox does."""
    kind = node[0]
    if kind == "path":
        return _lookup(context, node[1])
    if kind == "const":
        return node[1]
    if kind == "not":
        return not _run_condition(node[1], context)
    if kind == "and":
        return _run_condition(node[1], context) and _run_condition(node[2], context)
    if kind == "or":
        return _run_condition(node[1], context) or _run_condition(node[2], context)
    left = _run_condition(node[1], context)
    result: Any = True
    for op, operand in node[2]:
        right = _run_condition(operand, context)
        result = _COMPARE[op](left, right)
        if not result:
            return result
        left = right
    return result


def _lookup(context: Mapping[str, Any], path: str) -> Any:
    """`a.b.c` read from the tracked context as the sandbox's getattr reads it (a Node records
    the read); _Fallback where jinja would give an undefined value."""
    first, *rest = path.split(".")
    if first not in context:
        raise _Fallback
    value = context[first]
    for attribute in rest:
        if isinstance(value, Node):
            if attribute not in value:
                raise _Fallback
            value = value.read(attribute)
        elif isinstance(value, dict) and attribute in value:
            value = value[attribute]
        else:
            raise _Fallback
    return value


# A text split into literal strings and outputs (path, filter functions).
Part = str | tuple[str, tuple[Callable[..., Any], ...]]


@lru_cache(maxsize=65_536)
def _plain_text(source: str) -> tuple[Part, ...] | None:
    """A text whose only template parts are `{{ a.b }}` or `{{ a.b|filter }}` with the Chinese
    filters (see _simple), split into parts; None when it needs jinja."""
    if len(source) > MAX_TEMPLATE_CHARS or _simple(source) is None:
        return None
    parts: list[Part] = []
    position = 0
    for match in _OUTPUT.finditer(source):
        path, filters = match.groups()
        functions: list[Any] = []  # chinese.FILTERS: one-argument functions
        for name in (f.strip() for f in filters.split("|")[1:]):
            function = chinese.FILTERS.get(name)
            if function is None or getattr(function, "jinja_pass_arg", None) is not None:
                return None
            functions.append(function)
        if match.start() > position:
            parts.append(source[position : match.start()])
        parts.append((path, tuple(functions)))
        position = match.end()
    if position < len(source):
        parts.append(source[position:])
    return tuple(parts)


def _render_plain(parts: tuple[Part, ...], context: Mapping[str, Any]) -> list[str]:
    """The chunks jinja's template would yield for a plain text; _Fallback on any failure."""
    chunks = []
    try:
        for part in parts:
            if isinstance(part, str):
                chunks.append(part)
                continue
            path, functions = part
            value = _lookup(context, path)
            for function in functions:
                value = function(value)
            chunks.append(str(value))
    except Exception:  # jinja gives the error, worded as it always was
        raise _Fallback from None
    return chunks


_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_EXPRESSION_TOKEN = re.compile(
    r"""\s*(?:(?P<path>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)|(?P<int>0|[1-9][0-9]*)"""
    r"""|(?P<str>'[^'\\\r\n{}%]*'|"[^"\\\r\n{}%]*")|(?P<op>==|!=|<=|>=|[-+|(),=<>]))"""
)


def _structured(source: str) -> Analysis | None:
    """The analysis of a text of a few more shapes, found without jinja's parser: outputs and
    `{% if %}` tests as _scan_expression describes; `{% for v in a.b %}` (not nested),
    `{% else %}`, `{% endif %}`, `{% endfor %}`. None for anything else, so that jinja parses it.
    Gives what the full parse gives (a test compares them on the whole bank)."""
    if "{#" in source:
        return None
    scan = _Scan()
    blocks: list[tuple[str, str | None]] = []  # ("for", loop variable) or ("if", None)
    loop_vars: dict[str, str] = {}
    position = 0
    for match in _TAG.finditer(source):
        if "{" in source[position : match.start()]:
            return None
        position = match.end()
        output, statement = match.groups()
        if output is not None:
            if not _scan_expression(_expression_tokens(output), scan, loop_vars):
                return None
            continue
        words = statement.split()
        if len(words) == 4 and words[0] == "for" and words[2] == "in":
            name, path = words[1], words[3]
            if loop_vars or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                return None  # nested loops, or a target jinja may read otherwise
            tokens = _expression_tokens(path)
            if name in _KEYWORDS or tokens is None or len(tokens) != 1:
                return None
            kind, value = tokens[0]
            if kind != "path" or any(part in _KEYWORDS for part in value.split(".")):
                return None
            scan.paths.append(value)
            scan.loops.append(value)
            loop_vars[name] = value
            blocks.append(("for", name))
        elif len(words) > 1 and words[0] == "if":
            test = _expression_tokens(statement.split(None, 1)[1])
            if not _scan_expression(test, scan, loop_vars):
                return None
            blocks.append(("if", None))
        elif words == ["else"] and blocks and blocks[-1] == ("if", None):
            blocks[-1] = ("else", None)
        elif words == ["endif"] and blocks and blocks[-1][0] in ("if", "else"):
            blocks.pop()
        elif words == ["endfor"] and blocks and blocks[-1][0] == "for":
            del loop_vars[str(blocks.pop()[1])]
        else:
            return None
    if blocks or "{" in source[position:]:
        return None
    return Analysis(
        tuple(dict.fromkeys(scan.paths)),
        tuple(dict.fromkeys(scan.loops)),
        tuple(dict.fromkeys(scan.attributes)),
        (),
    )


def _expression_tokens(source: str) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(source.rstrip())
    while position < end:
        match = _EXPRESSION_TOKEN.match(source, position)
        if match is None:
            return None
        position = match.end()
        tokens.append((str(match.lastgroup), match.group(match.lastgroup or "")))
    return tokens


# What may join two operands in a _structured expression.
_JOINS = frozenset(
    [("op", op) for op in ("+", "-", "==", "!=", "<", "<=", ">", ">=")]
    + [("path", word) for word in ("in", "and", "or")]
)


def _scan_expression(
    tokens: list[tuple[str, str]] | None, scan: _Scan, loop_vars: dict[str, str]
) -> bool:
    """Record what an expression of the _structured shape reads, as _Scan would; False when it
    has another shape. Shape: operands joined by + - == != < <= > >= in, not in, and, or; an
    operand is a path, an integer or a string, with filters `|name` or `|name(key='string')`,
    and `not` before it only at the start or after and, or, not (all of it valid jinja, whose
    syntax tree lists the paths in the order they are written)."""
    if not tokens:
        return False
    at = 0
    negatable = True
    while True:
        kind, value = tokens[at] if at < len(tokens) else ("end", "")
        if (kind, value) == ("path", "not") and negatable:
            at += 1
            continue
        if kind == "path":
            first, *parts = value.split(".")
            if any(part in _KEYWORDS for part in parts) or (first in _KEYWORDS and first != "loop"):
                return False
            if first in loop_vars:
                if parts:
                    scan.attributes.append((loop_vars[first], parts[0]))
            elif first != "loop":
                scan.paths.append(value)
        elif kind not in ("int", "str"):
            return False
        at += 1
        while tokens[at : at + 1] == [("op", "|")]:
            name = tokens[at + 1] if at + 1 < len(tokens) else ("end", "")
            if name[0] != "path" or name[1] not in _FILTER_NAMES:
                return False
            at += 2
            if tokens[at : at + 1] == [("op", "(")]:
                call = [kind for kind, _ in tokens[at : at + 5]]
                closed = tokens[at + 2 : at + 3] == [("op", "=")]
                if call != ["op", "path", "op", "str", "op"] or tokens[at + 4] != ("op", ")"):
                    return False
                if not closed or tokens[at + 1][1] in _KEYWORDS or "." in tokens[at + 1][1]:
                    return False
                at += 5
        if at == len(tokens):
            return True
        if tokens[at : at + 2] == [("path", "not"), ("path", "in")]:
            at += 2
            negatable = False
            continue
        if tokens[at] not in _JOINS:
            return False
        negatable = tokens[at][1] in ("and", "or")
        at += 1


def _parse(source: str, expression: bool) -> nodes.Node:
    """The syntax tree of a template, or of a bare expression (a `when` condition)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.parser import Parser

    env = environment()
    if not expression:
        return env.parse(source)
    parser = Parser(env, source, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("条件表达式后有多余的内容", parser.stream.current.lineno)
    return expr


class _Scan:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.loops: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.problems: list[str] = []

    def visit(self, node: nodes.Node, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        kind = type(node).__name__
        if kind not in ALLOWED_NODES:
            self.problems.append(_forbidden(kind))
            return
        if isinstance(node, nodes.For):
            self._for(node, loop_vars, depth)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
            self._reference(node, loop_vars, depth)
            return
        if isinstance(node, nodes.Filter | nodes.Test):
            known = environment().filters if isinstance(node, nodes.Filter) else environment().tests
            if node.name not in known:
                what = "过滤器" if isinstance(node, nodes.Filter) else "判断"
                self.problems.append(f"不允许使用{what}“{node.name}”")
        for child in node.iter_child_nodes():
            self.visit(child, loop_vars, depth)

    def _for(self, node: nodes.For, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        if depth + 1 > MAX_LOOP_DEPTH:
            self.problems.append(f"循环嵌套超过{MAX_LOOP_DEPTH}层")
            return
        if node.recursive:
            self.problems.append("不允许递归循环（recursive）")
            return
        source = node.iter
        while isinstance(source, nodes.Filter) and source.node is not None:
            self.visit(
                nodes.Filter(None, source.name, source.args, source.kwargs, None, None),
                loop_vars,
                depth,
            )
            source = source.node
        path = _path_of(source)
        if path is None or path.split(".")[0] in loop_vars or path.split(".")[0] == "loop":
            self.problems.append("循环只能遍历答案中的列表（如 platforms.channels）")
            return
        self.paths.append(path)
        self.loops.append(path)
        inner = dict(loop_vars)
        targets = [node.target] if isinstance(node.target, nodes.Name) else []
        if not targets:
            self.problems.append("循环变量应为一个名称")
            return
        for t in targets:
            inner[t.name] = path
        for child in [*node.body, *node.else_]:
            self.visit(child, inner, depth + 1)
        if node.test is not None:
            self.visit(node.test, inner, depth + 1)

    def _reference(self, node: nodes.Expr, loop_vars: dict[str, str], depth: int) -> None:
        from jinja2 import nodes

        parts: list[str] = []
        current: nodes.Node = node
        while True:
            if isinstance(current, nodes.Getattr):
                parts.append(current.attr)
                current = current.node
            elif isinstance(current, nodes.Getitem):
                if isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                    parts.append(current.arg.value)
                else:
                    parts.clear()  # a computed key: the path ends before it
                    self.visit(current.arg, loop_vars, depth)
                current = current.node
            else:
                break
        parts.reverse()
        if any(p.startswith("_") for p in parts):
            self.problems.append("不允许访问以“_”开头的属性")
            return
        if not isinstance(current, nodes.Name):
            self.visit(current, loop_vars, depth)
            return
        name = current.name
        if name.startswith("_"):
            self.problems.append("不允许访问以“_”开头的名称")
        elif name in loop_vars:
            if parts:
                self.attributes.append((loop_vars[name], parts[0]))
        elif name != "loop":
            self.paths.append(".".join([name, *parts]))


def _path_of(node: nodes.Node) -> str | None:
    from jinja2 import nodes

    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return ".".join([node.name, *reversed(parts)])


def _forbidden(kind: str) -> str:
    names = {
        "Include": "include",
        "Import": "import",
        "FromImport": "from … import",
        "Extends": "extends",
        "Macro": "macro",
        "Call": "函数或方法调用",
        "CallBlock": "call 块",
        "Assign": "set 赋值",
        "AssignBlock": "set 赋值",
        "Block": "block",
        "With": "with",
        "Pow": "乘方运算",
        "FilterBlock": "filter 块",
    }
    return f"不允许使用{names.get(kind, kind)}"


# ---------------------------------------------------------------------------------------------
# The context a phrase renders in, applicability, ranking, rendering


class Scope:
    """A template context prepared for rendering and for asking whether a path is answered.

    `data` is plain (groups of answers, `meta`, `tables`, `derived`); `sources` maps a derived
    path (derived.posts_total) to the answer keys or cells it is computed from; `vocabulary`
    says which paths are lists (the only things a phrase may loop over).
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        sources: Mapping[str, tuple[str, ...]],
        vocabulary: Vocabulary,
    ) -> None:
        self.data = data
        self.sources = sources
        self.vocabulary = vocabulary
        self.recorder = _Recorder()
        self.tracked = {k: self._wrap(v, k) for k, v in data.items()}

    def _wrap(self, value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            return Node(
                {k: self._wrap(v, f"{path}.{k}") for k, v in value.items()}, path, self.recorder
            )
        return value

    def answered(self, path: str) -> bool:
        """True when every step of `path` exists and the value is not None or empty."""
        value: Any = self.data
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return False
            value = value[part]
        return value is not None and value != [] and value != ""

    def uses(self, paths: Iterable[str]) -> tuple[str, ...]:
        """The recorded paths as provenance: derived values replaced by their sources, the
        containers of a path read further left out."""
        expanded: list[str] = []
        for p in paths:
            expanded.extend(self.sources.get(p, (p,)))
        unique = list(dict.fromkeys(expanded))
        leaves = [p for p in unique if not any(q.startswith(p + ".") for q in unique)]
        return tuple(p for p in leaves if "." in p)


class Rendered(Struct, frozen=True):
    phrase: Phrase
    text: str
    uses: tuple[str, ...]


@lru_cache(maxsize=65_536)  # asked before a build, then again for each phrase it considers
def refusal(phrase: Phrase, vocabulary: Vocabulary) -> str | None:
    """Why the phrase must not be rendered (a forbidden construct, a syntax error, a name that is
    not in the answers schema, a loop over something that is not a list answer), or None."""
    for source, expression in ((phrase.text, False), (phrase.when, True)):
        if source is None:
            continue
        result = analyse(source, expression)
        problems = [*result.problems, *_names(result, vocabulary)]
        if problems:
            label = "的条件 when " if expression else ""
            return f"{phrase.where}{label}不能使用：{problems[0]}"
    return None


def applicable(phrase: Phrase, scope: Scope) -> bool:
    """Not a draft, every path its text and condition name is answered, and its `when` holds.
    Raises ReportWriterError (phrase id and file) for a phrase that is unsafe to render."""
    if phrase.draft:
        return False
    problem = refusal(phrase, scope.vocabulary)
    if problem:
        raise ReportWriterError(problem)
    paths = [*analyse(phrase.text).paths]
    if phrase.when:
        paths += analyse(phrase.when, expression=True).paths
    if not all(scope.answered(p) for p in paths):
        return False
    return phrase.when is None or _evaluate(phrase, scope)


def rank(phrases: Iterable[Phrase], seed: str) -> list[Phrase]:
    """Phrases ordered by a stable hash of `seed` and their id (rendezvous hashing): adding or
    removing one phrase never reorders the others."""

    def score(p: Phrase) -> bytes:
        return hashlib.sha256(f"{seed}\x1f{p.id}".encode()).digest()

    return sorted(phrases, key=score, reverse=True)


def render(phrase: Phrase, scope: Scope) -> Rendered:
    """The phrase's text for these answers, with the answer keys and cells it read."""
    problem = refusal(phrase, scope.vocabulary)
    if problem:
        raise ReportWriterError(problem)
    scope.recorder.paths.clear()
    if phrase.when:
        _evaluate(phrase, scope)
    text = "".join(line.strip() for line in _output(phrase, scope).splitlines())  # no breaks
    return Rendered(phrase, text, scope.uses(scope.recorder.paths))


def _output(phrase: Phrase, scope: Scope) -> str:
    """The text the phrase's template yields, at most MAX_OUTPUT_CHARS long."""
    parts = _plain_text(phrase.text)
    mark = len(scope.recorder.paths)
    chunks: Iterable[str] | None = None
    if parts is not None:
        with suppress(_Fallback):
            chunks = _render_plain(parts, scope.tracked)
    kept: list[str] = []
    size = 0
    try:
        if chunks is None:
            del scope.recorder.paths[mark:]
            chunks = _compile(phrase.text).generate(scope.tracked)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise ReportWriterError(
                    f"{phrase.where}生成的文字超过{MAX_OUTPUT_CHARS}个字符，已停止"
                )
            kept.append(chunk)
    except ReportWriterError:
        raise
    except Exception as exc:  # untrusted text: any failure is the phrase's, named with its file
        raise ReportWriterError(f"{phrase.where}无法生成文字：{_reason(exc)}") from None
    return "".join(kept)


# jinja's syntax error messages in Chinese: (pattern, wording); token names as the officer sees them
_SYNTAX_MESSAGES = (
    (r"expected token '(.+?)', got '(.+?)'", "此处应为{0}，却是{1}"),
    (r"unexpected '(.+?)', expected '(.+?)'", "多出了{0}，此处应为{1}"),
    (r"Expected an expression, got '(.+?)'", "缺少表达式，却是{0}"),
    (r"unexpected char '(.+?)' at \d+", "无法识别的字符{0}"),
    (r"unexpected '(.+?)'", "多出了{0}"),
    (r"Encountered unknown tag '(.+?)'", "不认识的标签{0}"),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. .*",
        "模板没有结束：缺少{0}",
    ),
    (r"unexpected end of template.*", "模板在表达式中途结束，缺少结束标记"),
    (r"expected token '(.+?)'", "此处应为{0}"),
)
_TOKEN_NAMES = {
    "end of print statement": "“}}”",
    "end of statement block": "“%}”",
    "end of template": "模板结尾",
    "name": "名称",
    "string": "文字",
    "integer": "数字",
    "float": "数字",
}


def syntax_message(message: str) -> str:
    """jinja's (English) syntax error message in Chinese; an unknown one is named as such."""
    for pattern, wording in _SYNTAX_MESSAGES:
        found = re.fullmatch(pattern, message.strip().rstrip("."), re.S)
        if found:
            return wording.format(*(_token(g) for g in found.groups()))
    return "写法无法解析"


def _token(text: str) -> str:
    if " or " in text:  # 'elif' or 'else' or 'endif'
        return "或".join(_token(t.strip().strip("'")) for t in text.split(" or "))
    return _TOKEN_NAMES.get(text, f"“{text}”")


def _reason(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, UndefinedError):
        return f"用到了未填写或不存在的项目（{exc.message}）"
    if isinstance(exc, SecurityError):
        return f"不安全的写法（{exc}）"
    if isinstance(exc, TemplateSyntaxError):
        return f"模板语法错误（第{exc.lineno}行）：{syntax_message(exc.message or '')}"
    return f"计算出错（{type(exc).__name__}: {exc}）"


@lru_cache(maxsize=4096)
def _compile(source: str) -> Template:
    return environment().from_string(source)


def _evaluate(phrase: Phrase, scope: Scope) -> bool:
    """Whether the phrase's `when` holds; ReportWriterError (phrase id and file) when it cannot
    be computed, an undefined value taken as true or false included."""
    assert phrase.when is not None
    tree = _condition(phrase.when)
    if tree is not None:
        mark = len(scope.recorder.paths)
        try:
            return bool(_run_condition(tree, scope.tracked))
        except Exception:  # an undefined value or a failed comparison: jinja says which
            del scope.recorder.paths[mark:]
    try:
        return bool(_compile_expression(phrase.when)(scope.tracked))
    except Exception as exc:
        raise ReportWriterError(f"{phrase.where}的条件 when 无法计算：{_reason(exc)}") from None


@lru_cache(maxsize=4096)
def _compile_expression(source: str) -> Callable[[Mapping[str, Any]], Any]:
    from jinja2 import nodes

    expr = _parse(source, expression=True)
    assert isinstance(expr, nodes.Expr)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    template = environment().from_string(nodes.Template(body, lineno=1))

    def evaluate(context: Mapping[str, Any]) -> Any:
        ctx = template.new_context(dict(context))
        for _ in template.root_render_func(ctx):
            pass
        return ctx.vars.get("result")

    return evaluate


# ---------------------------------------------------------------------------------------------
# Lint


class Vocabulary(
    Struct, frozen=True, eq=False
):  # hashed by identity: narrative.vocabulary() is cached
    """What a phrase may name: slots (slot -> form) and the context paths as a tree whose leaves
    are "scalar", "list" or ("records", field names)."""

    slots: Mapping[str, str]
    tree: dict[str, Any]

    def kind(self, path: str) -> Any:
        """The node at `path`, or None when no such path exists."""
        node: Any = self.tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


def lint_folders(dirs: Sequence[Path] = ()) -> LintReport:
    """Lint the given phrase folders (each a layer), or the built-in phrasebank when none."""
    from report_writer.narrative import vocabulary

    # Team folders are read over the built-in layer, as a build reads them, so that an override
    # is checked against what it overrides; only the folders given are reported on.
    bank = read_phrasebank(layer_folders(dirs))
    linted = bank.layers[1:] if dirs else bank.layers
    vocab = vocabulary()
    issues = list(bank.issues)
    remember_analyses([p for layer in linted for p in layer.phrases])
    for layer in linted:
        for phrase in layer.phrases:
            issues.extend(lint_phrase(phrase, vocab))
    return LintReport(sum(layer.entries for layer in linted), issues)


def lint_phrase(phrase: Phrase, vocab: Vocabulary) -> list[Issue]:
    """Everything wrong with one phrase: slot, template safety and syntax, names, punctuation."""
    found = _problems(phrase.slot, phrase.text, phrase.when, vocab)
    return [Issue(phrase.file, phrase.id, message) for message in found]


@lru_cache(maxsize=65_536)
def _problems(slot: str, text: str, when: str | None, vocab: Vocabulary) -> tuple[str, ...]:
    found: list[str] = []
    form = vocab.slots.get(slot)
    if form is None:
        found.append(f"未知的段落（slot）“{slot}”")
    for source, expression in ((text, False), (when, True)):
        if source is None:
            continue
        label = "条件 when " if expression else ""
        result = analyse(source, expression)
        found.extend(f"{label}{p}" for p in result.problems)
        found.extend(f"{label}{p}" for p in _names(result, vocab))
    # the text between template tags; a tag's place keeps a letter so "{{ a }}.{{ b }}" is
    # not read as the number-like "." of "a.b"
    literal = _TAGS.sub("", text) if "{" in text else text
    half = sorted(set(re.findall(_HALF_WIDTH, literal)))
    if half:
        found.append(f"中文里用了半角标点 {' '.join(half)}，应使用全角标点（，；：？！（）“”。）")
    found.extend(_balance(literal))
    if form is not None:
        found.extend(_form(text, form))
    return tuple(found)


def _names(result: Analysis, vocab: Vocabulary) -> list[str]:
    problems = []
    for path in result.paths:
        if vocab.kind(path) is None:
            problems.append(f"用到了答案定义中没有的项目“{path}”")
    for path in result.loops:
        kind = vocab.kind(path)
        if kind is None or (kind != "list" and not isinstance(kind, tuple)):
            problems.append(f"不能用于循环：“{path}”不是答案中的列表")
    for path, attribute in result.attributes:
        kind = vocab.kind(path)
        if isinstance(kind, tuple) and attribute not in kind[1]:
            fields = "、".join(sorted(kind[1]))
            problems.append(f"“{path}”的每一项没有“{attribute}”（可用：{fields}）")
        elif kind == "list":
            problems.append(f"“{path}”的每一项是文字，没有“{attribute}”")
    return problems


def _balance(literal: str) -> list[str]:
    stack: list[str] = []
    closers = {v: k for k, v in _PAIRS.items()}
    for ch in re.findall(_PAIR_CHARS, literal):
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in closers:
            if not stack or stack[-1] != closers[ch]:
                return [f"引号或括号不配对：多出“{ch}”"]
            stack.pop()
    if stack:
        return [f"引号或括号不配对：“{stack[-1]}”没有闭合"]
    return []


def _form(text: str, form: str) -> list[str]:
    tail = text.rstrip()
    if tail.endswith(("}}", "%}")):
        return []  # ends with template output: the rendered end cannot be seen here
    last = tail[-1:]
    if form == "sentence" and last not in chinese.SENTENCE_ENDS:
        return ["应为完整的句子，以“。”结尾"]
    if form == "lead" and last != "：":
        return ["是列举的引语，应以“：”结尾"]
    if form == "item" and last in "。；，：、":
        return [f"是列举中的一项，结尾不应有“{last}”（编号和标点由程序添加）"]
    return []


class LintReport(Struct, frozen=True):
    phrases: int  # how many entries were checked, the broken ones included
    issues: list[Issue]


def list_phrases(
    dirs: Sequence[Path] = (),
    slot: str | None = None,
    tag: str | None = None,
    words: Sequence[str] = (),
) -> list[Phrase]:
    """The phrases in force over the built-in bank and `dirs`, filtered (see Phrasebank.find)."""
    return load_phrasebank(dirs).find(slot=slot, tag=tag, words=words)


def show_phrase(dirs: Sequence[Path], phrase_id: str) -> Phrase:
    """The phrase in force with this id; InputError naming close ids when there is none."""
    bank = load_phrasebank(dirs)
    phrase = bank.get(phrase_id)
    if phrase is None:
        import difflib

        close = difflib.get_close_matches(phrase_id, list(bank.phrases), n=3, cutoff=0.6)
        hint = f"，是否应为：{'、'.join(close)}" if close else ""
        raise InputError(f"表述库中没有编号为“{phrase_id}”的表述{hint}")
    return phrase


def add_phrase(
    folder: Path,
    slot: str,
    text: str,
    phrase_id: str | None = None,
    when: str | None = None,
    tags: Sequence[str] = (),
) -> Phrase:
    """Append a phrase to a team folder, after linting it; the file keeps its comments.

    The phrase goes into the folder's file that already holds phrases of `slot`, else into
    `<first part of slot>.yaml` (created when missing). Without `phrase_id` one is made up from
    the slot (`<slot>.team<n>`).
    """
    from report_writer.narrative import vocabulary

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"“{folder}”不是文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    team = read_phrasebank([(str(folder), folder)])
    if team.issues:
        raise InputError(
            f"表述库 {folder} 有{len(team.issues)}处问题，请先修改：",
            details=[str(i) for i in team.issues],
        )
    taken = set(team.phrases)
    builtin = load_phrasebank().get(phrase_id) if phrase_id else None
    if builtin is not None and builtin.slot != slot:
        raise InputError(f"没有写入：“{phrase_id}”{_moved(builtin, slot)}")
    if phrase_id is None:
        n = 1
        while f"{slot}.team{n}" in taken:
            n += 1
        phrase_id = f"{slot}.team{n}"
    elif phrase_id in taken:
        raise InputError(f"表述库 {folder} 中已有编号为“{phrase_id}”的表述，请换一个编号")
    same_slot = [p.file for p in team.phrases.values() if p.slot == slot]
    target = same_slot[0] if same_slot else folder / f"{slot.split('.')[0]}.yaml"
    raw: dict[str, Any] = {"id": phrase_id, "slot": slot, "text": text.strip()}
    if when:
        raw["when"] = when.strip()
    if tags:
        raw["tags"] = list(tags)
    issues: list[Issue] = []
    phrase = _phrase(raw, target, str(folder), 0, issues)
    if phrase is not None:
        issues.extend(lint_phrase(phrase, vocabulary()))
    if issues or phrase is None:
        raise InputError("新表述未通过检查，没有写入：", details=[i.message for i in issues])
    _append(target, raw)
    return phrase


def _append(path: Path, raw: dict[str, Any]) -> None:
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from report_writer.workspace import read_text, write_atomic

    yaml_rt = YAML()
    yaml_rt.width = 4096
    yaml_rt.preserve_quotes = True
    yaml_rt.indent(mapping=2, sequence=4, offset=2)
    if path.exists():
        data = yaml_rt.load(read_text(path))
        if data is None:
            data = CommentedMap()
    else:
        data = CommentedMap()
        data.yaml_set_start_comment("团队表述库（report-writer phrasebank add 写入，可手工编辑）")
    if "phrases" not in data or data["phrases"] is None:
        data["phrases"] = CommentedSeq()
    entry = CommentedMap()
    for key, value in raw.items():
        entry[key] = value
    data["phrases"].append(entry)
    out = io.StringIO()
    yaml_rt.dump(data, out)
    write_atomic(path, out.getvalue())
