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
_SIGNATURE = re.compile(
    r"(?P<agency>[^\s，。；：、“”《》()（）\d]{2,40}?"
    r"(?:局|委员会|委|办公室|办事处|办|人民政府|政府|中心|院|厅|部|署|所|队|站|馆|处))"
    r"[ \u3000]*(?P<year>(?:19|20)\d{2})年\d{1,2}月\d{1,2}日"
)
_YEAR = re.compile(r"((?:19|20)\d{2})年(?!修订|修正|印发|发布|第)")  # not 「（2019年修订）」
_SIGNED_DATE = re.compile(r"[ \u3000]*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日[ \u3000]*$")
_PAGE_TAIL = re.compile(
    r"(?:[ \u3000]*(?:附件下载|打印本页|关闭窗口|【打印】|【关闭】))+[ \u3000]*$"
)


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


def read_signature(lines: list[Line]) -> tuple[str | None, int | None]:
    """(agency, year of the report) from the last signature (「某某局 2024年1月12日」): the report
    covers the year before the one it is signed in. For a title that names neither."""
    for line in reversed(lines[-_TITLE_LINES:]):
        m = _SIGNATURE.search(line.text)
        if m:
            return m.group("agency"), int(m.group("year")) - 1
    return None, None


def year_in_overview(lines: list[Line]) -> int | None:
    """The first year section 一 names (「2023年，我局……」)."""
    for i in regions(lines).get("overview", range(0)):
        m = _YEAR.search(lines[i].text)
        if m:
            return int(m.group(1))
    return None


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
        while key == "other" and paragraphs:  # the signature and the page's links go
            last = _unsigned(paragraphs[-1], agency)
            if last and not _DATE.match("".join(last.split())) and last != agency:
                paragraphs[-1] = last
                break
            paragraphs.pop()
        result[key] = "\n".join(paragraphs)
    return result


def _unsigned(text: str, agency: str | None) -> str:
    """The last paragraph without what a page collapsed into it: 「…处理费。 平潭综合实验区…局
    2025年1月20日 附件下载」 ends at 「处理费。」. A date that is part of a sentence stays."""
    text = _PAGE_TAIL.sub("", text)
    signed = _SIGNED_DATE.search(text)
    if not signed:
        return text
    before = text[: signed.start()].rstrip(" \u3000")
    if agency and before.endswith(agency):  # the agency signs, the date follows
        return before[: -len(agency)].rstrip(" \u3000")
    if before.endswith(("。", "！", "；")):  # a date alone after the last sentence
        return before
    return text
