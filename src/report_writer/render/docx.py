"""Word: the 公文 layout of templates/docx-layout.yaml, built with python-docx.

Every run carries its East-Asian font in `w:eastAsia` (setting only the Latin name leaves Chinese
text in the default font); tables have real merged cells (`w:gridSpan`, `w:vMerge`) and repeated
header rows (`w:tblHeader`); the footer holds the page number as 「— 1 —」 (a PAGE field).

Styles, page and footer go through python-docx; the body is written as WordprocessingML and
parsed once, since python-docx's cell and style look-ups are quadratic in the table size.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any

from report_writer.document import Cell, Document, Heading, Paragraph, Table
from report_writer.resources import load_data, shipped_dir

LAYOUT = "docx-layout.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADING_STYLES = {1: "heading1", 2: "heading2", 3: "heading3"}
ALIGN = {"center": "center", "left": "left", "right": "right", "justify": "both"}
TWIPS_PER_MM = 1440 / 25.4


@cache
def load_layout() -> dict[str, Any]:
    path = shipped_dir("templates") / LAYOUT
    data: dict[str, Any] = load_data(path)
    return data


def render_docx(doc: Document) -> bytes:
    import docx
    from docx.oxml import parse_xml

    layout = load_layout()
    word = docx.Document()
    _page(word, layout)
    _styles(word, layout)
    _font_fallbacks(word, layout)

    xml = Writer(layout)
    xml.title(doc.title)
    for p in doc.opening:
        xml.paragraph("body", [s.text for s in p.sentences])
    for section in doc.sections:
        xml.paragraph("heading1", [section.heading])
        for block in section.blocks:
            if isinstance(block, Heading):
                xml.paragraph(HEADING_STYLES[block.level], [block.text])
            elif isinstance(block, Paragraph):
                xml.paragraph("body", [s.text for s in block.sentences])
            else:
                xml.table(block)
    # The new body replaces the template's empty one whole, keeping its section properties
    # last: moving the parsed elements in one by one takes several times longer.
    old = word.element.body
    body = parse_xml(f'<w:body xmlns:w="{W}">{"".join(xml.parts)}</w:body>')
    body.append(old[-1])
    word.element.replace(old, body)
    _page_numbers(word, layout)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def escape(text: str) -> str:
    """&, < and > as XML entities (what xml.sax.saxutils.escape does; importing that module
    pulls in urllib.request, http.client and ssl: 50 ms)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(value: str) -> str:
    """An XML attribute value, escaped and in double quotes."""
    value = escape(value)
    for char, entity in (('"', "&quot;"), ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;")):
        value = value.replace(char, entity)
    return f'"{value}"'


def style_id(name: str) -> str:
    return f"RW{name.capitalize()}"


class Writer:
    """Collects the body as WordprocessingML fragments."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self.layout = layout
        self.parts: list[str] = []

    def run(self, kind: str, text: str) -> str:
        return f'<w:r>{self.rpr(kind)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    def rpr(self, kind: str) -> str:
        spec = self.layout["styles"][kind]
        latin = quoteattr(self.layout["latin_font"])
        half_points = round(spec["size_pt"] * 2)
        bold = "<w:b/><w:bCs/>" if spec.get("bold") else ""
        return (
            f"<w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:cs={latin} "
            f"w:eastAsia={quoteattr(spec['font'])}/>{bold}"
            f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        )

    def paragraph_xml(
        self, kind: str, texts: list[str], align: str | None = None, keep: bool = False
    ) -> str:
        jc = f'<w:jc w:val="{ALIGN[align]}"/>' if align else ""
        keep_next = "<w:keepNext/>" if keep else ""
        runs = "".join(self.run(kind, t) for t in texts)
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{style_id(kind)}"/>{keep_next}{jc}</w:pPr>{runs}</w:p>'
        )

    def paragraph(self, kind: str, texts: list[str]) -> None:
        self.parts.append(self.paragraph_xml(kind, texts))

    def title(self, title: str) -> None:
        """The title, broken before the year when it is wider than a line: 「东丽区应急管理局」
        over 「2023年政府信息公开工作年度报告」, never inside a word such as 年度."""
        lines = title_lines(title, self.layout)
        brk = f"<w:r>{self.rpr('title')}<w:br/></w:r>"
        runs = brk.join(self.run("title", line) for line in lines)
        self.parts.append(
            f'<w:p><w:pPr><w:pStyle w:val="{style_id("title")}"/></w:pPr>{runs}</w:p>'
        )

    def table(self, table: Table) -> None:
        """Real merged cells: a span starts with gridSpan/vMerge="restart"; the cells it covers
        below carry vMerge (continue), as Word writes them."""
        widths = self.layout["tables"].get(table.key) or [156 / table.width] * table.width
        twips = [round(mm * TWIPS_PER_MM) for mm in widths]
        grid = table.grid()
        height = max(r + cell.rowspan for r, _, cell in grid)
        starts = {(r, c): cell for r, c, cell in grid}
        covered: dict[tuple[int, int], Cell] = {}
        for r, c, cell in grid:
            for dr in range(1, cell.rowspan):
                covered[(r + dr, c)] = cell
        border = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        rows = []
        # A short table stays on one page: each row keeps with the next. A long one keeps its
        # header rows with the first row below them, so it never starts at a page's foot.
        together = height <= self.layout["keep_table_rows"]
        for r in range(height):
            header = '<w:tblHeader w:val="true"/>' if r < table.header_rows else ""
            keep = r < height - 1 and (together or r <= table.header_rows)
            cells = []
            c = 0
            while c < table.width:
                here = starts.get((r, c)) or covered.get((r, c))
                if here is None:  # a ragged row: fill it so Word's grid stays whole
                    cells.append(self._tc(twips[c], 1, "", ""))
                    c += 1
                    continue
                width = sum(twips[c : c + here.colspan])
                if (r, c) in starts:
                    merge = '<w:vMerge w:val="restart"/>' if here.rowspan > 1 else ""
                    label = not here.header and here.key is None
                    content = self.paragraph_xml(
                        "table", [here.text], "left" if label else "center", keep
                    )
                else:
                    merge = "<w:vMerge/>"
                    content = self.paragraph_xml("table", [], keep=keep)
                cells.append(self._tc(width, here.colspan, merge, content))
                c += here.colspan
            rows.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{''.join(cells)}</w:tr>")
        columns = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
        self.parts.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            f"</w:tblCellMar></w:tblPr><w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self.parts.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id("body")}"/></w:pPr></w:p>')

    @staticmethod
    def _tc(width: int, colspan: int, merge: str, content: str) -> str:
        span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}'
            f'<w:vAlign w:val="center"/></w:tcPr>{content or "<w:p/>"}</w:tc>'
        )


YEAR_RE = re.compile(r"(?<=\S)(?=(?:19|20)\d\d年)")


def title_parts(title: str) -> list[str]:
    """The units a title may break between: the agency, and the rest from the year on."""
    found = YEAR_RE.search(title)
    return [title] if found is None else [title[: found.start()], title[found.start() :]]


def title_lines(title: str, layout: dict[str, Any]) -> list[str]:
    """The title as its lines: one when it fits the text width at the title's size, else its
    parts."""
    page = layout["page"]
    width_pt = (page["width_mm"] - page["left_mm"] - page["right_mm"]) / 25.4 * 72
    per_line = int(width_pt // layout["styles"]["title"]["size_pt"])
    return [title] if display_width(title) <= per_line else title_parts(title)


def display_width(text: str) -> float:
    """Width in em: a wide (CJK) character counts one, a narrow one (digits, Latin) a half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _page(word: Any, layout: dict[str, Any]) -> None:
    from docx.shared import Mm

    page = layout["page"]
    section = word.sections[0]
    section.page_width, section.page_height = Mm(page["width_mm"]), Mm(page["height_mm"])
    section.top_margin, section.bottom_margin = Mm(page["top_mm"]), Mm(page["bottom_mm"])
    section.left_margin, section.right_margin = Mm(page["left_mm"]), Mm(page["right_mm"])
    section.footer_distance = Mm(page["footer_mm"])


def _styles(word: Any, layout: dict[str, Any]) -> None:
    """The paragraph styles of the layout, added to the document's style sheet."""
    from docx.oxml import parse_xml

    xml = "".join(style_xml(name, spec, layout) for name, spec in layout["styles"].items())
    sheet = word.styles.element
    for element in parse_xml(f'<w:styles xmlns:w="{W}">{xml}</w:styles>'):
        sheet.append(element)


def style_xml(name: str, spec: dict[str, Any], layout: dict[str, Any]) -> str:
    def twips(points: float) -> int:
        return round(points * 20)

    size = spec["size_pt"]
    keep = "<w:keepNext/>" if spec.get("keep_with_next") else ""
    keep += "<w:widowControl/>"  # no lone first or last line of a paragraph on a page
    after = twips(spec.get("space_after_pt", 0))
    if "line_spacing_pt" in spec:
        line = f'w:line="{twips(spec["line_spacing_pt"])}" w:lineRule="exact"'
    else:
        line = 'w:line="240" w:lineRule="auto"'
    chars = spec.get("first_line_indent_chars", 0)
    indent = f'w:firstLineChars="{chars * 100}" w:firstLine="{twips(chars * size)}"'
    outline = ""
    if name in HEADING_STYLES.values():  # listed in Word's navigation pane
        outline = f'<w:outlineLvl w:val="{int(name[-1]) - 1}"/>'
    latin = quoteattr(layout["latin_font"])
    bold = "<w:b/><w:bCs/>" if spec.get("bold") else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id(name)}">'
        f'<w:name w:val={quoteattr(spec["word_name"])}/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{keep}<w:spacing w:before="0" w:after="{after}" {line}/><w:ind {indent}/>'
        f'<w:jc w:val="{ALIGN[spec.get("align", "justify")]}"/>{outline}</w:pPr>'
        f"<w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:cs={latin} "
        f"w:eastAsia={quoteattr(spec['font'])}/>{bold}"
        f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/></w:rPr></w:style>'
    )


def _page_numbers(word: Any, layout: dict[str, Any]) -> None:
    """「— 1 —」 in the footer: a PAGE field; odd pages at one side, even pages at the other."""
    from docx.oxml import parse_xml

    numbering = layout["page_number"]
    before, _, after = numbering["text"].partition("{page}")
    xml = Writer(layout)
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'{xml.run("page_number", "1")}<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    word.settings.odd_and_even_pages_header_footer = True
    section = word.sections[0]
    for footer, side in (
        (section.footer, numbering["odd"]),
        (section.even_page_footer, numbering["even"]),
    ):
        target = footer.paragraphs[0]._p
        paragraph = parse_xml(
            f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="{style_id("page_number")}"/>'
            f'<w:jc w:val="{ALIGN[side]}"/></w:pPr>{xml.run("page_number", before)}{field}'
            f"{xml.run('page_number', after)}</w:p>"
        )
        target.addprevious(paragraph)
        target.getparent().remove(target)


def _font_fallbacks(word: Any, layout: dict[str, Any]) -> None:
    """Name each font's fallback in the font table (`w:altName`), for machines without it."""
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    part = next(p for p in word.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for spec in layout["styles"].values():
        if spec["font"] in known or not spec.get("fallback"):
            continue
        known.add(spec["font"])
        font = OxmlElement("w:font", {qn("w:name"): spec["font"]})
        for tag, value in (
            ("w:altName", spec["fallback"]),
            ("w:charset", "86"),
            ("w:family", "auto"),
        ):
            font.append(OxmlElement(tag, {qn("w:val"): value}))  # charset 86: GB2312
        root.append(font)
    part._blob = serialize_part_xml(root)
