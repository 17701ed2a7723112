"""The import log: every cell not read, every ambiguity, every 2019-format label mapped.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

KINDS = {
    "missing": "未找到",
    "unread": "未读出",
    "ambiguous": "有歧义",
    "split": "已拆分",
    "blank": "空白",
    "legacy": "2019年格式",
    "published": "原表有误",
}


class LogEntry(Struct, frozen=True):
    kind: str  # a key of KINDS
    message: str  # a finished Chinese sentence
    cell: str | None = None  # key path such as applications.new.natural_person
    line: int | None = None  # line (or table row) of the source
    rule: str | None = None  # "published": the check the printed figures fail whatever the cut

    @property
    def code(self) -> str:
        """H6 for a 2019-format label (the check that would flag it), else the kind."""
        return "H6" if self.kind == "legacy" else self.kind

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        if self.code != self.kind:
            data["code"] = self.code
        return data

    def __str__(self) -> str:
        where = f"第{self.line}行 " if self.line else ""
        return f"[{KINDS[self.kind]}] {where}{self.message}"


class Log(list[LogEntry]):
    def add(
        self,
        kind: str,
        message: str,
        *,
        cell: str | None = None,
        line: int | None = None,
        rule: str | None = None,
    ) -> None:
        self.append(LogEntry(kind, message, cell, line, rule))
