"""HTML: one self-contained page from templates/draft.html.j2, every text escaped. Table column
widths follow the Word layout (templates/docx-layout.yaml), as shares of the table's width.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

from report_writer.document import Document
from report_writer.render.docx import load_layout, title_parts
from report_writer.render.templates import templates_env

TEMPLATE = "draft.html.j2"


def render_html(doc: Document) -> str:
    env = templates_env()
    env.globals["kind"] = lambda block: type(block).__name__
    env.globals["title_parts"] = title_parts
    widths = {
        key: [round(100 * mm / sum(mms), 2) for mm in mms]
        for key, mms in load_layout()["tables"].items()
    }
    return env.get_template(TEMPLATE).render(doc=doc, widths=widths)
