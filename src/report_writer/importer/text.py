"""The words of a published report: agency and year from its title, and sections 一、五、六.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

import re

from report_writer.formats.spec import Format
from report_writer.importer.sections import labels, regions
from report_writer.importer.tokens import Line

_TITLE = [
    re.compile(
        r"(?P<agency>[^\d，。,：:（(>|《》“”]{2,40}?)(?P<year>(?:19|20)\d{2})年度?的?"
        r"政府信息公开(?:工作)?(?:年度)?报告"
    ),
    re.compile(
        r"(?P<year>(?:19|20)\d{2})年度?(?P<agency>[^\d，。,：:（(>|《》“”]{2,40}?)"
        r"政府信息公开(?:工作)?(?:年度)?报告"
    ),
    re.compile(  # 「某某局政府信息公开工作年度报告（2023年度）」
        r"(?P<agency>[^\d，。,：:（(>|《》“”]{2,40}?)政府信息公开(?:工作)?(?:年度)?报告"
        r"[（(](?P<year>(?:19|20)\d{2})年?度?[）)]"
    ),
]
_TITLE_LINES = 60
_COVER_LETTER = re.compile(r"关于(?:报送|印发|公布|发布|上报|公开)?$")
_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")


def read_title(lines: list[Line]) -> tuple[str | None, int | None]:
    """(agency, year) from the first title-like line (a title may break over two lines)."""
    texts = [
        "".join(line.text.split()).lstrip("#>*").replace("**", "")
        for line in lines[:_TITLE_LINES]
        if not line.grid
    ]
    # A title is one line, or two when it breaks (「…应急管理局2023年政府信息公开工作」「年度报告」):
    # each line is tried alone, then the next alone, then the two together, top down.
    for i, text in enumerate(texts):
        following = texts[i + 1] if i + 1 < len(texts) else ""
        for candidate in (text, following, text + following):
            for pattern in _TITLE:
                m = pattern.search(candidate)
                if m:
                    agency = m.group("agency").strip('《》“”"').removeprefix("关于")
                    agency = _COVER_LETTER.sub("", agency)  # 「…管理局关于报送2020年度…的函」
                    return agency or None, int(m.group("year"))
    return None, None


def read_narrative(lines: list[Line], fmt: Format, agency: str | None) -> dict[str, str]:
    """The text of sections 一、五、六, a paragraph a line; the page's footer is left out."""
    found = regions(lines)
    noise = labels()["page_noise"]
    result: dict[str, str] = {}
    for key in ("overview", "problems", "other"):
        paragraphs: list[str] = []
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
