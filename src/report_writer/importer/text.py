"""The words of a published report: agency and year from its title, and sections 一、五、六.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import itertools
import re

from report_writer.formats.spec import Format
from report_writer.importer.sections import labels, regions
from report_writer.importer.tokens import Line, norm

_TITLE = [
    re.compile(
        r"(?P<agency>[^\d，。,：:（(>|《》“”]{2,40}?)(?P<year>(?:19|20)\d{2})年度?的?"
        r"政府信息公开(?:工作)?(?:年度)?报告"
    ),
    re.compile(
        r"(?P<year>(?:19|20)\d{2})年度?(?P<agency>[^\d，。,：:（(>|《》“”]{2,40}?)"
        r"政府信息公开(?:工作)?(?:年度)?报告"
    ),
]
_TITLE_LINES = 60
_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")


def read_title(lines: list[Line]) -> tuple[str | None, int | None]:
    """(agency, year) from the first title-like line (a title may break over two lines)."""
    texts = [
        "".join(line.text.split()).lstrip("#>*").replace("**", "")
        for line in lines[:_TITLE_LINES]
        if not line.grid
    ]
    singles = texts
    pairs = [a + b for a, b in itertools.pairwise(texts)]
    for candidates in (singles, pairs):  # a title on one line first; else broken over two
        for text in candidates:
            for pattern in _TITLE:
                m = pattern.search(text)
                if m:
                    agency = m.group("agency").strip('《》“”"').removeprefix("关于")
                    return agency or None, int(m.group("year"))
    return None, None


def after_heading(text: str, heading: str) -> str:
    """What a line holds after its full heading (「一、总体情况2023年，我局……」 on one line)."""
    target = norm(heading)
    body = text.lstrip("#>* ")
    i = matched = 0
    while i < len(body) and matched < len(target):
        if body[i].isspace() or body[i] == "*":
            i += 1
            continue
        if norm(body[i]) != target[matched]:
            return ""
        matched += 1
        i += 1
    return body[i:].strip(" *：:") if matched == len(target) else ""


def read_narrative(lines: list[Line], fmt: Format, agency: str | None) -> dict[str, str]:
    """The text of sections 一、五、六, a paragraph a line; the page's footer is left out."""
    found = regions(lines)
    noise = labels()["page_noise"]
    result: dict[str, str] = {}
    for key in ("overview", "problems", "other"):
        paragraphs: list[str] = []
        if key in found:
            rest = after_heading(lines[found[key].start - 1].text, fmt.section(key).heading)
            if rest:
                paragraphs.append(rest)
        for i in found.get(key, range(0)):
            line = lines[i]
            if line.grid:
                continue
            text = line.text.strip().lstrip("#").strip()  # a Markdown heading mark is not text
            if key == "other" and any(n in text for n in noise):
                break
            if text:
                paragraphs.append(text)
        if key == "other":
            while paragraphs and (
                _DATE.match("".join(paragraphs[-1].split())) or paragraphs[-1] == agency
            ):
                paragraphs.pop()
        result[key] = "\n".join(paragraphs)
    return result
