"""A page scraped one table cell a line, each ending " |", padded with "|||" (the reference)."""

from __future__ import annotations

from report_writer.importer.tokens import Line

NAME = "cells"
LABEL = "一格一行的网页文本"


def looks_like(text: str) -> bool:
    ending = [s for s in text.splitlines() if s.rstrip().endswith("|") and not s.startswith("|")]
    return len(ending) >= 10


def read(text: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "|" in raw:
            lines.append(Line((raw.split("|", 1)[0],), number, grid=True))
        else:
            lines.append(Line((raw,), number))
    return lines
